"""Checks on the JSON values of an export, and the one error type they raise.

Each check takes the containing object, the key and a ``Place`` (file, message index, message
id) and either returns the value in the core's terms or raises ``ExportError`` with a single
line such as ``chan.json: messages[12] (id 1234): field 'author.name' is missing``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, NoReturn

_LONG_FRACTION = re.compile(r"(\.\d{6})\d+")
_MAX_SNOWFLAKE_BITS = 64


class ExportError(Exception):
    """One-line, user-facing: names the file and the place (message index or id, field)."""

    def __init__(
        self, path: str, problem: str, *, where: str | None = None, field: str | None = None
    ) -> None:
        self.path = path
        self.where = where
        self.field = field
        self.problem = problem
        parts = [path]
        if where:
            parts.append(where)
        parts.append(f"field '{field}' {problem}" if field else problem)
        super().__init__(": ".join(parts).replace("\n", " ").replace("\r", " "))


class Place:
    """Where in the file a value came from, to name it in an error."""

    __slots__ = ("index", "msg_id", "path")

    def __init__(self, path: str, index: int | None, msg_id: str | None) -> None:
        self.path = path
        self.index = index
        self.msg_id = msg_id

    def fail(self, field: str | None, problem: str) -> NoReturn:
        where = None
        if self.index is not None:
            where = f"messages[{self.index}]"
            if self.msg_id is not None:
                where += f" (id {clip(self.msg_id)})"
        raise ExportError(self.path, problem, where=where, field=field)


def req_str(obj: dict[str, Any], key: str, place: Place, field: str) -> str:
    value = obj.get(key)
    if isinstance(value, str):
        return value
    place.fail(field, shape_problem(obj, key, "a string"))


def opt_str(obj: dict[str, Any], key: str, place: Place, field: str) -> str | None:
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value
    place.fail(field, f"is {kind_of(value)}, expected a string")


def opt_bool(obj: dict[str, Any], key: str, place: Place, field: str) -> bool:
    value = obj.get(key)
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    place.fail(field, f"is {kind_of(value)}, expected true or false")


def req_id(obj: dict[str, Any], key: str, place: Place, field: str) -> str:
    value = obj.get(key)
    if value is None:
        place.fail(field, shape_problem(obj, key, "an id string"))
    return id_value(value, place, field)


def opt_id(obj: dict[str, Any], key: str, place: Place, field: str) -> str | None:
    value = obj.get(key)
    return None if value is None else id_value(value, place, field)


def id_value(value: object, place: Place, field: str) -> str:
    """Ids are strings in exports; a plain integer of snowflake size is accepted too."""
    if isinstance(value, str):
        if value.strip():
            return value
        place.fail(field, "is empty")
    if isinstance(value, int) and not isinstance(value, bool):
        if value >= 0 and value.bit_length() <= _MAX_SNOWFLAKE_BITS:
            return str(value)
        place.fail(field, "is not a valid id (out of range)")
    place.fail(field, f"is {kind_of(value)}, expected an id string")


def req_time(obj: dict[str, Any], key: str, place: Place, field: str) -> datetime:
    value = obj.get(key)
    if value is None:
        place.fail(field, shape_problem(obj, key, "an ISO-8601 timestamp"))
    return time_value(value, place, field)


def time_value(value: object, place: Place, field: str) -> datetime:
    """Parse an ISO-8601 time into an aware datetime; a time without offset is UTC.

    The offset the exporter wrote (the exporting machine's local time) is kept, so the
    bot's updates show the times the people in the channel saw.
    """
    if not isinstance(value, str):
        place.fail(field, f"is {kind_of(value)}, expected an ISO-8601 timestamp")
    try:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            # More than six fractional digits (e.g. .1234567): keep microseconds.
            parsed = datetime.fromisoformat(_LONG_FRACTION.sub(r"\1", value, count=1))
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=UTC)
        return parsed
    except (ValueError, OverflowError):
        place.fail(field, f"is not an ISO-8601 timestamp ({clip(value)!r})")


def shape_problem(obj: dict[str, Any], key: str, expected: str) -> str:
    if key not in obj:
        return "is missing"
    return f"is {kind_of(obj[key])}, expected {expected}"


def kind_of(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


def clip(text: str, limit: int = 40) -> str:
    """Shorten a value quoted in an error, escaping anything that would break the line."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text if text.isprintable() else repr(text)[1:-1]


def reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def not_export(path: str, why: str) -> ExportError:
    return ExportError(path, f"not a DiscordChatExporter export ({why})")
