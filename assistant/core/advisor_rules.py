"""The rollback decision as a rule table over the checklist answers.

``assess`` turns the cue scan into an ``Assessment`` (the seven checklist answers plus a few
observations); ``decide`` walks ``RULES`` top to bottom and returns the first rule whose
every condition holds. Each condition names an assessment field and the answers it accepts.
Reading the table top to bottom is reading the commander's reasoning:

1. a flag can switch off just the broken feature: smallest blast radius, do that first;
2. a rollback was already tried and did not help: stop, the release is not (only) it;
3. the previous version is broken too: rolling back does not recover, fix forward;
4. an irreversible migration rides with the release: no blind rollback, fix forward
   (or hold until the data question is answered);
5. a migration whose reversibility nobody stated: hold and ask;
6. the release was ruled out, the rollback cannot run, or the release is marked unsafe:
   hold and ask;
7. a recent release, rollback known safe: roll back, even when a fix looks obvious (the
   causal link is not proven; the "obvious" fix may leave another cause in place);
8. a recent release whose rollback safety is unknown: hold, confirm safety, then roll back;
9. no recent change and telemetry shows nothing: redeploy, with its risk stated;
10. no recent change and a cause was found: fix forward;
11. anything else: hold, and ask.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from assistant.core.advisor_cues import Evidence, Signal, Tri, is_plain_statement
from assistant.core.model import Fact, Recommendation


@dataclass(frozen=True)
class Assessment:
    """The checklist answers and the observations the rules read."""

    recent_change: Tri
    causal_link: Tri
    data_rollback: Tri
    procedure_ready: Tri
    rollback_safe_label: Tri
    feature_flag: Tri
    previous_version_ok: Tri
    irreversible: Tri  # of the data change; "no" = stated reversible / compatible
    after_change: Tri  # symptoms began after the change
    causal_suspected: Tri
    nothing_found: Tri  # telemetry checked, no cause ("no": a cause was found)
    rollback_no_effect: Tri
    iam_error: Tri

    @property
    def rollback_safe(self) -> Tri:
        """Safe when labelled so, or when no data (or only a reversible change) rides with it."""
        if self.rollback_safe_label == "no" or self.irreversible == "yes":
            return "no"
        if self.rollback_safe_label == "yes" or "no" in (self.data_rollback, self.irreversible):
            return "yes"
        return "unknown"


@dataclass(frozen=True)
class Rule:
    name: str
    when: Mapping[str, tuple[Tri, ...]]
    then: Recommendation
    # checklist keys whose open questions matter most under this rule, first to last
    asks: tuple[str, ...] = ()


YES: tuple[Tri, ...] = ("yes",)
NO: tuple[Tri, ...] = ("no",)
UNKNOWN: tuple[Tri, ...] = ("unknown",)
NOT_NO: tuple[Tri, ...] = ("yes", "unknown")

RULES: tuple[Rule, ...] = (
    Rule("flag_isolates", {"feature_flag": YES}, "disable_flag", ("data_rollback",)),
    Rule(
        "rollback_already_failed",
        {"rollback_no_effect": YES},
        "hold",
        ("previous_version_ok", "data_rollback", "causal_link"),
    ),
    Rule("previous_version_broken", {"previous_version_ok": NO}, "fix_forward", ("feature_flag",)),
    Rule(
        "irreversible_migration",
        {"data_rollback": YES, "irreversible": YES},
        "fix_forward",
        ("feature_flag", "previous_version_ok"),
    ),
    Rule(
        "migration_unclear",
        {"data_rollback": YES, "irreversible": UNKNOWN},
        "hold",
        ("data_rollback", "rollback_safe_label", "feature_flag"),
    ),
    Rule("release_ruled_out", {"recent_change": YES, "causal_link": NO}, "hold", ()),
    Rule(
        "procedure_not_ready",
        {"recent_change": YES, "procedure_ready": NO},
        "hold",
        ("feature_flag", "previous_version_ok"),
    ),
    Rule(
        "marked_unsafe",
        {"recent_change": YES, "rollback_safe_label": NO},
        "hold",
        ("data_rollback", "feature_flag"),
    ),
    Rule(
        "release_and_safe",
        {"recent_change": YES, "rollback_safe": YES},
        "rollback",
        ("procedure_ready", "causal_link", "feature_flag", "previous_version_ok"),
    ),
    Rule(
        "release_safety_unknown",
        {"recent_change": YES},
        "hold",
        ("data_rollback", "rollback_safe_label", "procedure_ready", "feature_flag"),
    ),
    Rule("no_change_nothing_found", {"recent_change": NO, "nothing_found": YES}, "redeploy", ()),
    Rule("no_change_cause_found", {"recent_change": NO, "nothing_found": NO}, "fix_forward", ()),
    Rule("no_change_not_looked", {"recent_change": NO}, "hold", ()),
    Rule(
        "not_enough_information",
        {},
        "hold",
        ("recent_change", "data_rollback", "feature_flag", "procedure_ready"),
    ),
)


def _field(a: Assessment, name: str) -> Tri:
    value: Tri = getattr(a, name)
    return value


def decide(a: Assessment) -> Rule:
    """The first rule whose conditions all hold (the last rule always holds)."""
    for rule in RULES:
        if all(_field(a, name) in allowed for name, allowed in rule.when.items()):
            return rule
    raise AssertionError("the last rule has no conditions")  # pragma: no cover


def change_facts(facts: list[Fact]) -> list[Fact]:
    """Extracted "change" facts that state a change (not a question, not a denial)."""
    return [
        f
        for f in facts
        if f.kind == "change"
        and f.certainty == "confirmed"
        and is_plain_statement(f.text, "change")
    ]


def assess(evidence: Mapping[Signal, Evidence], facts: list[Fact] | None = None) -> Assessment:
    """Checklist answers from the cue scan; extracted facts fill a gap about a change."""
    recent = evidence["change"].value
    if recent == "unknown" and change_facts(facts or []):
        recent = "yes"
    return Assessment(
        recent_change=recent,
        causal_link=evidence["causal"].value,
        data_rollback=evidence["migration"].value,
        procedure_ready=evidence["procedure"].value,
        rollback_safe_label=evidence["safe_label"].value,
        feature_flag=evidence["flag"].value,
        previous_version_ok=evidence["previous_ok"].value,
        irreversible=evidence["irreversible"].value,
        after_change=evidence["after_change"].value,
        causal_suspected=evidence["causal_suspected"].value,
        nothing_found=evidence["nothing_found"].value,
        rollback_no_effect=evidence["rollback_no_effect"].value,
        iam_error=evidence["iam"].value,
    )
