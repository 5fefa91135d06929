"""Failover in the live path: two `incident-assistant run` bots on one PostgreSQL and one
Discord-shaped loopback server; the active one is SIGKILLed in the middle of an incident."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from fake_discord import FakeDiscord

from tests.conftest import REPO

SAMPLE = REPO / "samples" / "en-no-change-redeploy" / "export.json"
GUILD = "1342623027636434646"
CHANNEL = "1448236674647200892"
TAKEOVER = 6.0  # seconds: the lease lasts 4.5 s, a standby polls every 0.75 s


def _user(who: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": who["id"],
        "username": who["name"],
        "discriminator": "0",
        "global_name": who.get("nickname"),
        "avatar": None,
        "bot": bool(who.get("isBot")),
    }


def _script() -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """The bundled sample incident as Discord gateway messages: the bot user, the members,
    and each chat message (mentions written as Discord writes them, ``<@id>``)."""
    export = json.loads(SAMPLE.read_text(encoding="utf-8"))
    bot: dict[str, Any] = {}
    people: dict[str, dict[str, Any]] = {}
    messages = []
    for m in export["messages"]:
        if m["type"] != "Default" or m["author"]["isBot"]:
            continue
        content = m["content"]
        for who in m["mentions"]:
            if who["name"] == "incident-assistant":
                bot = _user(who)
            content = re.sub(rf"@{re.escape(who['name'])}\b", f"<@{who['id']}>", content)
        people.setdefault(m["author"]["id"], _user(m["author"]))
        messages.append(
            {
                "id": m["id"],
                "channel_id": CHANNEL,
                "author": _user(m["author"]),
                "member": {"roles": [], "joined_at": "2024-01-01T00:00:00+00:00", "flags": 0},
                "content": content,
                "timestamp": m["timestamp"],
                "edited_timestamp": None,
                "tts": False,
                "mention_everyone": False,
                "mentions": [_user(u) for u in m["mentions"]],
                "mention_roles": [],
                "attachments": [],
                "embeds": [],
                "pinned": False,
                "type": 0,
            }
        )
    assert bot, "the sample mentions the bot"
    members = [
        {"user": u, "roles": [], "joined_at": "2024-01-01T00:00:00+00:00", "flags": 0}
        for u in [*people.values(), {**bot, "bot": True}]
    ]
    return bot, members, messages


@pytest.fixture
def discord_server() -> Iterator[FakeDiscord]:
    bot, members, _ = _script()
    channel = {
        "id": CHANNEL,
        "type": 0,
        "name": "inc-search-latency",
        "position": 0,
        "permission_overwrites": [],
        "topic": "search-api p99 + 5xx (SEV2)",
    }
    server = FakeDiscord(bot=bot, guild_id=GUILD, channels=[channel], members=members)
    server.start()
    yield server
    server.stop()


def _wait(what: str, predicate: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


class Bots:
    """Starts `incident-assistant run` processes against the fake server and a store."""

    def __init__(self, server: FakeDiscord, state_url: str, tmp: Path, cache: Path) -> None:
        self.server = server
        self.tmp = tmp
        tmp.mkdir()
        self.env = {
            **os.environ,
            "DISCORD_TOKEN": "fake.bot.token",
            "DISCORD_API_BASE": f"http://127.0.0.1:{server.port}/api/v10",
            "DISCORD_GUILD_IDS": GUILD,
            "STATE_URL": state_url,
            "TAKEOVER_SECONDS": str(TAKEOVER),
            "LANGUAGE": "en",
            # no schedule within the test: what is posted follows the chat alone
            "CADENCE_MINUTES": "1000000",
            "IDLE_MINUTES": "1000000",
            "UNASSIGNED_MINUTES": "1000000",
            "KNOWLEDGE_DIRS": str(REPO / "knowledge"),
            "XDG_CACHE_HOME": str(cache),  # the knowledge index, built by the first bot
            "PYTHONUNBUFFERED": "1",
        }
        self.procs: list[subprocess.Popen[bytes]] = []
        self.logs: list[IO[bytes]] = []

    def start(self, name: str) -> subprocess.Popen[bytes]:
        log = (self.tmp / f"{name}.log").open("wb")
        self.logs.append(log)
        proc = subprocess.Popen(
            [sys.executable, "-m", "assistant", "run"],
            cwd=self.tmp,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.procs.append(proc)
        return proc

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for log in self.logs:
            log.close()


def _posted(server: FakeDiscord) -> list[str]:
    """What the bot posted, as readers see it: text, embed titles and descriptions."""

    def show(m: dict[str, Any]) -> str:
        parts = [m["content"]]
        for e in m["embeds"]:
            parts += [e.get("title", ""), e.get("description", "")]
            parts += [f"{f.get('name')}: {f.get('value')}" for f in e.get("fields", [])]
        return "\n".join(parts)

    return [show(m) for m in server.call(lambda: list(server.posts))]


def _quiet(server: FakeDiscord, seconds: float = 0.25) -> None:
    """Wait until the bot has posted nothing for ``seconds``."""
    count = -1
    while True:
        now = len(server.call(lambda: list(server.posts)))
        if now == count:
            return
        count = now
        time.sleep(seconds)


@pytest.mark.slow
def test_a_standby_bot_takes_over_from_a_killed_one(
    discord_server: FakeDiscord, pg_cluster: Any, tmp_path: Path
) -> None:
    """One bot alone handles the sample incident: its posts are the reference. Then two
    bots share a fresh database: the first is active, the second connects and stays
    silent. The active one is SIGKILLed mid-incident; more messages arrive while nobody
    is active; the standby takes over within the takeover time, reads them back from the
    channel history, posts what was decided but not sent, and handles the rest live. The
    posts equal the reference's, each as often (nothing lost, nothing twice), and the
    status updates come in the same order (answers of different messages may overtake
    each other, live as in the reference)."""
    _, _, messages = _script()
    kill_at, resume_at = len(messages) // 2, len(messages) // 2 + 6

    # the reference: one bot, uninterrupted
    cache = tmp_path / "cache"
    alone = Bots(discord_server, pg_cluster.database("live_alone"), tmp_path / "alone", cache)
    try:
        alone.start("solo")
        _wait("the bot to become active", lambda: discord_server.syncs >= 1)
        _wait("the gateway session", lambda: len(discord_server.identified) >= 1)
        for message in messages:
            discord_server.say(message)
            _quiet(discord_server, 0.15)
        _quiet(discord_server, 0.5)
    finally:
        alone.stop()
    reference = _posted(discord_server)
    assert len(reference) >= 10, alone.log("solo")

    # the pair
    discord_server.call(lambda: _reset(discord_server))
    pair = Bots(discord_server, pg_cluster.database("live_pair"), tmp_path / "pair", cache)
    try:
        active = pair.start("active")
        _wait("the first bot to become active", lambda: discord_server.syncs >= 1)
        _wait("its gateway session", lambda: len(discord_server.identified) >= 1)
        pair.start("standby")
        _wait("the standby's gateway session", lambda: len(discord_server.identified) >= 2)
        for message in messages[:kill_at]:
            discord_server.say(message)
            _quiet(discord_server, 0.15)
        assert discord_server.syncs == 1, "the standby acted"
        discord_server.say(messages[kill_at])  # the active may be handling it when killed
        active.send_signal(signal.SIGKILL)
        active.wait()
        killed = time.monotonic()
        for message in messages[kill_at + 1 : resume_at]:  # nobody is active
            discord_server.say(message)
        _wait("the standby to take over", lambda: discord_server.syncs >= 2, timeout=30)
        took = time.monotonic() - killed
        _quiet(discord_server, 0.5)
        for message in messages[resume_at:]:
            discord_server.say(message)
            _quiet(discord_server, 0.15)
        _quiet(discord_server, 0.5)
    finally:
        pair.stop()
    posted = _posted(discord_server)
    assert took < TAKEOVER + 2, f"takeover took {took:.1f}s"
    assert Counter(posted) == Counter(reference), pair.log("standby")
    assert [p for p in posted if _is_update(p)] == [p for p in reference if _is_update(p)]
    assert any(_is_update(p) for p in reference)
    assert discord_server.unknown == []
    pg_cluster.drop("live_alone")
    pg_cluster.drop("live_pair")


def _is_update(post: str) -> bool:
    return post.lstrip("\n").startswith("[")  # an update's embed title is its phase prefix


def _reset(server: FakeDiscord) -> None:
    server.posts.clear()
    server.nonces.clear()
    server.history = {c: [] for c in server.channels}
    server.identified.clear()
    server.syncs = 0
