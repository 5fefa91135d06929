"""A Discord-shaped server on 127.0.0.1: just enough REST API and gateway for discord.py.

The bot under test is pointed at it with ``DISCORD_API_BASE`` (``discord.http.Route.BASE``);
``GET /gateway/bot`` hands out this server's websocket URL. The gateway says HELLO, answers
IDENTIFY with READY and one GUILD_CREATE (the guild, its channels and members), acknowledges
heartbeats, and pushes the MESSAGE_CREATE events a test ``say``s to every identified
session, as Discord does for several sessions of one bot. Messages are kept per channel for
``GET /channels/{id}/messages`` (history, for backfill). ``POST /channels/{id}/messages``
records what the bot posts, and honours ``enforce_nonce`` like Discord: a second post with a
nonce already used in the channel returns the first message instead of a new one.

Time is the chat's: a test says messages with their own timestamps (a recorded incident),
and a post by the bot is stamped, and numbered, just after the latest message said in its
channel, as if it had answered at once.

The server runs on its own event loop in a thread, so the bots can be subprocesses.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

API = "/api/v10"
DISCORD_EPOCH_MS = 1420070400000


def snowflake(at: datetime, n: int = 0) -> str:
    return str(((int(at.timestamp() * 1000) - DISCORD_EPOCH_MS) << 22) + n)


def _json(data: Any, status: int = 200) -> web.Response:
    """JSON as Discord sends it: discord.py parses a body only under exactly
    ``application/json`` (no charset parameter)."""
    return web.Response(
        body=json.dumps(data).encode(), status=status, content_type="application/json"
    )


class FakeDiscord:
    """One guild, its text channels and members, one bot application."""

    def __init__(
        self,
        *,
        bot: dict[str, Any],
        guild_id: str,
        channels: list[dict[str, Any]],
        members: list[dict[str, Any]],
    ) -> None:
        self.bot = {"discriminator": "0", "avatar": None, "global_name": None, **bot, "bot": True}
        self.guild_id = guild_id
        self.channels = {c["id"]: {**c, "guild_id": guild_id} for c in channels}
        self.members = members
        self.history: dict[str, list[dict[str, Any]]] = {c: [] for c in self.channels}
        self.posts: list[dict[str, Any]] = []  # what the bot posted, in order
        self.nonces: dict[tuple[str, str], dict[str, Any]] = {}
        self.identified: list[int] = []  # session numbers, in IDENTIFY order
        self.syncs = 0  # command syncs: a bot syncs when it becomes active
        self.unknown: list[str] = []  # requests this fake does not implement
        self._sessions: dict[int, tuple[web.WebSocketResponse, itertools.count[int]]] = {}
        self._session_ids = itertools.count(1)
        self._ids = itertools.count(1)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ------------------------------------------------------------------ life
    def start(self) -> str:
        """Serve on a free loopback port; return the API base URL."""
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return f"http://127.0.0.1:{self.port}{API}"

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_get(f"{API}/users/@me", self._me)
        app.router.add_get(f"{API}/oauth2/applications/@me", self._application)
        app.router.add_get(f"{API}/gateway/bot", self._gateway)
        app.router.add_get(f"{API}/gateway", self._gateway)
        app.router.add_put(f"{API}/applications/{{app}}/commands", self._sync)
        app.router.add_put(f"{API}/applications/{{app}}/guilds/{{guild}}/commands", self._sync)
        app.router.add_get(f"{API}/channels/{{channel}}", self._channel)
        app.router.add_get(f"{API}/channels/{{channel}}/messages", self._messages)
        app.router.add_post(f"{API}/channels/{{channel}}/messages", self._post)
        app.router.add_post(f"{API}/channels/{{channel}}/typing", self._typing)
        app.router.add_get("/ws", self._ws)
        app.router.add_route("*", "/{tail:.*}", self._unknown)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def stop(self) -> None:
        async def _stop() -> None:
            for ws, _ in list(self._sessions.values()):
                await ws.close()
            if self._runner is not None:
                await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(_stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def call(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` on the server's loop (reads of its state are consistent there)."""

        async def run() -> Any:
            return fn()

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(10)

    # ------------------------------------------------------------------ what tests do
    def say(self, message: dict[str, Any]) -> None:
        """A member posts ``message`` (a Discord message object without ``channel_id``'s
        guild): it goes into the history and to every identified session."""
        asyncio.run_coroutine_threadsafe(self._say(message), self._loop).result(10)

    async def _say(self, message: dict[str, Any]) -> None:
        message = {**message, "guild_id": self.guild_id}
        self.history[message["channel_id"]].append(message)
        await self._broadcast("MESSAGE_CREATE", message)

    async def _broadcast(self, event: str, data: dict[str, Any]) -> None:
        for number in list(self.identified):
            ws, seq = self._sessions.get(number, (None, None))
            if ws is None or seq is None or ws.closed:
                continue
            with contextlib.suppress(ConnectionError):
                await ws.send_str(json.dumps({"op": 0, "t": event, "s": next(seq), "d": data}))

    # ------------------------------------------------------------------ REST
    async def _me(self, request: web.Request) -> web.Response:
        return _json(self.bot)

    async def _application(self, request: web.Request) -> web.Response:
        return _json(
            {
                "id": self.bot["id"],
                "name": self.bot["username"],
                "description": "",
                "icon": None,
                "bot_public": False,
                "bot_require_code_grant": False,
                "owner": {**self.bot, "bot": False, "id": "1"},
                "verify_key": "0" * 64,
                "flags": 0,
            }
        )

    async def _gateway(self, request: web.Request) -> web.Response:
        return _json(
            {
                "url": f"ws://127.0.0.1:{self.port}/ws",
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 1000,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )

    async def _sync(self, request: web.Request) -> web.Response:
        self.syncs += 1
        return _json([])

    async def _channel(self, request: web.Request) -> web.Response:
        channel = self.channels.get(request.match_info["channel"])
        if channel is None:
            return _json({"message": "Unknown Channel", "code": 10003}, status=404)
        return _json(channel)

    async def _messages(self, request: web.Request) -> web.Response:
        """History like Discord's: with ``after``, the oldest ``limit`` messages after it;
        else the newest; either way newest first."""
        found = self.history.get(request.match_info["channel"], [])
        limit = int(request.query.get("limit", "50"))
        ordered = sorted(found, key=lambda m: int(m["id"]))
        if "after" in request.query:
            after = int(request.query["after"])
            page = [m for m in ordered if int(m["id"]) > after][:limit]
        elif "before" in request.query:
            before = int(request.query["before"])
            page = [m for m in ordered if int(m["id"]) < before][-limit:]
        else:
            page = ordered[-limit:]
        return _json(page[::-1])

    async def _post(self, request: web.Request) -> web.Response:
        channel_id = request.match_info["channel"]
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            body = json.loads(str(form["payload_json"]))
        else:
            body = await request.json()
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce") and (channel_id, nonce) in self.nonces:
            return _json(self.nonces[(channel_id, nonce)])
        said = [m for m in self.history.get(channel_id, []) if not m["author"].get("bot")]
        last = max(said, key=lambda m: int(m["id"]), default=None)
        now = datetime.fromisoformat(last["timestamp"]) if last else datetime.now(UTC)
        message = {
            "id": str(int(last["id"]) + next(self._ids)) if last else snowflake(now),
            "channel_id": channel_id,
            "guild_id": self.guild_id,
            "author": self.bot,
            "content": body.get("content") or "",
            "timestamp": now.isoformat(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "type": 0,
            "nonce": nonce,
        }
        if nonce is not None:
            self.nonces[(channel_id, nonce)] = message
        self.posts.append(message)
        self.history.setdefault(channel_id, []).append(message)
        return _json(message)

    async def _typing(self, request: web.Request) -> web.Response:
        return web.Response(status=204)

    async def _unknown(self, request: web.Request) -> web.Response:
        self.unknown.append(f"{request.method} {request.path}")
        return _json({"message": "404: Not Found", "code": 0}, status=404)

    # ------------------------------------------------------------------ gateway
    async def _ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        number = next(self._session_ids)
        seq = itertools.count(1)
        self._sessions[number] = (ws, seq)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}}))
        async for frame in ws:
            if frame.type != WSMsgType.TEXT:
                break
            payload = json.loads(frame.data)
            op = payload.get("op")
            if op == 1:
                await ws.send_str(json.dumps({"op": 11}))
            elif op == 2:
                await self._identify(ws, seq, number, payload["d"])
            elif op == 6:  # resume: this fake keeps no sessions; start over
                await ws.send_str(json.dumps({"op": 9, "d": False}))
        self._sessions.pop(number, None)
        return ws

    async def _identify(
        self,
        ws: web.WebSocketResponse,
        seq: itertools.count[int],
        number: int,
        identify: dict[str, Any],
    ) -> None:
        shard = identify.get("shard") or [0, 1]
        ready = {
            "v": 10,
            "user": self.bot,
            "guilds": [{"id": self.guild_id, "unavailable": True}],
            "session_id": f"session-{number}",
            "resume_gateway_url": f"ws://127.0.0.1:{self.port}/ws",
            "shard": shard,
            "application": {"id": self.bot["id"], "flags": 0},
        }
        await ws.send_str(json.dumps({"op": 0, "t": "READY", "s": next(seq), "d": ready}))
        guild = {
            "id": self.guild_id,
            "name": "fake guild",
            "owner_id": "1",
            "roles": [
                {
                    "id": self.guild_id,
                    "name": "@everyone",
                    "permissions": str(0x4F_FFFF_FFFF),
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                    "flags": 0,
                }
            ],
            "channels": list(self.channels.values()),
            "members": self.members,
            "member_count": len(self.members),
            "large": False,
            "threads": [],
            "features": [],
            "emojis": [],
            "stickers": [],
            "voice_states": [],
            "joined_at": "2024-01-01T00:00:00+00:00",
        }
        await ws.send_str(json.dumps({"op": 0, "t": "GUILD_CREATE", "s": next(seq), "d": guild}))
        self.identified.append(number)
