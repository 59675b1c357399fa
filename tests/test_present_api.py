"""pivault.present: its curated names, the diff words for every reason, the HTML fragment."""

from __future__ import annotations

import subprocess
import sys

import pytest

import pivault.present as present
from pivault.core.diff import REASON_CODES
from pivault.present.policy_diff_text import REASONS
from pivault.present.policy_render import render_policy, render_policy_fragment
from pivault.service.policy_files import load_policy


def test_present_exports_exactly_its_curated_names() -> None:
    assert sorted(present.__all__) == present.__all__
    for name in present.__all__:
        assert getattr(present, name) is not None, name
    assert set(present.__all__) <= set(dir(present))
    with pytest.raises(AttributeError):
        _ = present.no_such_name


def test_importing_present_loads_no_renderer_until_one_is_used() -> None:
    code = (
        "import sys, pivault.present;"
        "print(sorted(m for m in sys.modules if m.startswith('pivault.present.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_reason_code_has_words_in_both_languages() -> None:
    assert set(REASONS) == REASON_CODES
    for zh, en in REASONS.values():
        assert zh and en


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_policy_fragment_is_the_page_content_without_the_page(lang: str) -> None:
    policy = load_policy(None)
    page, fragment = render_policy(policy, lang, "html"), render_policy_fragment(policy, lang)
    for part in ("<html", "<head", "<body", "<main", "<nav", "<footer", "<h1", "<style"):
        assert part not in fragment, part
    title = policy.name.get(lang)
    assert fragment.lstrip().startswith(f"<h2>{title}</h2>")
    # Every section of the full page is in the fragment, unchanged.
    main = page.split("<main>", 1)[1].split("</main>", 1)[0]
    assert fragment.endswith(main)
