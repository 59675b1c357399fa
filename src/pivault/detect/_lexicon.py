"""Lazy access to jieba's dictionary and part-of-speech tagger.

The default path needs only one fact from jieba's dictionary: is a string a
frequent ordinary word (``明天``, ``江苏``) rather than a name? That set is
read from jieba's bundled ``dict.txt`` once per process (~0.5 s). The
jieba.posseg HMM tagger (~3 s to import, ~1 ms per sentence) is loaded only
for ``analyze(..., deep=True)``.

jieba installs its own stderr handler when imported and logs while
initialising; its logger level is raised right before first use. No handler
of ours is ever installed.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
import warnings
from pathlib import Path
from typing import Any

from pivault.core.errors import DetectionError

_lock = threading.Lock()
_common: frozenset[str] | None = None
_tagger: Any = None

#: A word at least this frequent in jieba's dictionary is an ordinary word.
COMMON_WORD_FREQ = 300


def _import_jieba() -> Any:
    logging.getLogger("jieba").setLevel(logging.WARNING)
    # jieba 0.42 has invalid escape sequences in its regexes: compiling it
    # fresh warns, which test suites running with -W error turn into errors.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", SyntaxWarning)
        import jieba
        import jieba.posseg
    jieba.setLogLevel(logging.WARNING)
    return jieba


def _jieba_dictionary() -> Path:
    """Path of jieba's bundled dict.txt, found without importing jieba (which is slow)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise DetectionError("jieba is not installed; Chinese name detection needs it")
    return Path(next(iter(spec.submodule_search_locations))) / "dict.txt"


def _load_common_words() -> frozenset[str]:
    global _common
    with _lock:
        if _common is None:
            logging.getLogger("jieba").setLevel(logging.WARNING)
            words = set()
            with _jieba_dictionary().open(encoding="utf-8") as lines:
                for line in lines:
                    word, freq, tag = line.rstrip("\n").split(" ")
                    if int(freq) >= COMMON_WORD_FREQ and not tag.startswith("nr"):
                        words.add(word)
            _common = frozenset(words)
    return _common


def is_common_word(word: str) -> bool:
    """True if ``word`` is a frequent dictionary word that is not tagged as a name."""
    common = _common if _common is not None else _load_common_words()
    return word in common


def person_spans(text: str) -> list[tuple[int, int]]:
    """Spans that jieba.posseg (with HMM) tags as person names (nr, nrfg, nrt)."""
    global _tagger
    if _tagger is None:
        with _lock:
            if _tagger is None:
                jieba = _import_jieba()
                jieba.initialize()
                _tagger = jieba.posseg.dt
    spans: list[tuple[int, int]] = []
    pos = 0
    for pair in _tagger.cut(text, HMM=True):
        word, flag = pair.word, pair.flag
        if flag.startswith("nr"):
            spans.append((pos, pos + len(word)))
        pos += len(word)
    return spans


def warm_up(deep: bool = False) -> None:
    """Load the dictionaries now (e.g. at service start) instead of on first use."""
    from pivault.detect.checks import resident_id_score

    _load_common_words()
    resident_id_score("11010519491231002X")  # python-stdnum's area-code table, ~3.5 MB
    if deep:
        person_spans("张三")
