"""Consistency checks over a resolved policy (``pivault policy check``).

Each check returns problems located at the declaration to fix. A vault refuses
to open on a policy with problems, so what passes here is what runs.
"""

from __future__ import annotations

from pivault.core.errors import PolicyProblem
from pivault.core.model import ConsentStyle, Policy, Pos


def _at(pos: Pos, message: str) -> PolicyProblem:
    return PolicyProblem(pos.file, pos.line, pos.col, message)


def check_policy(policy: Policy) -> list[PolicyProblem]:
    """Every consistency problem of ``policy``, in file order."""
    problems: list[PolicyProblem] = []
    collected = set().union(*policy.feature_fields.values()) if policy.feature_fields else set()
    for cat in policy.leaves():
        if cat.retention is None:
            problems.append(
                _at(cat.pos, f"category {cat.key!r} has no retention (set it here or on a parent)")
            )
        if cat.key not in collected:
            problems.append(_at(cat.pos, f"category {cat.key!r} is collected by no feature"))
        if cat.sensitive is not None:
            for purpose_key in sorted(policy.allowed[cat.key]):
                purpose = policy.purposes[purpose_key]
                if purpose.consent is ConsentStyle.OPT_OUT:
                    problems.append(
                        _at(
                            cat.pos,
                            f"sensitive category {cat.key!r} is reachable without separate "
                            f"consent: purpose {purpose_key!r} is opt-out (PIPL Art. 29 needs "
                            "separate opt-in consent)",
                        )
                    )
        keep = cat.transform.params.get("keep_location_as") if cat.transform else None
        if keep is not None:
            target = policy.categories.get(str(keep))
            if target is None or target.value_type is None or target.value_type.name != "geo_point":
                problems.append(
                    _at(
                        cat.pos,
                        f"category {cat.key!r}: keep_location_as must name a geo_point category, "
                        f"not {keep!r}",
                    )
                )
        for purpose_key in sorted(policy.allowed[cat.key]):
            purpose = policy.purposes[purpose_key]
            if not purpose.joins_identity and cat.linkable:
                problems.append(
                    _at(
                        cat.pos,
                        f"purpose {purpose_key!r} must never be joined with identity, but a rule "
                        f"lets it use linkable category {cat.key!r} (mark it linkable: false "
                        "or drop the rule)",
                    )
                )
    for feature in policy.features.values():
        for leaf in sorted(policy.feature_fields[feature.key]):
            usable = policy.allowed[leaf] & set(feature.purposes)
            if not usable:
                problems.append(
                    _at(
                        feature.pos,
                        f"feature {feature.key!r} collects {leaf!r} but no rule lets its "
                        f"purposes ({', '.join(feature.purposes)}) use it",
                    )
                )
    return sorted(problems, key=lambda p: (p.file, p.line, p.col))
