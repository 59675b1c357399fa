"""Policy drift by place: a category's ``places:`` (columns, path globs), the scan's verdict."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from pivault.core.errors import PolicyError
from pivault.core.places import Place, Places, column_regex, path_regex
from pivault.core.policy_check import check_policy
from pivault.core.policy_parse import parse_policy
from pivault.service.policy_files import default_policy_text
from pivault.service.scan import scan_target
from tests.scan.conftest import PHONE_1, PHONE_2, RAW_VALUES, Placed, run_scan

_PHONE = "    fides: user.contact.phone_number\n"


def placed_policy_text(places: str) -> str:
    """The bundled policy with ``places`` (indented YAML) on its phone categories.

    Both phone categories (account.phone, survey.phone) get them: a phone is in
    place when any category declaring phones allows the place.
    """
    text = default_policy_text()
    assert text.count(_PHONE) == 2
    return text.replace(_PHONE, _PHONE + "    places:\n" + places)


PHONE_PLACES = "      columns: [users.phone]\n      paths: ['**/*.csv', 'exports/**']\n"


def write_placed_policy(tmp_path: Path, places: str = PHONE_PLACES) -> Path:
    path = tmp_path / "placed.yaml"
    path.write_text(placed_policy_text(places), encoding="utf-8")
    return path


# ---- matching ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("glob", "path", "ok"),
    [
        ("logs/**/*.log", "/srv/logs/2026/01/a.log", True),
        ("logs/**/*.log", "/srv/logs/a.log", True),
        ("logs/**/*.log", "/srv/logs/a.txt", False),
        ("logs/**/*.log", "/srv/mylogs/a.log", False),
        ("*.csv", "/data/x/users.csv", True),
        ("/data/*.csv", "/data/users.csv", True),
        ("/data/*.csv", "/srv/data/users.csv", False),
        ("exports/**", "/a/exports/b/c.json", True),
        ("exports/**", "/a/exports", True),
        ("exports/**", "/a/exportsx/c.json", False),
        ("**", "/a/b", True),
        ("exp?rts/*", "/a/exports/c.json", True),
    ],
)
def test_path_globs_match_trailing_segments(glob: str, path: str, ok: bool) -> None:
    assert bool(path_regex(glob).search(path)) is ok


@pytest.mark.parametrize(
    ("pattern", "label", "ok"),
    [
        ("users.phone", "users.phone", True),
        ("users.phone", "app.users.phone", True),
        ("users.phone", "myusers.phone", False),
        ("users.*", "USERS.Mobile", True),
        ("*.phone", "orders.phone", True),
        ("users.*", "users", False),
    ],
)
def test_column_patterns_match_dotted_parts(pattern: str, label: str, ok: bool) -> None:
    assert bool(column_regex(pattern).search(label)) is ok


def test_places_allow_a_column_or_a_path() -> None:
    places = Places(columns=("users.*",), paths=("logs/**",))
    assert places.allows(Place(column="users.phone"))
    assert places.allows(Place(path="/x/logs/a.log"))
    assert places.allows(Place(column="orders.phone", path="/x/logs/orders"))
    assert not places.allows(Place(column="orders.phone", path="/x/data/orders"))
    assert not places.allows(Place())


# ---- parsing -----------------------------------------------------------------


def test_places_parse_and_are_inherited_by_children() -> None:
    policy = parse_policy(placed_policy_text(PHONE_PLACES), "p.yaml")
    places = policy.categories["account.phone"].places
    assert places == Places(("users.phone",), ("**/*.csv", "exports/**"))
    assert check_policy(policy) == []
    assert policy.categories["account.nickname"].places is None
    text = default_policy_text().replace(
        "  account.phone:\n", "  account.phone:\n    places: {columns: ['users.*']}\n", 1
    )
    assert parse_policy(text).categories["account.phone"].places == Places(("users.*",), ())


@pytest.mark.parametrize(
    ("places", "message"),
    [
        ("      column: [users.phone]\n", "unknown key 'column' in category 'account.phone'"),
        ("      columns: [phone]\n", "'phone' is not TABLE.COLUMN"),
        ("      columns: users.phone\n", "places.columns must be a list"),
        ("      paths: ['logs/**.log']\n", "'logs/**.log' is not a path glob"),
        ("      paths: ['']\n", "places.paths items must be non-empty texts"),
    ],
)
def test_bad_places_are_located_errors(places: str, message: str) -> None:
    text = placed_policy_text(places)
    with pytest.raises(PolicyError) as info:
        parse_policy(text, "p.yaml")
    problems = [str(p) for p in info.value.problems]
    assert any(message in p for p in problems), problems
    first = places.splitlines()[0]
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t == first)
    assert any(p.startswith(f"p.yaml:{line}:") for p in problems), (line, problems)


def test_empty_places_are_an_error() -> None:
    text = default_policy_text().replace(
        "  account.phone:\n", "  account.phone:\n    places: {}\n", 1
    )
    with pytest.raises(PolicyError, match="places needs at least one of columns or paths"):
        parse_policy(text, "p.yaml")


def test_policy_check_reports_bad_places_with_file_line_col(tmp_path: Path) -> None:
    policy = write_placed_policy(tmp_path, "      columns: [phone]\n")
    proc = subprocess.run(
        [sys.executable, "-m", "pivault.cli.main", "policy", "check", str(policy)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
    assert f"{policy}:" in proc.stderr and "is not TABLE.COLUMN" in proc.stderr
    assert "Traceback" not in proc.stderr


# ---- scanning ----------------------------------------------------------------


def test_a_phone_outside_its_places_is_place_drift_in_files(
    tmp_path: Path, corpus: tuple[Path, dict[str, Placed]]
) -> None:
    root, placed = corpus
    policy = parse_policy(placed_policy_text(PHONE_PLACES), "placed.yaml")
    report = scan_target(str(root), policy)
    phones = {g.source: g for g in report.groups if g.entity.value == "CN_MOBILE"}
    in_log = phones[str(root / placed[PHONE_1].file)]
    in_csv = phones[str(root / placed[PHONE_2].file)]
    assert (in_log.category, in_log.drift_kind, in_log.drift) == ("account.phone", "place", True)
    assert in_log.verdict == "account.phone: DRIFT (place)"
    assert (in_csv.category, in_csv.drift_kind, in_csv.drift) == ("account.phone", None, False)
    ids = [g for g in report.groups if g.entity.value == "CN_RESIDENT_ID"]
    assert ids and all(g.drift_kind == "kind" for g in ids)


def test_a_phone_outside_its_columns_is_place_drift_in_a_database(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE users (phone TEXT, note TEXT)"))
        conn.execute(sa.text(f"INSERT INTO users VALUES ('{PHONE_1}', 'call {PHONE_2}')"))
    engine.dispose()
    policy = parse_policy(placed_policy_text(PHONE_PLACES), "placed.yaml")
    report = scan_target(f"sqlite:///{db}", policy)
    kinds = {g.source: g.drift_kind for g in report.groups}
    assert kinds == {"users.phone": None, "users.note": "place"}
    assert report.has_drift


def test_place_drift_exits_3_and_is_named_in_json(
    tmp_path: Path, corpus: tuple[Path, dict[str, Placed]]
) -> None:
    root = corpus[0]
    (root / "sub" / "notes.txt").unlink()  # no ID numbers, no e-mail: only place drift is left
    (root / "sub" / "events.jsonl").unlink()
    (root / "users.csv").write_text(f"id,phone\n1,{PHONE_2}\n", encoding="utf-8")
    proc = run_scan(str(root), "--policy", str(write_placed_policy(tmp_path)), "--format", "json")
    assert proc.returncode == 3, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["summary"]["place_drift_findings"] == 1
    by_source = {Path(f["source"]).name: f for f in doc["findings"] if f["entity"] == "CN_MOBILE"}
    assert by_source["app.log"]["drift_kind"] == "place"
    assert by_source["app.log"]["policy_category"] == "account.phone"
    assert by_source["users.csv"]["drift_kind"] is None
    assert "outside their category's declared places" in proc.stderr
    for value in RAW_VALUES:
        assert value not in proc.stdout + proc.stderr
    table = run_scan(str(root), "--policy", str(write_placed_policy(tmp_path)))
    assert table.returncode == 3
    assert "DRIFT (place)" in table.stdout


def test_policy_diff_and_json_show_places() -> None:
    from pivault.core.diff import diff_policies
    from pivault.present.policy_diff_text import change_summary
    from pivault.present.policy_json import policy_as_dict

    old = parse_policy(default_policy_text())
    new = parse_policy(placed_policy_text(PHONE_PLACES))
    changes = {(c.key, c.code, change_summary(c).en) for c in diff_policies(old, new).changes}
    assert ("account.phone", "details_changed", "category changed: 'account.phone': places") in (
        changes
    )
    cats = {c["key"]: c for c in policy_as_dict(new)["categories"]}
    assert cats["account.phone"]["places"] == {
        "columns": ["users.phone"],
        "paths": ["**/*.csv", "exports/**"],
    }
    assert cats["account.nickname"]["places"] is None
