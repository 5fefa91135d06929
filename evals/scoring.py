"""Score one scenario's replay output (the JSONL contract) against its ``expected.yaml``.

Pure: records and expectations in, a ``Result`` out. ``evals/run.py`` runs the replays and
prints; the unit tests feed hand-written JSONL here.

``expected.yaml`` keys (all optional but ``title``):

- ``phases: [{at: "14:20", phase: identified}]`` — the phase in effect at that local time
  (the last ``phase`` record at or before it; an incident starts ``investigating``). ``phase``
  may be a list of acceptable phases.
- ``questions: [{message: ask1, intent: rollback, accept: [rollback], cite_any: [...],
  mention: ["rollback|ロールバック"]}]`` — ``message`` is a transcript label or a message id.
  A rollback question counts for recommendation accuracy (an ``answer`` record in reply to
  it, intent ``rollback``, recommendation in ``accept``); ``cite_any`` for the citation hit
  rate (any cited doc id in the list; a list entry ending in ``/`` matches a prefix);
  ``mention`` entries must all appear in the answer text (``a|b`` = either; case-insensitive).
  Other questions check the answer's intent (``intent_any`` lists alternatives; ``any``
  only asks for an answer) and mentions. Every answer must be readable text, not empty and
  not a template placeholder such as ``<the answer>``.
- ``flags: [{user: suzuki, reason: idle, by: "15:10"}]`` — must be flagged by then (and,
  with ``after: "14:50"``, not before: a second idle period).
- ``never_flag: [tanaka, {user: kat, after: "14:11"}, {user: zoe, reason: idle},
  {user: raj, until: "13:50"}]`` — any flag about them (of that reason, in that window) is a
  false positive. Someone who finished their task and stays is fairly flagged unassigned.
- ``forbid: ["AKIA..."]`` — strings that must appear in no output (``@everyone`` and ``@here``
  are always forbidden). ``never_phase: [resolved]`` — a phase that must never be entered.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ALWAYS_FORBIDDEN = ("@everyone", "@here")
INITIAL_PHASE = "investigating"

Clock = Callable[[str], datetime]  # local "HH:MM" -> aware UTC datetime
Ids = Callable[[str], str]  # transcript label -> message id


@dataclass
class Result:
    """Counts per metric for one scenario, and the reason for every miss."""

    name: str
    stable: bool = False
    phase_ok: int = 0
    phase_total: int = 0
    rec_ok: int = 0
    rec_total: int = 0
    cite_ok: int = 0
    cite_total: int = 0
    answer_ok: int = 0
    answer_total: int = 0
    flag_tp: int = 0
    flag_fp: int = 0
    flag_fn: int = 0
    safety_ok: int = 0
    safety_total: int = 0
    errors: list[str] = field(default_factory=list)  # replay failed, bad expected file…
    misses: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.errors and not self.misses

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "stable": self.stable,
            "passed": self.passed,
            "phase": [self.phase_ok, self.phase_total],
            "recommendation": [self.rec_ok, self.rec_total],
            "citation": [self.cite_ok, self.cite_total],
            "answers": [self.answer_ok, self.answer_total],
            "flags": {"tp": self.flag_tp, "fp": self.flag_fp, "fn": self.flag_fn},
            "safety": [self.safety_ok, self.safety_total],
            "errors": self.errors,
            "misses": self.misses,
        }


def parse_jsonl(text: str) -> list[dict[str, Any]]:
    """The replay's records; a line that is not a JSON object is skipped."""
    out: list[dict[str, Any]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(rec, dict):
            out.append(rec)
    return out


def _at(rec: dict[str, Any]) -> datetime | None:
    value = rec.get("at")
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def phase_at(records: list[dict[str, Any]], when: datetime) -> str:
    """The phase in effect at ``when``: the last phase record at or before it."""
    phase = INITIAL_PHASE
    for rec in records:
        if rec.get("type") != "phase":
            continue
        at = _at(rec)
        if at is not None and at <= when:
            phase = str(rec.get("phase"))
    return phase


def _mentions_ok(text: str, words: list[str]) -> list[str]:
    """The ``mention`` entries missing from ``text``."""
    low = text.lower()
    return [w for w in words if not any(alt.lower() in low for alt in w.split("|"))]


_PLACEHOLDER = re.compile(r"^\s*(<[^<>]*>|\{[^{}]*\}|\.\.\.|…|n/a|none|null|todo)?\s*$", re.I)


def _readable(text: str) -> bool:
    """An answer a person can use: not empty, not a template placeholder like '<the answer>'."""
    return len(text.strip()) >= 12 and _PLACEHOLDER.match(text) is None


def _cited(citations: list[str], wanted: list[str]) -> bool:
    for c in citations:
        for w in wanted:
            if c == w or (w.endswith("/") and c.startswith(w)):
                return True
    return False


def score(
    name: str,
    expected: dict[str, Any],
    records: list[dict[str, Any]],
    clock: Clock,
    ids: Ids,
    *,
    bot_name: str = "incident-assistant",
) -> Result:
    """Score ``records`` (one replay) against ``expected``."""
    res = Result(name=name, stable=bool(expected.get("stable", False)))
    records = sorted(records, key=lambda r: (_at(r) is None, _at(r) or datetime.min))
    _score_phases(res, expected, records, clock)
    _score_questions(res, expected, records, ids)
    _score_flags(res, expected, records, clock, bot_name)
    _score_safety(res, expected, records)
    return res


def _score_phases(
    res: Result, expected: dict[str, Any], records: list[dict[str, Any]], clock: Clock
) -> None:
    for cp in expected.get("phases") or []:
        want = _as_list(cp.get("phase"))
        got = phase_at(records, clock(str(cp["at"])))
        res.phase_total += 1
        if got in want:
            res.phase_ok += 1
        else:
            res.misses.append(f"phase at {cp['at']}: got {got}, want {'|'.join(want)}")


def _score_questions(
    res: Result, expected: dict[str, Any], records: list[dict[str, Any]], ids: Ids
) -> None:
    answers: dict[str, dict[str, Any]] = {}
    for rec in records:
        if rec.get("type") == "answer" and rec.get("in_reply_to") is not None:
            answers.setdefault(str(rec["in_reply_to"]), rec)
    for q in expected.get("questions") or []:
        label = str(q["message"])
        accept = _as_list(q.get("accept"))
        intent = str(q.get("intent") or ("rollback" if accept else "other"))
        try:
            mid = ids(label)
        except Exception as exc:  # a bad label is the scenario's fault: report it
            res.errors.append(f"question {label}: {exc}")
            continue
        ans = answers.get(mid)
        text = str(ans.get("text") or "") if ans else ""
        where = f"question {label}"
        if intent == "rollback":
            res.rec_total += 1
            given = ans.get("recommendation") if ans else None
            if ans is None:
                res.misses.append(f"{where}: no answer record")
            elif ans.get("intent") != "rollback":
                res.misses.append(f"{where}: intent {ans.get('intent')}, want rollback")
            elif given not in accept:
                res.misses.append(f"{where}: recommendation {given}, want {'|'.join(accept)}")
            else:
                res.rec_ok += 1
        cite = _as_list(q.get("cite_any"))
        if cite:
            res.cite_total += 1
            cited = _as_list(ans.get("citations")) if ans else []
            if _cited(cited, cite):
                res.cite_ok += 1
            else:
                res.misses.append(f"{where}: cited {cited or 'nothing'}, want one of {cite}")
        mention = _as_list(q.get("mention"))
        res.answer_total += 1
        problems = []
        if ans is None:
            if intent != "rollback":  # a missing rollback answer is already a miss above
                problems.append("no answer record")
        else:
            if not _readable(text):
                problems.append(f"answer text is empty or a placeholder: {text[:40]!r}")
            if intent not in ("rollback", "any") and ans.get("intent") not in _as_list(
                q.get("intent_any") or intent
            ):
                problems.append(f"intent {ans.get('intent')}, want {intent}")
            missing = _mentions_ok(text, mention)
            if missing:
                problems.append(f"answer does not mention {missing}")
        if problems:
            res.misses.append(f"{where}: " + "; ".join(problems))
        elif ans is not None:
            res.answer_ok += 1


def _flag_users(rec: dict[str, Any]) -> list[str]:
    users = rec.get("users")
    if isinstance(users, list):
        return [str(u.get("name") if isinstance(u, dict) else u) for u in users]
    user = rec.get("user")
    if isinstance(user, dict):
        return [str(user.get("name"))]
    return [str(user)] if user is not None else []


def _score_flags(
    res: Result,
    expected: dict[str, Any],
    records: list[dict[str, Any]],
    clock: Clock,
    bot_name: str,
) -> None:
    emitted: list[tuple[str, str, datetime | None]] = []
    for rec in records:
        if rec.get("type") == "flag":
            for user in _flag_users(rec):
                emitted.append((user, str(rec.get("reason")), _at(rec)))
    for exp in expected.get("flags") or []:
        user, reason = str(exp["user"]), str(exp["reason"])
        by = clock(str(exp["by"])) if exp.get("by") else None
        after = clock(str(exp["after"])) if exp.get("after") else None
        hits = [
            at
            for u, r, at in emitted
            if u == user and r == reason and (after is None or (at is not None and at >= after))
        ]
        if any(by is None or (at is not None and at <= by) for at in hits):
            res.flag_tp += 1
        else:
            res.flag_fn += 1
            late = " (only later)" if hits else ""
            res.misses.append(f"flag {reason} {user} by {exp.get('by')}: missing{late}")
    # user -> [(reason or None for any, from, until)]
    never: dict[str, list[tuple[str | None, datetime | None, datetime | None]]] = {
        bot_name: [(None, None, None)]
    }
    for item in expected.get("never_flag") or []:
        if isinstance(item, dict):
            rule = (
                str(item["reason"]) if item.get("reason") else None,
                clock(str(item["after"])) if item.get("after") else None,
                clock(str(item["until"])) if item.get("until") else None,
            )
            never.setdefault(str(item["user"]), []).append(rule)
        else:
            never.setdefault(str(item), []).append((None, None, None))

    def forbidden(user: str, reason: str, at: datetime | None) -> bool:
        for why, since, until in never.get(user, []):
            if why is not None and why != reason:
                continue
            if at is None or ((since is None or at >= since) and (until is None or at <= until)):
                return True
        return False

    wrong = sorted({(u, r) for u, r, at in emitted if forbidden(u, r, at)})
    for user, reason in wrong:
        res.flag_fp += 1
        res.misses.append(f"flag {reason} {user}: must never be flagged")


def _score_safety(res: Result, expected: dict[str, Any], records: list[dict[str, Any]]) -> None:
    forbidden = list(ALWAYS_FORBIDDEN) + _as_list(expected.get("forbid"))
    texts = [s for rec in records for s in _strings(rec)]
    for needle in forbidden:
        res.safety_total += 1
        pattern = re.compile(re.escape(needle) + (r"\b" if needle.startswith("@") else ""))
        if any(pattern.search(t) for t in texts):
            res.misses.append(f"safety: output contains {needle!r}")
        else:
            res.safety_ok += 1
    for phase in _as_list(expected.get("never_phase")):
        res.safety_total += 1
        if any(r.get("type") == "phase" and r.get("phase") == phase for r in records):
            res.misses.append(f"safety: phase {phase} was entered")
        else:
            res.safety_ok += 1


@dataclass
class Summary:
    """Totals over scenarios; ratios are None when nothing was measured."""

    results: list[Result]

    def _ratio(self, ok: str, total: str) -> float | None:
        n = sum(getattr(r, total) for r in self.results)
        return sum(getattr(r, ok) for r in self.results) / n if n else None

    @property
    def phase_accuracy(self) -> float | None:
        return self._ratio("phase_ok", "phase_total")

    @property
    def recommendation_accuracy(self) -> float | None:
        return self._ratio("rec_ok", "rec_total")

    @property
    def citation_hit_rate(self) -> float | None:
        return self._ratio("cite_ok", "cite_total")

    @property
    def answer_accuracy(self) -> float | None:
        return self._ratio("answer_ok", "answer_total")

    @property
    def flag_precision(self) -> float | None:
        tp = sum(r.flag_tp for r in self.results)
        fp = sum(r.flag_fp for r in self.results)
        return tp / (tp + fp) if tp + fp else None

    @property
    def flag_recall(self) -> float | None:
        tp = sum(r.flag_tp for r in self.results)
        fn = sum(r.flag_fn for r in self.results)
        return tp / (tp + fn) if tp + fn else None

    @property
    def safety(self) -> tuple[int, int]:
        return (
            sum(r.safety_ok for r in self.results),
            sum(r.safety_total for r in self.results),
        )

    def line(self, engine: str) -> str:
        def f(x: float | None) -> str:
            return "n/a" if x is None else f"{x:.2f}"

        ok, total = self.safety
        passed = sum(r.passed for r in self.results)
        return (
            f"eval[{engine}] {passed}/{len(self.results)} scenarios passed"
            f" | phase {f(self.phase_accuracy)}"
            f" | recommendation {f(self.recommendation_accuracy)}"
            f" | citations {f(self.citation_hit_rate)}"
            f" | answers {f(self.answer_accuracy)}"
            f" | flags P {f(self.flag_precision)} R {f(self.flag_recall)}"
            f" | safety {ok}/{total}"
        )

    def to_json(self, engine: str) -> dict[str, Any]:
        ok, total = self.safety
        return {
            "engine": engine,
            "scenarios": len(self.results),
            "passed": sum(r.passed for r in self.results),
            "phase_accuracy": self.phase_accuracy,
            "recommendation_accuracy": self.recommendation_accuracy,
            "citation_hit_rate": self.citation_hit_rate,
            "answer_accuracy": self.answer_accuracy,
            "flag_precision": self.flag_precision,
            "flag_recall": self.flag_recall,
            "safety_passed": ok,
            "safety_total": total,
            "line": self.line(engine),
            "results": [r.to_json() for r in self.results],
        }
