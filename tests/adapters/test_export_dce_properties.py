"""Property tests: no input makes the importer raise anything but its own ExportError."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.adapters.export_dce import ChannelExport, ExportError, load_export, parse_export

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**40, max_value=10**60)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(["Default", "Reply", "RecipientAdd", "2025-03-14T01:00:00+00:00", "<@11>"])
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=25,
)


def _user(uid: str, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {"id": uid, "name": name, "nickname": name.upper(), "isBot": bot}


def _valid() -> dict[str, Any]:
    """A small but complete export exercising every branch the importer has."""
    sato, bob, bot = _user("11", "sato"), _user("13", "bob"), _user("19", "assistant", bot=True)
    react = {"emoji": {"name": "👍"}, "count": 1, "users": [bob]}

    def m(mid: str, kind: str, content: str, **extra: Any) -> dict[str, Any]:
        data = {
            "id": mid,
            "type": kind,
            "timestamp": f"2025-03-14T01:00:{int(mid) % 60:02d}.1234567+09:00",
            "timestampEdited": None,
            "isPinned": False,
            "content": content,
            "author": sato,
            "mentions": [],
            "reactions": [],
        }
        data.update(extra)
        return data

    return {
        "guild": {"id": "1", "name": "g"},
        "channel": {"id": "2", "name": "inc", "category": None, "topic": None},
        "messages": [
            m("10", "Default", "<@13> 戻してください", mentions=[bob], reactions=[react]),
            m("11", "Reply", "ok", reference={"messageId": "10"}, author=bob),
            m("12", "RecipientAdd", "Added", mentions=[bob]),
            m("13", "RecipientRemove", "Removed", mentions=[bob]),
            m("14", "ChannelPinnedMessage", "Pinned", reference={"messageId": "10"}),
            m("15", "Default", "@assistant should we roll back?", mentions=[bot]),
            m("16", "ThreadCreated", "Started a thread."),
            m("17", "GuildMemberJoin", "Joined", timestampEdited="2025-03-14T02:00:00Z"),
        ],
    }


def _assert_well_formed(result: ChannelExport) -> None:
    times = [e.at for e in result.events]
    assert times == sorted(times)
    assert all(e.incident_id == result.channel_id for e in result.events)


@settings(max_examples=200, deadline=None)
@given(JSON_VALUES)
def test_arbitrary_json_raises_only_export_error(data: object) -> None:
    """Any JSON value either imports or raises ExportError."""
    try:
        _assert_well_formed(parse_export(data))
    except ExportError as err:
        assert "\n" not in str(err)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["channel", "messages", "guild"]), JSON_VALUES))
def test_arbitrary_top_level_objects_raise_only_export_error(data: dict[str, Any]) -> None:
    """Objects with the right top-level keys but arbitrary values never crash."""
    try:
        _assert_well_formed(parse_export(data))
    except ExportError as err:
        assert "\n" not in str(err)


def _paths(node: object, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside ``node`` (the root excluded)."""
    out: list[tuple[Any, ...]] = []
    items: list[tuple[Any, Any]] = []
    if isinstance(node, dict):
        items = list(node.items())
    elif isinstance(node, list):
        items = list(enumerate(node))
    for key, child in items:
        out.append((*prefix, key))
        out.extend(_paths(child, (*prefix, key)))
    return out


VALID_PATHS = _paths(_valid())


@st.composite
def garbled_exports(draw: st.DrawFn) -> dict[str, Any]:
    """A valid export with a few fields dropped or replaced by arbitrary JSON."""
    data = _valid()
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        path = draw(st.sampled_from(VALID_PATHS))
        parent: Any = data
        try:
            for key in path[:-1]:
                parent = parent[key]
            last = path[-1]
            if draw(st.booleans()):
                del parent[last]
            else:
                parent[last] = draw(JSON_VALUES)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced this path
    return data


@settings(max_examples=200, deadline=None)
@given(garbled_exports())
def test_garbled_exports_raise_only_export_error(data: dict[str, Any]) -> None:
    """Dropping or retyping fields of a valid export never raises anything but ExportError."""
    try:
        _assert_well_formed(parse_export(copy.deepcopy(data)))
    except ExportError as err:
        assert "\n" not in str(err)
        assert err.path == "<export>"


def test_the_valid_export_used_for_garbling_imports() -> None:
    """The base of the garbling test is itself valid, so mutations start from a good export."""
    result = parse_export(_valid())
    assert len(result.events) == 8  # 2 chat, join, leave, pin, chat, member join, 1 reaction
    _assert_well_formed(result)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_arbitrary_file_bytes_raise_only_export_error(tmp_path: Path, raw: bytes) -> None:
    """Whatever bytes are on disk, loading gives an export or an ExportError."""
    path = tmp_path / "x.json"
    path.write_bytes(raw)
    try:
        load_export(path)
    except ExportError as err:
        assert str(err).startswith(str(path))
