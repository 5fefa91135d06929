"""Core actions out, Discord send arguments in. Pure apart from building discord objects.

Every message the bot sends carries ``ALLOWED_MENTIONS``: it may ping users, never
@everyone, @here or a role. Text is passed through ``sanitize_output`` once more here (it is
idempotent) so a rendering bug cannot leak a mass mention or a secret.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import discord

from assistant.adapters.discord.phrases import say
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
from assistant.core.model import Answer, Lang, Phase, StatusUpdate, User
from assistant.core.safety import sanitize_output

ALLOWED_MENTIONS = discord.AllowedMentions(
    everyone=False, roles=False, users=True, replied_user=True
)

CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_LIMIT = 1024

PHASE_COLOURS: dict[Phase, int] = {
    Phase.INVESTIGATING: 0xE74C3C,
    Phase.IDENTIFIED: 0xE67E22,
    Phase.MITIGATING: 0xF1C40F,
    Phase.MONITORING: 0x3498DB,
    Phase.RESOLVED: 0x2ECC71,
}

_CHECK_MARKS = {"yes": "✅", "no": "❌", "unknown": "❔"}


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clean(text: str, limit: int) -> str:
    return clip(sanitize_output(text), limit)


@dataclass(frozen=True)
class Outgoing:
    """One message to send, before it knows where it goes."""

    content: str
    embed: discord.Embed | None = None
    ephemeral: bool = False
    reply_to: str | None = None  # message id this answers
    proposal_id: str | None = None  # attach confirm / dismiss buttons
    draft: bool = False  # an /update draft: shown privately first

    def send_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``Messageable.send`` / ``Webhook.send``."""
        kwargs: dict[str, Any] = {"content": self.content, "allowed_mentions": ALLOWED_MENTIONS}
        if self.embed is not None:
            kwargs["embed"] = self.embed
        return kwargs


def mention(user: User) -> str:
    return f"<@{user.id}>"


def update_embed(update: StatusUpdate, lang: Lang) -> discord.Embed:
    """The update as an embed: the headline (phase prefix first) is the title."""
    body = update.text
    if body.startswith(update.headline):
        body = body[len(update.headline) :].strip()
    embed = discord.Embed(
        title=clean(update.headline, TITLE_LIMIT),
        description=clean(body, DESCRIPTION_LIMIT) or None,
        colour=PHASE_COLOURS.get(update.phase),
        timestamp=update.at,
    )
    if update.next_update_at is not None:
        ts = int(update.next_update_at.timestamp())
        when = f"<t:{ts}:t> (<t:{ts}:R>)"
        embed.add_field(name="⏱", value=say(lang, "dc_next_update", time=when))
    return embed


def render_update(update: StatusUpdate, *, draft: bool = False) -> Outgoing:
    """Embed for the eye, the same text as plain content for notifications and search."""
    return Outgoing(
        content=clean(update.text, CONTENT_LIMIT),
        embed=update_embed(update, update.lang),
        ephemeral=draft,
        draft=draft,
    )


def answer_embed(answer: Answer, lang: Lang) -> discord.Embed | None:
    """The rollback checklist and citations, when the answer has them."""
    if not answer.checklist and not answer.citations:
        return None
    lines = [
        f"{_CHECK_MARKS[item.answer]} {item.question}"
        + (f" — {item.detail}" if item.detail else "")
        for item in answer.checklist
    ]
    embed = discord.Embed(
        title=say(lang, "dc_checklist") if answer.checklist else say(lang, "dc_sources"),
        description=clean("\n".join(lines), DESCRIPTION_LIMIT) or None,
    )
    if answer.citations and answer.checklist:
        embed.add_field(
            name=say(lang, "dc_sources"), value=clean("\n".join(answer.citations), FIELD_LIMIT)
        )
    elif answer.citations:
        embed.description = clean("\n".join(answer.citations), DESCRIPTION_LIMIT)
    return embed


def render_answer(answer: Answer, lang: Lang, *, ephemeral: bool = False) -> Outgoing:
    return Outgoing(
        content=clean(answer.text, CONTENT_LIMIT),
        embed=answer_embed(answer, lang),
        ephemeral=ephemeral,
        reply_to=answer.in_reply_to or None,
    )


def _with_pings(text: str, users: list[User]) -> str:
    pings = [mention(u) for u in users if mention(u) not in text]
    return " ".join([*pings, text]) if pings else text


def render(action: Action, lang: Lang, *, ping: bool = False) -> Outgoing | None:
    """What to send for ``action``; ``None`` when it needs no message of its own.

    ``ping`` says whether roster records should notify the person (a slash command did it;
    a chat message that assigned someone already pinged them).
    """
    match action:
        case PhaseChanged():
            return None  # the update that follows says it
        case PostUpdate():
            return render_update(action.update, draft=action.draft_for is not None)
        case ProposePhase():
            return Outgoing(
                content=clean(action.text, CONTENT_LIMIT), proposal_id=action.proposal.id
            )
        case RecordAssignment():
            a = action.assignment
            if a.status in ("reassigned", "released"):
                return None  # the new assignment or the release message says it
            who = mention(a.user) if ping else a.user.label
            if a.status == "done":
                key = "dc_assignment_done"
            else:
                key = "dc_assigned_purpose" if a.purpose else "dc_assigned"
            text = say(lang, key, user=who, task=a.task, purpose=a.purpose or "")
            return Outgoing(content=clean(text, CONTENT_LIMIT))
        case RecordRelease():
            who = mention(action.user) if ping else action.user.label
            return Outgoing(content=clean(say(lang, "dc_released", user=who), CONTENT_LIMIT))
        case Flag():
            return Outgoing(content=clean(_with_pings(action.text, action.mention), CONTENT_LIMIT))
        case Reply():
            return render_answer(action.answer, lang, ephemeral=action.ephemeral)
        case Notice():
            text = action.text
            if action.to is not None and not action.ephemeral and action.kind != "ack":
                text = _with_pings(text, [action.to])
            return Outgoing(
                content=clean(text, CONTENT_LIMIT),
                ephemeral=action.ephemeral,
                reply_to=action.in_reply_to,
            )
    return None  # pragma: no cover - the union is exhaustive
