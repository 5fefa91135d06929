"""How replay shows what the bot did: the JSONL contract, and a coloured timeline for people."""

from __future__ import annotations

import json
from typing import Any

from assistant.core.actions import (
    Action,
    Flag,
    Notice,
    PhaseChanged,
    PostUpdate,
    ProposePhase,
    RecordAssignment,
    RecordRelease,
    Reply,
)


def _at(action: Action) -> str:
    return action.at.isoformat()


def records(action: Action) -> list[dict[str, Any]]:
    """The JSONL contract records for one action (issue 2, item 6). Extra fields are fine."""
    match action:
        case PhaseChanged():
            return [
                {
                    "type": "phase",
                    "at": _at(action),
                    "phase": action.phase.value,
                    "source_ids": action.source_ids,
                    "previous": action.previous.value if action.previous else None,
                    "how": action.how,
                    "proposed": action.proposed,
                }
            ]
        case PostUpdate():
            u = action.update
            rec: dict[str, Any] = {
                "type": "update",
                "at": _at(action),
                "phase": u.phase.value,
                "text": u.text,
                "source_ids": u.source_ids,
                "kind": u.kind,
                "audience": u.audience,
                "lang": u.lang,
                "engine": u.engine,
            }
            if action.draft_for is not None:
                rec["draft_for"] = action.draft_for.name
            return [rec]
        case RecordAssignment():
            a = action.assignment
            return [
                {
                    "type": "assignment",
                    "at": _at(action),
                    "user": a.user.name,
                    "task": a.task,
                    "purpose": a.purpose,
                    "source_ids": a.source_ids,
                    "status": a.status,
                    "id": a.id,
                }
            ]
        case RecordRelease():
            return [
                {
                    "type": "release",
                    "at": _at(action),
                    "user": action.user.name,
                    "source_ids": action.source_ids,
                }
            ]
        case Flag():
            return [
                {
                    "type": "flag",
                    "at": _at(action),
                    "user": u.name,
                    "reason": action.reason,
                    "text": action.text,
                }
                for u in action.users
            ]
        case Reply():
            a2 = action.answer
            return [
                {
                    "type": "answer",
                    "at": _at(action),
                    "in_reply_to": a2.in_reply_to,
                    "intent": a2.intent,
                    "text": a2.text,
                    "recommendation": a2.recommendation,
                    "citations": a2.citations,
                    "source_ids": a2.source_ids,
                    "engine": a2.engine,
                }
            ]
        case ProposePhase():
            p = action.proposal
            return [
                {
                    "type": "proposal",
                    "at": _at(action),
                    "phase": p.phase.value,
                    "text": action.text,
                    "source_ids": p.source_ids,
                }
            ]
        case Notice():
            return [
                {
                    "type": "notice",
                    "at": _at(action),
                    "kind": action.kind,
                    "text": action.text,
                    "to": action.to.name if action.to else None,
                    "in_reply_to": action.in_reply_to,
                }
            ]
    raise AssertionError(action)  # pragma: no cover


def jsonl_lines(action: Action, *, delivery: str | None = None) -> list[str]:
    """JSON lines for ``action``; with ``delivery``, each names it (its idempotency key)."""
    recs = records(action)
    if delivery is not None:
        recs = [{**r, "delivery": delivery} for r in recs]
    return [json.dumps(r, ensure_ascii=False) for r in recs]


_COLOURS = {
    "phase": "\033[1;35m",
    "update": "\033[1;36m",
    "assignment": "\033[32m",
    "release": "\033[33m",
    "flag": "\033[1;33m",
    "answer": "\033[1;34m",
    "proposal": "\033[35m",
    "notice": "\033[2m",
}
_RESET = "\033[0m"
_TAGS = {
    "phase": "PHASE",
    "update": "UPDATE",
    "assignment": "ASSIGN",
    "release": "RELEASE",
    "flag": "FLAG",
    "answer": "ANSWER",
    "proposal": "PROPOSE",
    "notice": "NOTICE",
}


def text_block(action: Action, *, colour: bool) -> str:
    """A readable timeline entry: time, a tag, and the text, indented under it."""
    time = action.at.strftime("%H:%M")
    kind = action.type
    if isinstance(action, PhaseChanged):
        via = f" ({action.how}{', proposed' if action.proposed else ''})"
        prev = action.previous.value if action.previous else "-"
        body = f"{prev} -> {action.phase.value}{via}  sources: {_ids(action.source_ids)}"
    elif isinstance(action, PostUpdate):
        body = action.update.text
        if action.draft_for is not None:
            body = f"(draft for {action.draft_for.name})\n{body}"
    elif isinstance(action, RecordAssignment):
        a = action.assignment
        body = f"{a.user.name}: {a.task} / {a.purpose or '?'}  [{a.status}]"
    elif isinstance(action, RecordRelease):
        body = f"{action.user.name} released"
    elif isinstance(action, Reply):
        a2 = action.answer
        head = f"to #{a2.in_reply_to} ({a2.intent}"
        head += f", recommendation: {a2.recommendation})" if a2.recommendation else ")"
        if a2.citations:
            head += f"  cites: {', '.join(a2.citations)}"
        body = f"{head}\n{a2.text}"
    else:
        body = action.text
    tag = f"{time}  {_TAGS[kind]:<8}"
    lines = body.splitlines() or [""]
    indent = " " * len(tag)
    text = tag + " " + lines[0] + "".join(f"\n{indent} {line}" for line in lines[1:])
    if colour:
        return f"{_COLOURS[kind]}{tag}{_RESET} " + text[len(tag) + 1 :]
    return text


def _ids(ids: list[str]) -> str:
    return ", ".join(f"#{i}" for i in ids) if ids else "-"
