"""Core actions render to Discord messages: phase-prefixed embeds, safe mentions, limits."""

from __future__ import annotations

from datetime import timedelta

from discord_fakes import T0

from assistant.adapters.discord.render import ALLOWED_MENTIONS, render
from assistant.core.actions import Flag, PostUpdate, RecordAssignment
from assistant.core.model import Assignment, Phase, StatusUpdate, User


def _update(lang: str, headline: str, body: str) -> StatusUpdate:
    return StatusUpdate(
        at=T0,
        phase=Phase.INVESTIGATING,
        lang=lang,  # type: ignore[arg-type]
        audience="responders",
        kind="declared",
        headline=headline,
        text=f"{headline}\n{body}",
        next_update_at=T0 + timedelta(minutes=15),
    )


def test_update_embed_title_carries_the_phase_prefix_ja() -> None:
    """Japanese update: embed title is the headline, content has the whole plain text."""
    up = _update("ja", "【調査中】決済APIでエラー率が上昇", "影響: 一部の決済が失敗しています。")
    out = render(PostUpdate(at=T0, incident_id="1", update=up), "ja")
    assert out is not None and out.embed is not None
    assert out.embed.title == "【調査中】決済APIでエラー率が上昇"
    assert out.content == up.text
    assert out.embed.description == "影響: 一部の決済が失敗しています。"
    assert "次回更新" in out.embed.fields[0].value
    assert out.send_kwargs()["allowed_mentions"] is ALLOWED_MENTIONS


def test_update_embed_title_carries_the_phase_prefix_en() -> None:
    """English update: same shape with the [Investigating] prefix."""
    up = _update("en", "[Investigating] Checkout errors are up", "Impact: some payments fail.")
    out = render(PostUpdate(at=T0, incident_id="1", update=up), "en")
    assert out is not None and out.embed is not None
    assert out.embed.title.startswith("[Investigating]")
    assert out.content.startswith("[Investigating] Checkout errors are up\nImpact")
    assert "Next update" in out.embed.fields[0].value


def test_allowed_mentions_are_users_only() -> None:
    """The one AllowedMentions object never allows everyone, here or roles."""
    assert ALLOWED_MENTIONS.everyone is False
    assert ALLOWED_MENTIONS.roles is False
    assert ALLOWED_MENTIONS.users is True


def test_mass_mentions_in_text_are_neutralised() -> None:
    """Even if text carries @everyone it is made inert before it is sent."""
    up = _update("en", "[Investigating] @everyone look", "@here too")
    out = render(PostUpdate(at=T0, incident_id="1", update=up), "en")
    assert out is not None
    assert "@everyone" not in out.content and "@here" not in out.content


def test_long_text_is_clipped_to_discord_limits() -> None:
    """Content stays within 2000 characters and ends with an ellipsis when cut."""
    up = _update("en", "[Investigating] x", "y" * 5000)
    out = render(PostUpdate(at=T0, incident_id="1", update=up), "en")
    assert out is not None and len(out.content) == 2000 and out.content.endswith("…")


def test_flag_pings_only_the_idle_assignee() -> None:
    """A flag pings the users in ``mention``, not everyone it lists."""
    idle, bystander = User(id="2", name="bob"), User(id="3", name="carol")
    flag = Flag(
        at=T0,
        incident_id="1",
        reason="idle",
        users=[idle, bystander],
        text="@bob how is the rollback going?",
        mention=[idle],
    )
    out = render(flag, "en")
    assert out is not None
    assert out.content.startswith("<@2> ") and "<@3>" not in out.content


def test_assignment_record_pings_only_when_asked() -> None:
    """A slash-command assignment pings the assignee; a chat-derived one just names them."""
    a = Assignment(
        id="a1", user=User(id="2", name="bob"), task="roll back", purpose="restore", since=T0
    )
    action = RecordAssignment(at=T0, incident_id="1", assignment=a)
    pinged = render(action, "ja", ping=True)
    quiet = render(action, "en")
    assert pinged is not None and pinged.content == "📌 担当: <@2> — roll back（目的: restore）"
    assert quiet is not None and quiet.content == "📌 Assigned: bob — roll back (purpose: restore)"


def test_assignment_records_follow_the_assignment_status() -> None:
    """Done says done; reassigned and released records post nothing of their own."""
    bob = User(id="2", name="bob")

    def rec(status: str) -> RecordAssignment:
        a = Assignment(id="a1", user=bob, task="roll back", since=T0, status=status)  # type: ignore[arg-type]
        return RecordAssignment(at=T0, incident_id="1", assignment=a)

    done = render(rec("done"), "ja")
    assert done is not None and done.content == "✅ 完了: bob — roll back"
    assert render(rec("done"), "en").content == "✅ Done: bob — roll back"  # type: ignore[union-attr]
    assert render(rec("reassigned"), "en") is None
    assert render(rec("released"), "en") is None
