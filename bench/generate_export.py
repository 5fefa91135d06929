"""Generate a realistic-looking DiscordChatExporter JSON export of a long incident channel.

Usage: ``python bench/generate_export.py 10000 out.json [--seed N] [--lang ja|en|mixed]``

The channel has ten users: a commander, eight responders and the bot (``incident-assistant``,
``isBot`` true). Lines are Japanese and/or English: assignments naming a person, a task and a
purpose, self-assignments, observations, occasional phase-prefixed status posts, questions to
the bot ("should we roll back?"), thread-member-added system messages, replies, edits, pins
and reactions. Timestamps are a few seconds apart. Every line here was written for this file.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

CHANNEL_ID = "1300000000000000001"
GUILD_ID = "1200000000000000001"
BOT_NAME = "incident-assistant"

# (id, name, nickname, is_bot)
USERS: list[tuple[str, str, str | None, bool]] = [
    ("1100000000000000001", "sato", "佐藤 (IC)", False),  # the commander
    ("1100000000000000002", "tanaka", "田中", False),
    ("1100000000000000003", "suzuki", None, False),
    ("1100000000000000004", "yamada", "山田", False),
    ("1100000000000000005", "kimura", None, False),
    ("1100000000000000006", "bob", "Bob K.", False),
    ("1100000000000000007", "alice", None, False),
    ("1100000000000000008", "carol", "Carol", False),
    ("1100000000000000009", "dave", None, False),
    ("1100000000000000010", BOT_NAME, None, True),
]
COMMANDER = 0
BOT = 9
RESPONDERS = list(range(1, 9))

TASKS_JA = [
    ("DBのスロークエリを調べてください", "原因の切り分けです"),
    ("直近のデプロイ差分を確認してください", "リリースとの因果関係を確かめるためです"),
    ("ロールバック手順の準備をお願いします", "すぐに戻せるようにするためです"),
    ("エラーログを集計してください", "影響範囲を把握するためです"),
    ("ステータスページの文面を用意してください", "ユーザーへ早く知らせるためです"),
    ("フィーチャーフラグを確認してください", "問題の機能だけ止められるか知るためです"),
]
TASKS_EN = [
    ("please own the rollback", "restore checkout"),
    ("check the error budget dashboards", "size the impact"),
    ("look at the last three deploys", "see whether the release caused this"),
    ("draft the customer notice", "tell users what is broken"),
    ("verify the feature flag for new-cart", "switch off only the broken path"),
    ("watch p99 latency on the payments API", "confirm recovery once we act"),
]
SELF_JA = [
    "私がアプリのログを見ます。目的はエラーの発生箇所の特定です",
    "キャッシュのヒット率は自分が確認します",
    "ロードバランサの設定を見ておきます",
]
SELF_EN = [
    "I'll take the database metrics, goal: rule out the primary",
    "I'm on the CDN logs to check whether edge errors match",
    "I'll handle the status page",
]
CHATTER_JA = [
    "5xxの割合が12%まで上がっています",
    "東京リージョンのみで発生しているようです",
    "直前のリリースは10:02でした",
    "接続プールが枯渇しているように見えます",
    "再現しました。決済確定のAPIでタイムアウトします",
    "エラー率が下がり始めました",
    "まだ原因は断定できていません",
    "了解です",
]
CHATTER_EN = [
    "error rate on checkout is at 9% and climbing",
    "only EU users seem affected so far",
    "the deploy went out at 10:02 UTC",
    "connection pool on the primary looks saturated",
    "latency is back under 300ms on my graphs",
    "can't confirm the cause yet, still digging",
    "ack",
    "seeing the same timeouts from the mobile app",
]
STATUS_JA = {
    "【調査中】": "決済APIでエラーが増えています。原因を調査しています",
    "【原因特定】": "10:02のリリースに含まれる設定変更が原因と判断しました",
    "【対応中】": "ロールバックを実施しています",
    "【経過観察】": "ロールバック後、エラー率は平常値に戻りつつあります",
    "【復旧完了】": "メトリクスが平常に戻ったことを確認し、復旧完了としました",
}
STATUS_EN = {
    "[Investigating]": "checkout errors are elevated, we are looking into it",
    "[Identified]": "a config change in the 10:02 release is the cause",
    "[Mitigating]": "rolling back the release now",
    "[Monitoring]": "error rate is dropping after the rollback",
    "[Resolved]": "metrics are normal again, declaring recovery",
}
ASK_BOT_JA = ["ロールバックすべき？", "今の状況をまとめて", "誰が何をしていますか？"]
ASK_BOT_EN = ["should we roll back?", "what's the status?", "who is working on what?"]
EMOJI = ["👀", "👍", "✅", "🙏"]


def _user(index: int) -> dict[str, Any]:
    uid, name, nick, is_bot = USERS[index]
    return {
        "id": uid,
        "name": name,
        "discriminator": "0000",
        "nickname": nick or name,
        "color": None,
        "isBot": is_bot,
        "roles": [],
        "avatarUrl": "https://cdn.discordapp.com/embed/avatars/0.png",
    }


def _stamp(at: datetime) -> str:
    return at.isoformat(timespec="milliseconds")


class _Writer:
    """Accumulates messages with increasing snowflake-like ids and times."""

    def __init__(self, rng: random.Random, lang: str) -> None:
        self.rng = rng
        self.lang = lang
        self.messages: list[dict[str, Any]] = []
        self.at = datetime(2025, 3, 14, 1, 0, 0, tzinfo=UTC)
        self.seq = 0

    def ja(self) -> bool:
        return self.lang == "ja" or (self.lang == "mixed" and self.rng.random() < 0.5)

    def mention(self, index: int) -> str:
        """Mostly the exporter's default ``@name`` form, sometimes the raw ``<@id>`` form."""
        uid, name, _, _ = USERS[index]
        return f"<@{uid}>" if self.rng.random() < 0.2 else f"@{name}"

    def add(
        self,
        author: int,
        content: str,
        *,
        kind: str = "Default",
        mentions: tuple[int, ...] = (),
        reference: str | None = None,
    ) -> dict[str, Any]:
        self.seq += 1
        self.at += timedelta(seconds=self.rng.randint(2, 9), milliseconds=self.rng.randint(0, 999))
        msg: dict[str, Any] = {
            "id": str(1310000000000000000 + self.seq * 4096),
            "type": kind,
            "timestamp": _stamp(self.at),
            "timestampEdited": None,
            "callEndedTimestamp": None,
            "isPinned": False,
            "content": content,
            "author": _user(author),
            "attachments": [],
            "embeds": [],
            "stickers": [],
            "reactions": [],
            "mentions": [_user(m) for m in mentions],
        }
        if reference is not None:
            msg["reference"] = {
                "messageId": reference,
                "channelId": CHANNEL_ID,
                "guildId": GUILD_ID,
            }
        self.messages.append(msg)
        return msg


def _step(w: _Writer, phase_index: int, joined: list[int]) -> None:
    rng = w.rng
    roll = rng.random()
    if len(joined) < len(RESPONDERS) and (roll < 0.04 or not joined):
        who = next(r for r in RESPONDERS if r not in joined)
        joined.append(who)
        w.add(
            COMMANDER,
            f"Added {USERS[who][1]} to the thread.",
            kind="RecipientAdd",
            mentions=(who,),
        )
        return
    if roll < 0.16:
        who = rng.choice(joined)
        if w.ja():
            task, purpose = rng.choice(TASKS_JA)
            text = f"{w.mention(who)} {task}。目的は{purpose}"
        else:
            task, purpose = rng.choice(TASKS_EN)
            text = f"{w.mention(who)} {task}, goal: {purpose}"
        w.add(COMMANDER, text, mentions=(who,))
        return
    if roll < 0.24:
        w.add(rng.choice(joined), rng.choice(SELF_JA if w.ja() else SELF_EN))
        return
    if roll < 0.28:
        ja = w.ja()
        label, body = list((STATUS_JA if ja else STATUS_EN).items())[phase_index]
        posted = w.add(COMMANDER, f"{label}{body}" if ja else f"{label} {body}")
        if rng.random() < 0.3:
            posted["isPinned"] = True
            w.add(
                COMMANDER,
                "Pinned a message.",
                kind="ChannelPinnedMessage",
                reference=posted["id"],
            )
        return
    if roll < 0.31:
        question = rng.choice(ASK_BOT_JA if w.ja() else ASK_BOT_EN)
        w.add(rng.choice([COMMANDER, *joined]), f"{w.mention(BOT)} {question}", mentions=(BOT,))
        return
    author = rng.choice(joined)
    text = rng.choice(CHATTER_JA if w.ja() else CHATTER_EN)
    if w.messages and roll < 0.38:
        parent = rng.choice(w.messages[-10:])
        msg = w.add(author, text, kind="Reply", reference=parent["id"])
    else:
        msg = w.add(author, text)
    if roll > 0.93:
        edited = w.at + timedelta(seconds=rng.randint(5, 60))
        msg["timestampEdited"] = _stamp(edited)
    if roll > 0.85:
        reactors = rng.sample([COMMANDER, *joined], k=min(len(joined) + 1, rng.randint(1, 3)))
        msg["reactions"] = [
            {
                "emoji": {
                    "id": "",
                    "name": rng.choice(EMOJI),
                    "code": "eyes",
                    "isAnimated": False,
                    "imageUrl": "",
                },
                "count": len(reactors),
                "users": [_user(r) for r in reactors],
            }
        ]


def generate(n_messages: int, *, seed: int = 0, lang: str = "mixed") -> dict[str, Any]:
    """A DiscordChatExporter-shaped export dict with ``n_messages`` messages."""
    if lang not in ("ja", "en", "mixed"):
        raise ValueError(f"lang must be ja, en or mixed, not {lang!r}")
    w = _Writer(random.Random(seed), lang)
    joined: list[int] = []
    if n_messages > 0:
        opening = (
            "障害対応を開始します。決済APIでエラーが増えています。指揮は佐藤が取ります"
            if lang == "ja"
            else "Opening an incident: checkout errors are up. I'm commanding."
        )
        w.add(COMMANDER, opening)
    while len(w.messages) < n_messages:
        phase_index = min(4, len(w.messages) * 5 // max(n_messages, 1))
        _step(w, phase_index, joined)
    messages = w.messages[:n_messages]
    return {
        "guild": {"id": GUILD_ID, "name": "Example Ops", "iconUrl": ""},
        "channel": {
            "id": CHANNEL_ID,
            "type": "GuildPublicThread",
            "categoryId": "1250000000000000001",
            "category": "incidents",
            "name": "inc-checkout-errors",
            "topic": None,
        },
        "dateRange": {"after": None, "before": None},
        "exportedAt": _stamp(w.at + timedelta(hours=1)),
        "messages": messages,
        "messageCount": len(messages),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("n_messages", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--lang", choices=("ja", "en", "mixed"), default="mixed")
    args = parser.parse_args(argv)
    data = generate(args.n_messages, seed=args.seed, lang=args.lang)
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"wrote {len(data['messages'])} messages to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
