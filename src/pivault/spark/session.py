"""Start a SparkSession for ``pivault scan --engine spark``, or say in one line what is missing.

PySpark is the optional extra ``pivault[spark]`` and needs a Java runtime.
Both are checked *before* the JVM is launched, so a machine without them gets
one line naming the missing piece instead of a Java gateway traceback.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pivault.core.errors import EngineUnavailableError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

#: Where to get what is missing (named in the error lines).
INSTALL_JAVA = "install OpenJDK 17 (Debian: apt-get install openjdk-17-jre-headless)"
INSTALL_PYSPARK = "install the spark extra: pip install 'pivault[spark]'"

#: Spark's driver logs only errors (see the file).
LOG4J = (Path(__file__).parent / "log4j2.properties").as_uri()

#: Spark settings of the scanning session; the caller's own settings win.
SESSION_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    # Python workers stay up between tasks, so each builds its detectors once.
    "spark.python.worker.reuse": "true",
    # Detection costs about a second per MB of text per core: Spark's default 128 MB file
    # splits would leave all but one core idle on anything smaller than a large lake.
    "spark.sql.files.maxPartitionBytes": "4m",
    "spark.sql.files.openCostInBytes": "1m",
    # Arrow batches handed to the workers stay small even when cells are huge (each cell
    # is cut to MAX_CELL_CHARS + 1 characters first), so a worker's memory stays bounded.
    "spark.sql.execution.arrow.maxBytesPerBatch": "16m",
}


def java_problem(environ: dict[str, str] | None = None) -> str | None:
    """Why Spark cannot find a Java runtime, or None when it can."""
    env = os.environ if environ is None else environ
    home = env.get("JAVA_HOME")
    if home:
        if not (Path(home) / "bin" / "java").is_file():
            return f"Spark needs a Java runtime (JAVA_HOME={home} has no bin/java); {INSTALL_JAVA}"
        return None
    if shutil.which("java", path=env.get("PATH", "")) is None:
        return f"Spark needs a Java runtime (JAVA_HOME unset and no java on PATH); {INSTALL_JAVA}"
    return None


def require_pyspark() -> None:
    """Raise :class:`EngineUnavailableError` unless pyspark, pandas and pyarrow import."""
    for module in ("pyspark", "pyarrow", "pandas"):
        try:
            __import__(module)
        except ImportError:
            raise EngineUnavailableError(
                f"--engine spark needs {module}, which is not installed; {INSTALL_PYSPARK}"
            ) from None


def check_engine() -> None:
    """Raise :class:`EngineUnavailableError` naming what Spark lacks (PySpark, Java)."""
    require_pyspark()
    problem = java_problem()
    if problem is not None:
        raise EngineUnavailableError(problem)


def start_session(
    master: str | None = None,
    app_name: str = "pivault-scan",
    conf: dict[str, str] | None = None,
) -> SparkSession:
    """A SparkSession (the active one if there is one); one-line error when Spark cannot start.

    ``master`` defaults to the session's own setting (``spark-submit``,
    ``PYSPARK_SUBMIT_ARGS``), else ``local[*]``. Workers run this very
    Python unless ``PYSPARK_PYTHON`` says otherwise.
    """
    require_pyspark()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    problem = java_problem()
    if problem is not None:
        raise EngineUnavailableError(problem)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    if (master or "local").startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # no "resolves to loopback" warning
    builder = SparkSession.builder.appName(app_name)
    if not any(v in os.environ for v in ("SPARK_CONF_DIR", "PYSPARK_SUBMIT_ARGS")):
        # A plain pip-installed PySpark: quiet its logs. A configured Spark keeps its own.
        builder = builder.config(
            "spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={LOG4J}"
        )
    if master is not None:
        builder = builder.master(master)
    for key, value in {**SESSION_CONF, **(conf or {})}.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # the JVM or its gateway failed: one line, not a Java trace
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise EngineUnavailableError(f"Spark could not start: {first}") from None
    session.sparkContext.setLogLevel("ERROR")
    return session
