"""Which datasets a Spark scan reads under a path, and its one-line errors (no Spark needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pivault.core.errors import InvalidArgumentError
from pivault.spark.engine import is_path_target
from pivault.spark.inputs import Dataset, find_datasets


def test_datasets_under_a_lake(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    (lake / "users" / "dt=2026-01-01").mkdir(parents=True)
    (lake / "users" / "dt=2026-01-01" / "part-0.parquet").write_bytes(b"")
    (lake / "raw").mkdir()
    (lake / "raw" / "events.jsonl").write_text("{}\n")
    (lake / "raw" / "README.md").write_text("not data\n")
    (lake / ".hidden").mkdir()
    (lake / ".hidden" / "x.csv").write_text("a\n")
    # A directory of one format is one dataset, read through its extension (not README.md).
    assert find_datasets(str(lake)) == [
        Dataset("raw", str(lake / "raw"), "json", "*.{json,jsonl,ndjson}"),
        Dataset("users", str(lake / "users"), "parquet", "*.parquet"),
    ]
    assert find_datasets(str(lake / "users"), "parquet") == [
        Dataset("users", str(lake / "users"), "parquet")
    ]
    assert find_datasets(str(lake / "raw" / "README.md"), "csv") == [
        Dataset("README.md", str(lake / "raw" / "README.md"), "csv")
    ]


@pytest.mark.parametrize(
    ("target", "fmt", "message"),
    [
        ("nope/lake", None, "no such file or directory: nope/lake"),
        ("s3a://bucket/users/", None, "cannot tell the data format of s3a://bucket/users/"),
        (".", "xlsx", "unknown input format 'xlsx'; valid: parquet, csv, json, orc"),
    ],
)
def test_bad_targets_are_one_line_errors(target: str, fmt: str | None, message: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        find_datasets(target, fmt)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


def test_a_directory_without_data_files_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello\n")
    with pytest.raises(InvalidArgumentError, match="no data files under"):
        find_datasets(str(tmp_path))
    with pytest.raises(InvalidArgumentError, match="is not a data file"):
        find_datasets(str(tmp_path / "notes.txt"))


def test_remote_paths_and_tables_are_told_apart() -> None:
    assert find_datasets("s3a://bucket/users.parquet") == [
        Dataset("users", "s3a://bucket/users.parquet", "parquet")
    ]
    assert find_datasets("hdfs://nn/lake/users", "orc")[0].format == "orc"
    assert is_path_target("lake/users") and is_path_target("users.csv")
    assert not is_path_target("users") and not is_path_target("crm.users")
