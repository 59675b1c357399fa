"""Lazy access to jieba's dictionary and part-of-speech tagger.

jieba loads a ~5 MB dictionary (about a second) and logs while doing so; both
happen here on first use only, once per process. jieba installs its own
stderr handler when imported, so its logger level is raised right before that
first load; no handler of ours is ever installed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

_lock = threading.Lock()
_state: dict[str, Any] = {}

#: A word this frequent in jieba's dictionary is an ordinary word, not part of a name.
COMMON_WORD_FREQ = 300


def _load() -> dict[str, Any]:
    with _lock:
        if not _state:
            logging.getLogger("jieba").setLevel(logging.WARNING)
            import jieba
            import jieba.posseg

            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            _state["freq"] = jieba.dt.FREQ
            _state["tags"] = jieba.posseg.dt.word_tag_tab
            _state["posseg"] = jieba.posseg.dt
    return _state


def word_freq() -> Mapping[str, int]:
    """jieba's word -> frequency table (loaded on first call)."""
    freq: Mapping[str, int] = (_state or _load())["freq"]
    return freq


@lru_cache(maxsize=65536)
def is_common_word(word: str) -> bool:
    """True if ``word`` is a frequent dictionary word that is not a person's name."""
    state = _state or _load()
    if state["freq"].get(word, 0) < COMMON_WORD_FREQ:
        return False
    return not str(state["tags"].get(word, "")).startswith("nr")


@lru_cache(maxsize=65536)
def is_dictionary_word(word: str) -> bool:
    """True if ``word`` is in jieba's dictionary at all (any frequency, any tag but nr)."""
    state = _state or _load()
    if state["freq"].get(word, 0) <= 0:
        return False
    return not str(state["tags"].get(word, "")).startswith("nr")


def person_spans(text: str) -> list[tuple[int, int]]:
    """Spans that jieba.posseg (with HMM) tags as person names (nr, nrfg, nrt)."""
    tokenizer = (_state or _load())["posseg"]
    spans: list[tuple[int, int]] = []
    pos = 0
    for pair in tokenizer.cut(text, HMM=True):
        word, flag = pair.word, pair.flag
        if flag.startswith("nr"):
            spans.append((pos, pos + len(word)))
        pos += len(word)
    return spans


def warm_up() -> None:
    """Load jieba now (e.g. at service start) instead of on the first Chinese text."""
    _load()
