"""Load policy files: the bundled default or a file on disk, parsed and checked."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from pivault.core.errors import PolicyError, PolicyProblem
from pivault.core.model import Policy
from pivault.core.policy_check import check_policy
from pivault.core.policy_parse import parse_policy

DEFAULT_POLICY_NAME = "pivault/policies/default.yaml"


def default_policy_text() -> str:
    return resources.files("pivault").joinpath("policies/default.yaml").read_text(encoding="utf-8")


def read_policy_text(path: str | Path | None) -> tuple[str, str]:
    """(text, name used in messages) of ``path``, or of the default policy when None."""
    if path is None:
        return default_policy_text(), DEFAULT_POLICY_NAME
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8"), str(path)
    except FileNotFoundError:
        raise PolicyError([PolicyProblem(str(path), 1, 1, "no such policy file")]) from None
    except UnicodeDecodeError:
        raise PolicyError([PolicyProblem(str(path), 1, 1, "the file is not UTF-8 text")]) from None
    except OSError as exc:
        raise PolicyError(
            [PolicyProblem(str(path), 1, 1, f"cannot read: {exc.strerror}")]
        ) from None


def lint_policy(path: str | Path | None = None) -> tuple[Policy | None, list[PolicyProblem]]:
    """Parse and check; return the policy (if it parsed) and every problem."""
    text, name = read_policy_text(path)
    try:
        policy = parse_policy(text, name)
    except PolicyError as exc:
        return None, exc.problems
    return policy, check_policy(policy)


def load_policy(path: str | Path | None = None) -> Policy:
    """A policy ready to enforce; :class:`PolicyError` if it has any problem."""
    policy, problems = lint_policy(path)
    if problems or policy is None:
        raise PolicyError(problems)
    return policy
