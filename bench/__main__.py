"""``python -m bench`` (``make bench``): run every benchmark, write docs/benchmarks.md, print it.

The vault benchmark always runs; the detection benchmark (bench/detect_bench.py,
pivault.detect vs Presidio) runs when it can be imported, which needs the bench
environment (``make setup-bench``). The Spark scan benchmark (bench/spark_bench.py)
needs the spark group (synced into the bench environment too) and a Java runtime.
A benchmark that cannot run leaves a note in its section instead of figures.

``python -m bench --only audit|streams|spark`` (``make bench BENCH_ARGS="--only audit"``;
``--spark-only`` is ``--only spark``) runs only that benchmark and replaces only its
section of docs/benchmarks.md.
"""

from __future__ import annotations

import importlib
import sys
import time
import traceback
from pathlib import Path

from bench import vault_bench
from bench.common import COMMAND, machine_lines, section_header, today

DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def detect_section() -> list[str]:
    """The detection benchmark's Markdown, or a section saying why it did not run."""
    title = "Detection: pivault.detect vs Presidio"
    try:
        detect_bench = importlib.import_module("bench.detect_bench")
    except ImportError as exc:
        progress(f"detection benchmark not run: {exc}")
        return [
            *section_header(title),
            f"Not run: `bench.detect_bench` could not be imported ({exc}). It needs the bench "
            "environment with Presidio (`make setup-bench`, then `make bench`).",
            "",
        ]
    progress("detection benchmark (pivault.detect vs Presidio)")
    try:
        lines: list[str] = list(detect_bench.main())
    except Exception as exc:  # a failing benchmark must not lose the others' figures
        traceback.print_exc()
        return [
            *section_header(title),
            f"Not run: the detection benchmark failed ({type(exc).__name__}: {exc}).",
            "",
        ]
    # Its own heading comes first; the command and date go right under it.
    if lines and lines[0].startswith("## "):
        return [*section_header(lines[0][3:].strip()), *lines[1:]]
    return [*section_header(title), *lines]


def vault_section() -> tuple[list[str], bool]:
    """The vault benchmark's Markdown and whether it ran."""
    progress("vault benchmark (SQLite, PostgreSQL, decisions)")
    try:
        return vault_bench.main(progress), True
    except Exception as exc:  # keep going: the other benchmarks' figures still count
        traceback.print_exc()
        return [
            *section_header("Vault: collect and read vs plain SQLAlchemy, access decisions"),
            f"Not run: the vault benchmark failed ({type(exc).__name__}: {exc}).",
            "",
        ], False


def http_section() -> list[str]:
    """The HTTP benchmark's Markdown (loopback server, in-process calls, the bare app).

    ``python -m bench.http_bench`` runs this section alone and rewrites it in place."""
    progress("HTTP benchmark (uvicorn on loopback vs in-process, vs a bare FastAPI app)")
    try:
        from bench import http_bench

        # Its own heading, command and date come first (section_header): nothing to add.
        return list(http_bench.main(progress))
    except Exception as exc:  # keep the other sections' figures
        traceback.print_exc()
        return [
            *section_header("HTTP API: read and decide over loopback"),
            f"Not run: the HTTP benchmark failed ({type(exc).__name__}: {exc}).",
            "",
        ]


def spark_section() -> list[str]:
    """The Spark scan benchmark's Markdown, or a section saying why it did not run."""
    from bench import spark_bench

    progress("Spark scan benchmark (pivault.spark on local[2] vs the single-process scan)")
    try:
        return spark_bench.main(progress)
    except Exception as exc:  # no PySpark, no Java: keep the other sections' figures
        traceback.print_exc()
        return [
            *section_header(spark_bench.TITLE),
            f"Not run: the Spark scan benchmark failed ({type(exc).__name__}: {exc}). It needs "
            "the spark group and a Java runtime (`make setup-bench` syncs the group).",
            "",
        ]


def generator_section(module: str, title: str) -> list[str]:
    """A section produced by ``bench.<module>.main(progress)`` (a generator of lines)."""
    progress(f"{title} benchmark")
    try:
        lines = list(importlib.import_module(f"bench.{module}").main(progress))
    except Exception as exc:  # keep the other sections' figures
        traceback.print_exc()
        return [*section_header(title), f"Not run: it failed ({type(exc).__name__}: {exc}).", ""]
    if lines and lines[0].startswith("## "):
        return [*section_header(lines[0][3:].strip()), *lines[4:]]
    return lines


def audit_section() -> list[str]:
    return generator_section("audit_bench", "Audit log")


def streams_section() -> list[str]:
    return generator_section("streams_bench", "Streams")


#: Sections that ``python -m bench --only NAME`` runs alone, updating only that section.
ALONE = {"spark": spark_section, "audit": audit_section, "streams": streams_section}


def replace_section(text: str, section: list[str]) -> str:
    """``text`` with the section titled ``section[0]`` replaced, or added before the end."""
    lines = text.splitlines()
    title = section[0]
    body = [*section] if section[-1] == "" else [*section, ""]
    if title in lines:
        start = lines.index(title)
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith(("## ", "Whole run"))),
            len(lines),
        )
        lines[start:end] = body
    else:
        end = next((i for i, line in enumerate(lines) if line.startswith("Whole run")), len(lines))
        lines[end:end] = body
    return "\n".join(lines) + "\n"


def only(name: str) -> int:
    section = ALONE[name]()
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n\n"
    DOCS.write_text(replace_section(text, section), encoding="utf-8")
    print("\n".join(section))
    progress(f"updated its section of {DOCS}")
    return 0 if "Not run:" not in "\n".join(section) else 1


def main() -> int:
    args = sys.argv[1:]
    if "--spark-only" in args:
        return only("spark")
    if "--only" in args and args.index("--only") + 1 < len(args):
        name = args[args.index("--only") + 1]
        if name not in ALONE:
            print(f"--only takes one of: {', '.join(ALONE)}", file=sys.stderr)
            return 2
        return only(name)
    started = time.perf_counter()
    started_at = today()
    vault_lines, vault_ok = vault_section()
    sections = [
        vault_lines,
        audit_section(),
        streams_section(),
        http_section(),
        detect_section(),
        spark_section(),
    ]
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `{COMMAND}` (`python -m bench` in the separate `.venv-bench`), started "
        f"{started_at}; every figure below comes from that one run. The machines are noisy: "
        "compare ratios measured in the same run rather than absolute figures across runs.",
        "",
        *machine_lines(),
        "",
    ]
    for section in sections:
        lines += section
        if lines[-1] != "":
            lines.append("")
    lines.append(f"Whole run: {time.perf_counter() - started:.0f} s.")
    text = "\n".join(lines) + "\n"
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    DOCS.write_text(text, encoding="utf-8")
    print(text)
    progress(f"wrote {DOCS}")
    return 0 if vault_ok else 1


if __name__ == "__main__":
    sys.exit(main())
