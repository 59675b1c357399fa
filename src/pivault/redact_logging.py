"""A stdlib ``logging.Filter`` that rewrites personal values before they are emitted.

Attach it to a HANDLER (not a logger): handler filters see every record that
reaches the handler, including records propagated from child loggers such as
``uvicorn.access``. Nothing is installed at import; see docs/detection.md for
a ``dictConfig`` snippet for FastAPI/uvicorn.

The message is formatted first (``record.getMessage()``), the result is
redacted, and ``record.args`` is cleared, so a value split between the format
string and its arguments is still caught. If formatting fails (a bad format
string), the format string and each argument are redacted separately and the
record is rewritten to a plain message, so the handler never sees raw args.
Exception and stack text are formatted and redacted too.
"""

from __future__ import annotations

import logging
from collections.abc import Collection

from pivault.detect import DEFAULT_MIN_SCORE, Entity, Operator, redact

__all__ = ["RedactingFilter"]


class RedactingFilter(logging.Filter):
    """Redact personal values in log records (message, args, exception text).

    ``operator`` is any :class:`pivault.detect.Operator` except ``token``
    (tokens in logs would make logs a decryption oracle); ``key`` is needed
    for ``pseudonym``. The filter never drops a record: it returns True.
    """

    def __init__(
        self,
        name: str = "",
        operator: Operator | str = Operator.REPLACE,
        entities: Collection[Entity | str] | None = None,
        key: bytes | None = None,
        min_score: float = DEFAULT_MIN_SCORE,
    ) -> None:
        super().__init__(name)
        self.operator = Operator(operator)
        if self.operator is Operator.TOKEN:
            raise ValueError("RedactingFilter does not support the token operator")
        self.entities = entities
        self.key = key
        self.min_score = min_score
        self._formatter = logging.Formatter()

    def _redact(self, text: str) -> str:
        return redact(text, self.operator, self.entities, self.key, self.min_score)

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite ``record`` in place; always keep it."""
        try:
            message = record.getMessage()
        except Exception:  # a malformed format string: redact the pieces instead
            pieces = [str(record.msg), *(str(a) for a in _as_tuple(record.args))]
            message = " ".join(self._redact(p) for p in pieces)
        else:
            message = self._redact(message)
        record.msg = message
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self._redact(record.stack_info)
        return True


def _as_tuple(args: object) -> tuple[object, ...]:
    if args is None:
        return ()
    if isinstance(args, tuple):
        return args
    return (args,)
