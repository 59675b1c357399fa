"""What Spark scans: data-lake datasets under a path, catalog tables, and which columns of each.

A path is split into **datasets**, each read as one DataFrame: a data file
(``.parquet``, ``.csv``, ``.json``/``.jsonl``/``.ndjson``, ``.orc``) is one
dataset; a directory holding data files of one format (or only
``key=value`` partition directories, as Spark and Hive write them) is one
dataset; any other directory (mixed formats included) is searched for
datasets. Spark's own marker files (``_SUCCESS``,
``*.crc``, hidden files) are ignored. A dataset's name is its path relative
to the target (the target's own name when it is one dataset), without the
data extension: ``lake/users/`` scanned as ``lake`` gives ``users``, and its
columns read ``users.phone``.

Columns: strings are scanned as they are; structs, arrays and maps (nested
JSON) as their JSON text (``to_json``); binary columns are not scanned and
are reported; numbers, dates and booleans are not scanned (like the
database scanner). Every cell is cut to ``max_chars + 1`` characters by Spark
before it reaches Python, so a huge cell costs bounded memory.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pivault.core.errors import InvalidArgumentError

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

#: File extension -> Spark data source.
FORMATS = {
    ".parquet": "parquet",
    ".csv": "csv",
    ".json": "json",
    ".jsonl": "json",
    ".ndjson": "json",
    ".orc": "orc",
}
#: Spark's pathGlobFilter per format: a dataset directory's other files are not read.
_GLOBS = {
    fmt: "*." + (exts[0] if len(exts) == 1 else "{" + ",".join(exts) + "}")
    for fmt in set(FORMATS.values())
    for exts in [sorted(e[1:] for e, f in FORMATS.items() if f == fmt)]
}
#: What ``--input-format`` / ``input_format=`` accept.
INPUT_FORMATS = ("parquet", "csv", "json", "orc")
_REMOTE_RE = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)
_PARTITION_RE = re.compile(r"^[^=/]+=[^/]*$")


@dataclass(frozen=True)
class Dataset:
    """One DataFrame to read: its name in the report, its path and its data source."""

    name: str
    path: str
    format: str
    #: For a directory found by extension: only its files of that format are read.
    glob: str | None = None


def _data_format(path: Path) -> str | None:
    if path.name.startswith((".", "_")) or path.name.endswith(".crc"):
        return None
    return FORMATS.get(path.suffix.lower())


def _stem(path: Path) -> str:
    return path.name[: -len(path.suffix)] if path.suffix.lower() in FORMATS else path.name


def _dir_format(directory: Path) -> str | None:
    """The format of a directory that is one dataset (data files, partitions), else None."""
    direct: set[str] = set()
    partitioned: set[str] = set()
    others = False
    for child in sorted(directory.iterdir()):
        if child.is_dir() and _PARTITION_RE.match(child.name):
            sub = _dir_format(child)
            if sub:
                partitioned.add(sub)
        elif child.is_dir():
            others = others or not child.name.startswith((".", "_"))
        elif (fmt := _data_format(child)) is not None:
            direct.add(fmt)
    found = direct or (partitioned if not others else set())
    return found.pop() if len(found) == 1 else None  # mixed formats: file by file


def find_datasets(target: str, input_format: str | None = None) -> list[Dataset]:
    """The datasets under a local path or a remote URL (``s3a://…``, ``hdfs://…``)."""
    if input_format is not None and input_format not in INPUT_FORMATS:
        raise InvalidArgumentError(
            f"unknown input format {input_format!r}; valid: {', '.join(INPUT_FORMATS)}"
        )
    if _REMOTE_RE.match(target) and not target.lower().startswith("file:"):
        suffix = Path(target.rstrip("/")).suffix.lower()
        fmt = input_format or FORMATS.get(suffix)
        if fmt is None:
            raise InvalidArgumentError(
                f"cannot tell the data format of {target}; name it with --input-format "
                f"({', '.join(INPUT_FORMATS)})"
            )
        return [Dataset(_stem(Path(target.rstrip("/"))), target, fmt)]
    root = Path(target.removeprefix("file://"))
    if not root.exists():
        raise InvalidArgumentError(f"no such file or directory: {target}")
    if root.is_file():
        fmt = input_format or _data_format(root) or FORMATS.get(root.suffix.lower())
        if fmt is None:
            raise InvalidArgumentError(
                f"{target} is not a data file ({', '.join(sorted(FORMATS))}); "
                "name its format with --input-format"
            )
        return [Dataset(_stem(root), str(root), fmt)]
    found: list[Dataset] = []

    def walk(directory: Path, name: str) -> None:  # name: "" for the target itself
        fmt = _dir_format(directory)
        if fmt is not None:
            name = name or _stem(directory)
            if input_format is not None:
                found.append(Dataset(name, str(directory), input_format))
            else:
                found.append(Dataset(name, str(directory), fmt, _GLOBS[fmt]))
            return
        for child in sorted(directory.iterdir()):
            if child.name.startswith((".", "_")) or child.is_symlink():
                continue
            child_name = f"{name}.{_stem(child)}" if name else _stem(child)
            if child.is_dir():
                walk(child, child_name)
            elif (cfmt := _data_format(child)) is not None:
                found.append(Dataset(child_name, str(child), input_format or cfmt))

    walk(root, "")
    if not found:
        raise InvalidArgumentError(
            f"no data files under {target} (looked for {', '.join(sorted(FORMATS))})"
        )
    return found


def read_dataset(spark: SparkSession, dataset: Dataset) -> DataFrame:
    """The dataset as a DataFrame; CSV with a header row, JSON lines or whole-file documents."""
    reader = spark.read.format(dataset.format)
    if dataset.glob is not None:
        reader = reader.option("pathGlobFilter", dataset.glob)
    if dataset.format == "csv":
        reader = reader.option("header", "true").option("mode", "PERMISSIVE")
    if dataset.format == "json":
        reader = reader.option("mode", "PERMISSIVE")
    return reader.load(dataset.path)


@dataclass(frozen=True)
class Columns:
    """The columns of a DataFrame to scan (as text expressions), and those that cannot be."""

    names: list[str]
    exprs: list[Column]
    binary: list[str]
    #: Columns asked for by name that hold no text (numbers, dates): name -> Spark type.
    untyped: dict[str, str]


def text_columns(df: DataFrame, wanted: list[str] | None, max_chars: int) -> Columns:
    """Strings as they are, nested values as JSON, each cut to ``max_chars + 1`` characters."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    fields = {f.name: f for f in df.schema.fields}
    if wanted is not None:
        unknown = [c for c in wanted if c not in fields]
        if unknown:
            raise InvalidArgumentError(
                f"no column {unknown[0]!r} to scan; columns: {', '.join(fields) or '(none)'}"
            )
    names: list[str] = []
    exprs: list[Column] = []
    binary: list[str] = []
    untyped: dict[str, str] = {}
    for name in wanted if wanted is not None else list(fields):
        dtype = fields[name].dataType
        col = F.col(f"`{name.replace('`', '``')}`")
        if isinstance(dtype, T.StringType | T.VarcharType | T.CharType):
            text = col.cast("string")
        elif isinstance(dtype, T.StructType | T.ArrayType | T.MapType):
            text = F.to_json(col)
        elif isinstance(dtype, T.BinaryType):
            binary.append(name)
            continue
        else:
            if wanted is not None:
                untyped[name] = dtype.simpleString()
            continue
        names.append(name)
        exprs.append(F.substring(text, 1, max_chars + 1).alias(f"c{len(exprs)}"))
    return Columns(names, exprs, binary, untyped)


def dataset_place_path(dataset_path: str) -> str:
    """The absolute path a dataset is matched against ``places: paths``."""
    if _REMOTE_RE.match(dataset_path) and not dataset_path.lower().startswith("file:"):
        return dataset_path
    return os.path.abspath(dataset_path.removeprefix("file://"))
