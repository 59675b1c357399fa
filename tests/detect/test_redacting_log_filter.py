"""pivault.redact_logging.RedactingFilter on real logging records."""

from __future__ import annotations

import io
import logging
import logging.config
from collections.abc import Iterator

import pytest

from pivault.redact_logging import RedactingFilter


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("pivault.tests.redact_logging")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def test_values_in_args_are_redacted_after_formatting(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = captured
    logger.info("send code to %s from %s", "13812345678", "10.1.2.3")
    assert stream.getvalue() == "send code to <PHONE> from <IP>\n"


def test_value_split_between_format_and_args_is_still_caught(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = captured
    logger.info("手机138%s", "12345678")
    assert stream.getvalue() == "手机<PHONE>\n"


def test_exception_text_is_redacted(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    try:
        raise ValueError("bad email zhang.wei@example.com")
    except ValueError:
        logger.exception("failed for %s", "zhang.wei@example.com")
    assert "zhang.wei@example.com" not in stream.getvalue()
    assert "bad email <EMAIL>" in stream.getvalue()


def test_malformed_format_string_is_still_redacted(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = captured
    logger.info("phone %d", "13812345678")
    assert "13812345678" not in stream.getvalue()


def test_dict_config_with_mask_operator() -> None:
    stream = io.StringIO()
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "filters": {
                "pii": {"()": "pivault.redact_logging.RedactingFilter", "operator": "mask"}
            },
            "handlers": {
                "mem": {"class": "logging.StreamHandler", "stream": stream, "filters": ["pii"]}
            },
            "loggers": {"pivault.tests.dictconfig": {"handlers": ["mem"], "level": "INFO"}},
        }
    )
    logger = logging.getLogger("pivault.tests.dictconfig")
    logger.propagate = False
    logger.info('127.0.0.1:5000 - "GET /u?mobile=13812345678 HTTP/1.1" 200')
    assert "138****5678" in stream.getvalue()
    for handler in list(logger.handlers):
        logger.removeHandler(handler)


def test_token_operator_is_refused() -> None:
    with pytest.raises(ValueError, match="token"):
        RedactingFilter(operator="token")


def test_importing_installs_no_handlers() -> None:
    assert all(
        not isinstance(f, RedactingFilter) for h in logging.getLogger().handlers for f in h.filters
    )
