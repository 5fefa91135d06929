"""Turn a compact, human-writable chat transcript into a DiscordChatExporter JSON export.

Scenarios and samples are written as ``transcript.yaml`` (easy to read and review) and
committed together with the ``export.json`` this module generates from them, in the shape
Tyrrrz/DiscordChatExporter writes with ``--format Json``. ``--check`` verifies that every
committed export still matches its transcript.

Transcript format (YAML)::

    date: "2024-05-01"            # local date of the first line
    timezone: "+09:00"            # UTC offset of the times below
    guild: {name: Acme}           # ids are derived from names when omitted
    channel: {name: inc-checkout, type: GuildPublicThread, category: incidents, topic: ...}
    users:
      tanaka: {nickname: 田中}     # key = account name (author.name)
      incident-assistant: {bot: true}
    lines:
      - "14:02 tanaka: @suzuki DBのスロークエリを調べてください。目的は原因の切り分けです"
      - "14:03 #ask1 sato: @incident-assistant ロールバックすべき？"   # '#ask1' labels it
      - "14:04 suzuki ^ask1: 見てみます"   # a reply to the message labelled ask1
      - "14:05 + sato"                   # sato joined the thread (RecipientAdd)
      - "14:05 tanaka + kato, ito"       # tanaka added kato and ito
      - "14:06 - sato"                   # sato left (RecipientRemove)
      - "14:07 react ✅ suzuki -> m3"     # reaction on the 3rd message (m<N>, 1-based)
      - "14:08 tanaka pin ask1"          # ChannelPinnedMessage
      - "14:09 edit m3: new text"        # m3 was edited at 14:09 (exports keep the last text)
      - |
        14:10 kato: a message that spans
        several lines

Every message-producing line gets the label ``m<N>`` (N counts messages from 1) and, if
written, its own ``#label``; ``^`` alone refers to the previous chat message. Times run
forward; a time more than 12 hours before the previous one is on the next day. Lines with
only ``HH:MM`` get seconds spread through the minute, deterministically. ``@name`` in text
(a user key) becomes a mention; the content keeps ``@name``, the exporter's default.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml

DISCORD_EPOCH_MS = 1420070400000
REPO = Path(__file__).resolve().parents[1]

_TIME = r"(?P<time>\d{1,2}:\d{2}(?::\d{2})?)"
_LABEL = r"(?:#(?P<label>[\w-]+)\s+)?"
_NAME = r"[\w.\-]+"
_LINE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "react",
        re.compile(rf"^{_TIME}\s+react\s+(?P<emoji>\S+)\s+(?P<users>.+?)\s*->\s*(?P<ref>\S+)$"),
    ),
    ("edit", re.compile(rf"^{_TIME}\s+edit\s+(?P<ref>\S+?):\s?(?P<text>.*)$", re.S)),
    ("join", re.compile(rf"^{_TIME}\s+{_LABEL}(?:(?P<author>{_NAME})\s+)?\+\s+(?P<users>.+)$")),
    ("leave", re.compile(rf"^{_TIME}\s+{_LABEL}(?:(?P<author>{_NAME})\s+)?-\s+(?P<users>.+)$")),
    ("pin", re.compile(rf"^{_TIME}\s+{_LABEL}(?P<author>{_NAME})\s+pin\s+(?P<ref>\S+)$")),
    (
        "say",
        re.compile(
            rf"^{_TIME}\s+{_LABEL}(?P<author>{_NAME})(?:\s+\^(?P<ref>\S+))?:\s?(?P<text>.*)$",
            re.S,
        ),
    ),
]

_EMOJI_CODES = {
    "✅": "white_check_mark",
    "👀": "eyes",
    "👍": "thumbsup",
    "🙏": "pray",
    "🔥": "fire",
    "🚀": "rocket",
    "👌": "ok_hand",
    "🙇": "bow",
    "😱": "scream",
    "➕": "heavy_plus_sign",
    "❤️": "heart",
    "🆗": "ok",
    "💯": "100",
    "🎉": "tada",
    "🙌": "raised_hands",
}


class TranscriptError(Exception):
    """A problem in a transcript, naming the file and the line."""


@dataclass
class Transcript:
    """A parsed transcript: the export it converts to, and what its labels and times mean."""

    path: Path
    export: dict[str, Any]
    labels: dict[str, str]  # label -> message id (m1, m2, … and #labels)
    start: datetime  # local midnight of ``date``, aware
    first_at: datetime  # time of the first line, aware (local offset)
    tz: timezone
    users: dict[str, dict[str, Any]] = field(default_factory=dict)

    def at(self, hhmm: str) -> datetime:
        """The aware UTC datetime of a local ``HH:MM[:SS]`` in this transcript.

        Times earlier than the first line by more than 12 hours are on the next day, the
        same rule the lines follow; ``"+1d 00:10"`` forces the next day.
        """
        days = 0
        text = hhmm.strip()
        m = re.match(r"^\+(\d+)d\s+(.*)$", text)
        if m:
            days, text = int(m.group(1)), m.group(2)
        t = _parse_clock(text)
        local = self.start + timedelta(days=days) + t
        if not m and local < self.first_at - timedelta(hours=12):
            local += timedelta(days=1)
        return local.astimezone(UTC)

    def message_id(self, ref: str) -> str:
        key = ref.lstrip("#")
        if key in self.labels:
            return self.labels[key]
        if re.fullmatch(r"\d{15,20}", key):
            return key
        raise TranscriptError(f"{self.path}: unknown message label {ref!r}")


# ----------------------------------------------------------------------------- ids and users


def stable_id(kind: str, name: str, at_ms: int | None = None) -> str:
    """A snowflake-shaped id derived from a name: the same input always gives the same id."""
    digest = int(hashlib.sha256(f"{kind}:{name}".encode()).hexdigest(), 16)
    ms = at_ms if at_ms is not None else DISCORD_EPOCH_MS + 3 * 10**11 + digest % 10**11
    return str(((ms - DISCORD_EPOCH_MS) << 22) | (digest % (1 << 22)))


def _user_json(name: str, spec: dict[str, Any]) -> dict[str, Any]:
    uid = str(spec.get("id") or stable_id("user", name))
    return {
        "id": uid,
        "name": name,
        "discriminator": "0000",
        "nickname": spec.get("nickname") or name,
        "color": spec.get("color"),
        "isBot": bool(spec.get("bot", False)),
        "roles": [
            {"id": stable_id("role", r), "name": r, "color": None, "position": 1}
            for r in spec.get("roles", [])
        ],
        "avatarUrl": f"https://cdn.discordapp.com/embed/avatars/{(int(uid) >> 22) % 6}.png",
    }


def _emoji_json(emoji: str) -> dict[str, Any]:
    points = "-".join(f"{ord(c):x}" for c in emoji if ord(c) != 0xFE0F)
    return {
        "id": "",
        "name": emoji,
        "code": _EMOJI_CODES.get(emoji, points),
        "isAnimated": False,
        "imageUrl": f"https://cdn.jsdelivr.net/gh/twitter/twemoji@latest/assets/svg/{points}.svg",
    }


def _word_char(ch: str) -> bool:
    """Would ``ch`` continue an ASCII account name? (``@suzukiさん`` mentions suzuki.)"""
    return ch.isascii() and (ch.isalnum() or ch in "_")


def _parse_clock(text: str) -> timedelta:
    parts = [int(p) for p in text.split(":")]
    if len(parts) == 2:
        parts.append(0)
    h, m, s = parts
    if not (0 <= h < 24 and 0 <= m < 60 and 0 <= s < 60):
        raise ValueError(text)
    return timedelta(hours=h, minutes=m, seconds=s)


def _parse_tz(text: str) -> timezone:
    m = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", str(text).strip())
    if not m:
        raise ValueError(text)
    sign = 1 if m.group(1) == "+" else -1
    return timezone(sign * timedelta(hours=int(m.group(2)), minutes=int(m.group(3))))


def _iso(dt: datetime) -> str:
    ms = dt.microsecond // 1000
    base = dt.strftime("%Y-%m-%dT%H:%M:%S")
    off = dt.strftime("%z")
    return f"{base}.{ms:03d}{off[:3]}:{off[3:]}"


# ----------------------------------------------------------------------------- conversion


def load(path: str | Path) -> Transcript:
    """Parse ``transcript.yaml`` at ``path`` into its export; errors name the line."""
    p = Path(path)
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TranscriptError(f"{p}: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("lines"), list):
        raise TranscriptError(f"{p}: expected a mapping with a 'lines' list")
    return _Builder(p, doc).build()


class _Builder:
    def __init__(self, path: Path, doc: dict[str, Any]) -> None:
        self.path = path
        self.doc = doc
        self.tz = _parse_tz(doc.get("timezone", "+00:00"))
        d = doc.get("date")
        day = d if isinstance(d, date) else date.fromisoformat(str(d))
        self.start = datetime(day.year, day.month, day.day, tzinfo=self.tz)
        users = doc.get("users") or {}
        self.user_specs: dict[str, dict[str, Any]] = {str(k): (v or {}) for k, v in users.items()}
        self.users = {k: _user_json(k, v) for k, v in self.user_specs.items()}
        self.messages: list[dict[str, Any]] = []
        self.labels: dict[str, str] = {}
        self.by_id: dict[str, dict[str, Any]] = {}
        self.last_chat: str | None = None
        self.day_offset = timedelta(0)
        self.prev: datetime | None = None
        self.first: datetime | None = None
        self.same_minute = 0

    # -- helpers
    def fail(self, lineno: int, problem: str) -> TranscriptError:
        return TranscriptError(f"{self.path}: lines[{lineno}]: {problem}")

    def user(self, lineno: int, name: str) -> dict[str, Any]:
        key = name.strip().lstrip("@")
        if key not in self.users:
            raise self.fail(lineno, f"unknown user {key!r} (add it under 'users')")
        return self.users[key]

    def when(self, lineno: int, text: str) -> datetime:
        try:
            clock = _parse_clock(text)
        except ValueError:
            raise self.fail(lineno, f"bad time {text!r}") from None
        at = self.start + self.day_offset + clock
        if self.prev is not None and at < self.prev.replace(second=0, microsecond=0):
            if self.prev - at > timedelta(hours=12):
                self.day_offset += timedelta(days=1)
                at += timedelta(days=1)
            else:
                raise self.fail(lineno, f"time {text} goes backwards")
        explicit_seconds = text.count(":") == 2
        if self.prev is not None and at.replace(second=0) == self.prev.replace(
            second=0, microsecond=0
        ):
            self.same_minute += 1
        else:
            self.same_minute = 0
        if not explicit_seconds:
            at = at.replace(second=min(58, 3 + 9 * self.same_minute))
        at = at.replace(microsecond=((lineno * 271 + 113) % 1000) * 1000)
        if self.prev is not None and at <= self.prev:
            at = self.prev + timedelta(milliseconds=317)
        self.prev = at
        if self.first is None:
            self.first = at
        return at

    def ref(self, lineno: int, ref: str) -> str:
        key = ref.lstrip("#")
        if key == "^":
            if self.last_chat is None:
                raise self.fail(lineno, "'^' but no earlier message")
            return self.last_chat
        if key not in self.labels:
            raise self.fail(lineno, f"unknown message label {ref!r}")
        return self.labels[key]

    def mentions_in(self, text: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        names = sorted(self.users, key=len, reverse=True)
        for m in re.finditer(r"@([\w.\-]+)", text):
            token = m.group(1)
            for name in names:
                if token == name or (token.startswith(name) and not _word_char(token[len(name)])):
                    if self.users[name] not in found:
                        found.append(self.users[name])
                    break
        return found

    def add(
        self,
        lineno: int,
        at: datetime,
        label: str | None,
        kind: str,
        author: dict[str, Any],
        content: str,
        mentions: list[dict[str, Any]],
        ref: str | None = None,
    ) -> dict[str, Any]:
        at_ms = int(at.timestamp() * 1000)
        mid = str(((at_ms - DISCORD_EPOCH_MS) << 22) | (lineno % (1 << 12)))
        msg: dict[str, Any] = {
            "id": mid,
            "type": kind,
            "timestamp": _iso(at),
            "timestampEdited": None,
            "callEndedTimestamp": None,
            "isPinned": False,
            "content": content,
            "author": author,
            "attachments": [],
            "embeds": [],
            "stickers": [],
            "reactions": [],
            "mentions": mentions,
        }
        if ref is not None:
            msg["reference"] = {
                "messageId": ref,
                "channelId": self.channel_id,
                "guildId": self.guild_id,
            }
        self.messages.append(msg)
        self.by_id[mid] = msg
        self.labels[f"m{len(self.messages)}"] = mid
        if label:
            if label in self.labels:
                raise self.fail(lineno, f"label {label!r} used twice")
            self.labels[label] = mid
        return msg

    # -- main
    def build(self) -> Transcript:
        doc = self.doc
        guild = dict(doc.get("guild") or {})
        channel = dict(doc.get("channel") or {})
        gname = str(guild.get("name", "Example"))
        cname = str(channel.get("name", self.path.parent.name))
        self.guild_id = str(guild.get("id") or stable_id("guild", gname))
        self.channel_id = str(channel.get("id") or stable_id("channel", f"{gname}/{cname}"))
        category = channel.get("category", "incidents")
        for lineno, raw in enumerate(doc["lines"]):
            if not isinstance(raw, str):
                raise self.fail(lineno, f"expected a string, got {type(raw).__name__}")
            self.line(lineno, raw.strip())
        if self.first is None:
            raise TranscriptError(f"{self.path}: no lines")
        last = self.prev or self.first
        export = {
            "guild": {
                "id": self.guild_id,
                "name": gname,
                "iconUrl": "https://cdn.discordapp.com/embed/avatars/0.png",
            },
            "channel": {
                "id": self.channel_id,
                "type": channel.get("type", "GuildPublicThread"),
                "categoryId": str(channel.get("categoryId") or stable_id("category", category)),
                "category": category,
                "name": cname,
                "topic": channel.get("topic"),
            },
            "dateRange": {"after": None, "before": None},
            "exportedAt": _iso(last + timedelta(minutes=37, seconds=12)),
            "messages": self.messages,
            "messageCount": len(self.messages),
        }
        return Transcript(
            path=self.path,
            export=export,
            labels=dict(self.labels),
            start=self.start,
            first_at=self.first,
            tz=self.tz,
            users=self.users,
        )

    def line(self, lineno: int, text: str) -> None:
        found = next(((k, m) for k, p in _LINE_PATTERNS if (m := p.match(text)) is not None), None)
        if found is None:
            raise self.fail(lineno, f"cannot read line {text[:60]!r}")
        kind, m = found
        at = self.when(lineno, m.group("time"))
        g = m.groupdict()
        if kind == "say":
            author = self.user(lineno, g["author"])
            body = g["text"].strip("\n")
            ref = self.ref(lineno, g["ref"]) if g.get("ref") else None
            msg = self.add(
                lineno,
                at,
                g.get("label"),
                "Reply" if ref else "Default",
                author,
                body,
                self.mentions_in(body),
                ref,
            )
            self.last_chat = msg["id"]
        elif kind in ("join", "leave"):
            targets = [self.user(lineno, u) for u in g["users"].split(",")]
            for i, target in enumerate(targets):
                author = self.user(lineno, g["author"]) if g.get("author") else target
                if kind == "join":
                    content = (
                        f"Added {target['name']} to the thread."
                        if author is not target
                        else "Joined the thread."
                    )
                    mtype = "RecipientAdd"
                else:
                    content = f"Removed {target['name']} from the thread."
                    mtype = "RecipientRemove"
                label = g.get("label") if i == 0 else None
                self.add(lineno, at, label, mtype, author, content, [target])
                if i + 1 < len(targets):
                    at = at + timedelta(milliseconds=211)
                    self.prev = at
        elif kind == "pin":
            pinned_id = self.ref(lineno, g["ref"])
            self.by_id[pinned_id]["isPinned"] = True
            self.add(
                lineno,
                at,
                g.get("label"),
                "ChannelPinnedMessage",
                self.user(lineno, g["author"]),
                "Pinned a message.",
                [],
                pinned_id,
            )
        elif kind == "react":
            target = self.by_id[self.ref(lineno, g["ref"])]
            reactors = [self.user(lineno, u) for u in g["users"].split(",")]
            emoji = g["emoji"]
            for r in target["reactions"]:
                if r["emoji"]["name"] == emoji:
                    break
            else:
                r = {"emoji": _emoji_json(emoji), "count": 0, "users": []}
                target["reactions"].append(r)
            for u in reactors:
                if u not in r["users"]:
                    r["users"].append(u)
            r["count"] = len(r["users"])
        elif kind == "edit":
            target = self.by_id[self.ref(lineno, g["ref"])]
            body = g["text"].strip("\n")
            target["content"] = body
            target["mentions"] = self.mentions_in(body)
            target["timestampEdited"] = _iso(at)


# ----------------------------------------------------------------------------- files


def render(export: dict[str, Any]) -> str:
    """The exact text committed as ``export.json``."""
    return json.dumps(export, ensure_ascii=False, indent=2) + "\n"


def transcripts(root: Path = REPO) -> list[Path]:
    """Every committed transcript: samples/*/ and evals/*/."""
    found: list[Path] = []
    for top in ("samples", "evals"):
        found += sorted((root / top).glob("*/transcript.yaml"))
    return found


def stale(path: Path) -> str | None:
    """Why the export next to ``path`` does not match the transcript, or None."""
    out = path.parent / "export.json"
    want = render(load(path).export)
    if not out.exists():
        return f"{out}: missing"
    if out.read_text(encoding="utf-8") != want:
        return f"{out}: differs from {path.name} (run: python evals/transcript.py {path})"
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("paths", nargs="*", type=Path, help="transcript.yaml files (default: all)")
    ap.add_argument("--check", action="store_true", help="only verify committed exports")
    ap.add_argument("-o", "--output", type=Path, help="write here (one input), '-' = stdout")
    args = ap.parse_args(argv)
    paths = args.paths or transcripts()
    try:
        if args.check:
            problems = [p for p in (stale(path) for path in paths) if p]
            for p in problems:
                print(p, file=sys.stderr)
            return 1 if problems else 0
        for path in paths:
            text = render(load(path).export)
            if args.output and str(args.output) == "-":
                sys.stdout.write(text)
                continue
            out = args.output if args.output and len(paths) == 1 else path.parent / "export.json"
            out.write_text(text, encoding="utf-8")
            print(f"{path} -> {out}")
    except TranscriptError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
