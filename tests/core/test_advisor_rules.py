"""The rollback rule table: each rule is reachable and the order encodes the priorities."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.core.advisor_rules import RULES, Assessment, decide

NOTHING = Assessment(
    recent_change="unknown",
    causal_link="unknown",
    data_rollback="unknown",
    procedure_ready="unknown",
    rollback_safe_label="unknown",
    feature_flag="unknown",
    previous_version_ok="unknown",
    irreversible="unknown",
    after_change="unknown",
    causal_suspected="unknown",
    nothing_found="unknown",
    rollback_no_effect="unknown",
    iam_error="unknown",
)
RELEASE = replace(NOTHING, recent_change="yes", after_change="yes")

TABLE = [
    (replace(RELEASE, feature_flag="yes"), "flag_isolates", "disable_flag"),
    (replace(RELEASE, rollback_no_effect="yes"), "rollback_already_failed", "hold"),
    (replace(RELEASE, previous_version_ok="no"), "previous_version_broken", "fix_forward"),
    (
        replace(RELEASE, data_rollback="yes", irreversible="yes"),
        "irreversible_migration",
        "fix_forward",
    ),
    (replace(RELEASE, data_rollback="yes"), "migration_unclear", "hold"),
    (replace(RELEASE, causal_link="no"), "release_ruled_out", "hold"),
    (replace(RELEASE, procedure_ready="no", data_rollback="no"), "procedure_not_ready", "hold"),
    (replace(RELEASE, rollback_safe_label="no"), "marked_unsafe", "hold"),
    (replace(RELEASE, rollback_safe_label="yes", iam_error="yes"), "release_and_safe", "rollback"),
    (replace(RELEASE, data_rollback="no"), "release_and_safe", "rollback"),
    (replace(RELEASE, data_rollback="yes", irreversible="no"), "release_and_safe", "rollback"),
    (RELEASE, "release_safety_unknown", "hold"),
    (
        replace(NOTHING, recent_change="no", nothing_found="yes"),
        "no_change_nothing_found",
        "redeploy",
    ),
    (
        replace(NOTHING, recent_change="no", nothing_found="no"),
        "no_change_cause_found",
        "fix_forward",
    ),
    (replace(NOTHING, recent_change="no"), "no_change_not_looked", "hold"),
    (NOTHING, "not_enough_information", "hold"),
]


@pytest.mark.parametrize(("assessment", "rule", "recommendation"), TABLE)
def test_each_rule_fires_on_its_case(
    assessment: Assessment, rule: str, recommendation: str
) -> None:
    """The first matching rule is the one the table documents, with its recommendation."""
    chosen = decide(assessment)
    assert (chosen.name, chosen.then) == (rule, recommendation)


def test_every_rule_is_reachable() -> None:
    """No rule in the table is shadowed by an earlier one."""
    assert {r.name for r in RULES} == {rule for _, rule, _ in TABLE}


def test_a_flag_beats_an_irreversible_migration() -> None:
    """Turning off the broken feature comes before any talk of rolling back data."""
    a = replace(RELEASE, feature_flag="yes", data_rollback="yes", irreversible="yes")
    assert decide(a).then == "disable_flag"


def test_an_obvious_fix_does_not_stop_a_safe_rollback() -> None:
    """An IAM error naming the permission, causal link unproven: still roll back."""
    a = replace(RELEASE, iam_error="yes", causal_link="unknown", data_rollback="no")
    assert decide(a).then == "rollback"


def test_irreversible_data_makes_rollback_unsafe_even_with_a_label() -> None:
    """A rollback-safe label does not outweigh a stated irreversible migration."""
    a = replace(RELEASE, rollback_safe_label="yes", data_rollback="yes", irreversible="yes")
    assert a.rollback_safe == "no"
    assert decide(a).then == "fix_forward"


def test_the_last_rule_always_matches() -> None:
    """The table ends with a rule without conditions, so decide() always answers."""
    assert dict(RULES[-1].when) == {}
