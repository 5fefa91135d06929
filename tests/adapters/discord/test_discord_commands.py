"""Each slash command, called through its callback with strict fakes: defer, one core
Command, deliveries to the right place (ephemeral to the user, public to the channel)."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
from discord import app_commands
from discord_fakes import (
    ROLE_ID,
    T0,
    DraftingService,
    Harness,
    all_send_calls,
    assert_safe_mentions,
    interaction,
    member,
    text_channel,
    thread,
)

from assistant.adapters.discord.cogs.ask import AskCog
from assistant.adapters.discord.cogs.incident import IncidentCog
from assistant.adapters.discord.cogs.phase import PhaseCog
from assistant.adapters.discord.cogs.roster import RosterCog
from assistant.adapters.discord.cogs.updates import UpdatesCog
from assistant.adapters.discord.views import DraftView
from assistant.core.actions import (
    Notice,
    PhaseChanged,
    PostUpdate,
    RecordAssignment,
    RecordRelease,
    Reply,
)
from assistant.core.events import Command
from assistant.core.model import Answer, Assignment, Phase, StatusUpdate, User

COMMANDER = member(1, "alice")


def _incident(lang: str = "en", *, drafts: bool = True) -> tuple[Harness, Any]:
    h = Harness(service=DraftingService() if drafts else None)
    h.service.add_incident("100", lang=lang)  # type: ignore[arg-type]
    return h, h.add(text_channel(100, "inc-payments"))


def _update(headline: str, *, draft_for: User | None = None, lang: str = "en") -> PostUpdate:
    up = StatusUpdate(
        at=T0,
        phase=Phase.INVESTIGATING,
        lang=lang,
        audience="responders",  # type: ignore[arg-type]
        kind="manual",
        headline=headline,
        text=f"{headline}\nbody",
    )
    return PostUpdate(at=T0, incident_id="100", update=up, draft_for=draft_for)


def _command(h: Harness) -> Command:
    (event,) = h.service.events
    assert isinstance(event, Command)
    return event


async def test_declare_opens_a_thread_and_posts_the_first_update() -> None:
    """/incident declare: thread under the channel, incident registered, first update in it."""
    h = Harness()
    parent = h.add(text_channel(100, "incidents"))
    new_thread = h.add(thread(600, "inc-1128-0900 Checkout errors", parent=parent))
    parent.create_thread.return_value = new_thread
    it = interaction(parent, COMMANDER)
    h.service.then(
        PhaseChanged(at=T0, incident_id="600", phase=Phase.INVESTIGATING, previous=None),
        _update("[Investigating] Checkout errors"),
    )
    cog = IncidentCog(h.ctx)
    await cog.declare.callback(cog, it, "Checkout errors", "SEV2")

    it.response.defer.assert_awaited_once_with(thinking=True)
    assert parent.create_thread.await_args.kwargs["name"] == "inc-1128-0900 Checkout errors"
    assert parent.create_thread.await_args.kwargs["type"] is discord.ChannelType.public_thread
    new_thread.add_user.assert_awaited_once_with(COMMANDER)
    assert h.service.ensured[0][0] == "600"
    cmd = _command(h)
    assert cmd.name == "declare" and cmd.incident_id == "600"
    assert cmd.args == {"title": "Checkout errors", "severity": "SEV2"}
    assert cmd.user.name == "alice"
    new_thread.send.assert_awaited_once()
    assert new_thread.send.await_args.kwargs["embed"].title == "[Investigating] Checkout errors"
    assert it.followup.send.await_args.args[0] == "Incident opened: <#600>"
    assert_safe_mentions(all_send_calls(new_thread, it.followup))
    assert h.wakes == 1


async def test_declare_under_configured_parent_channel_in_japanese() -> None:
    """With parent_channel_id the thread opens there; a Japanese client gets Japanese text."""
    from assistant.adapters.discord.settings import DiscordSettings

    h = Harness(settings=DiscordSettings(parent_channel_id=150))
    here = h.add(text_channel(100, "general"))
    parent = h.add(text_channel(150, "incidents"))
    parent.create_thread.return_value = h.add(thread(601, "inc", parent=parent))
    it = interaction(here, COMMANDER, locale=discord.Locale.japanese)
    cog = IncidentCog(h.ctx)
    await cog.declare.callback(cog, it, "決済エラー", None)
    here.create_thread.assert_not_awaited()
    parent.create_thread.assert_awaited_once()
    assert it.followup.send.await_args.args[0] == "インシデントを開始しました: <#601>"


async def test_resolve_sends_a_resolve_command_and_posts_the_closing_update() -> None:
    """/incident resolve: ephemeral defer, Command(resolve), closing update in the channel."""
    h, ch = _incident()
    it = interaction(ch, COMMANDER)
    h.service.then(_update("[Resolved] Checkout is back"))
    cog = IncidentCog(h.ctx)
    await cog.resolve.callback(cog, it, "rolled back")
    it.response.defer.assert_awaited_once_with(thinking=True, ephemeral=True)
    assert _command(h).name == "resolve" and _command(h).args == {"note": "rolled back"}
    assert ch.send.await_args.kwargs["embed"].title == "[Resolved] Checkout is back"
    assert it.followup.send.await_args.args[0] == "Done."  # nothing else answered the user
    assert_safe_mentions(all_send_calls(ch, it.followup))


async def test_phase_by_commander_role_is_privileged() -> None:
    """/phase carries the chosen phase; a member with the commander role is privileged."""
    h, ch = _incident()
    boss = member(2, "boss", roles=[ROLE_ID])
    it = interaction(ch, boss)
    cog = PhaseCog(h.ctx)
    await cog.phase.callback(cog, it, app_commands.Choice(name="Monitoring", value="monitoring"))
    cmd = _command(h)
    assert cmd.name == "phase" and cmd.args == {"phase": "monitoring"} and cmd.privileged


async def test_refusal_is_shown_only_to_the_user() -> None:
    """A refused /phase: the core's refusal goes back ephemerally, nothing in the channel."""
    h, ch = _incident(lang="ja")
    it = interaction(ch, member(3, "eve"), locale=discord.Locale.japanese)
    h.service.then(
        Notice(
            at=T0,
            incident_id="100",
            kind="refusal",
            ephemeral=True,
            text="この操作は指揮官のみ実行できます。",
            to=User(id="3", name="eve"),
        )
    )
    cog = PhaseCog(h.ctx)
    await cog.phase.callback(cog, it, app_commands.Choice(name="Resolved", value="resolved"))
    assert _command(h).privileged is False
    ch.send.assert_not_awaited()
    it.followup.send.assert_awaited_once()
    kwargs = it.followup.send.await_args.kwargs
    assert kwargs["ephemeral"] is True
    assert kwargs["content"] == "この操作は指揮官のみ実行できます。"
    assert_safe_mentions(it.followup.send.await_args_list)


async def test_command_outside_an_incident_is_refused_politely() -> None:
    """Incident commands in an ordinary channel answer privately and reach no core."""
    h = Harness()
    ch = h.add(text_channel(300, "general"))
    it = interaction(ch, COMMANDER)
    cog = RosterCog(h.ctx)
    await cog.roster.callback(cog, it)
    assert h.service.events == []
    kwargs = it.response.send_message.await_args.kwargs
    assert kwargs["ephemeral"] is True
    assert_safe_mentions(it.response.send_message.await_args_list)


async def test_commander_assign_release_and_roster() -> None:
    """Roster commands pass users as core Users; records post publicly, roster privately."""
    h, ch = _incident()
    cog = RosterCog(h.ctx)
    bob = member(2, "bob")
    bob_user = User(id="2", name="bob")

    await cog.commander.callback(cog, interaction(ch, COMMANDER), bob)
    assign_it = interaction(ch, COMMANDER)
    h.service.then(
        RecordAssignment(
            at=T0,
            incident_id="100",
            assignment=Assignment(
                id="a1", user=bob_user, task="roll back", purpose="restore checkout", since=T0
            ),
        )
    )
    await cog.assign.callback(cog, assign_it, bob, "roll back", "restore checkout")
    h.service.then(RecordRelease(at=T0, incident_id="100", user=bob_user))
    await cog.release.callback(cog, interaction(ch, COMMANDER), bob)
    roster_it = interaction(ch, COMMANDER)
    h.service.then(
        Reply(
            at=T0,
            incident_id="100",
            ephemeral=True,
            answer=Answer(at=T0, in_reply_to="x", intent="roster", text="bob: -"),
        )
    )
    await cog.roster.callback(cog, roster_it)

    names = [e.name for e in h.service.events]  # type: ignore[union-attr]
    assert names == ["commander", "assign", "release", "roster"]
    assert h.service.events[0].args == {"user": bob_user}  # type: ignore[union-attr]
    assert h.service.events[1].args == {  # type: ignore[union-attr]
        "user": bob_user,
        "task": "roll back",
        "purpose": "restore checkout",
    }
    contents = [c.kwargs["content"] for c in ch.send.await_args_list]
    assert contents == [
        "📌 Assigned: <@2> — roll back (purpose: restore checkout)",
        "👋 <@2> is released from this incident. Thank you.",
    ]
    roster_call = roster_it.followup.send.await_args
    assert roster_call.kwargs["ephemeral"] is True and roster_call.kwargs["content"] == "bob: -"
    assert_safe_mentions(all_send_calls(ch, roster_it.followup, assign_it.followup))


async def _wait_for(predicate: Any) -> None:
    for _ in range(200):
        if predicate():
            return
        await asyncio.sleep(0)
    raise AssertionError("condition never became true")


def _draft_view(it: Any) -> DraftView:
    for call in it.followup.send.await_args_list:
        view = call.kwargs.get("view")
        if isinstance(view, DraftView):
            return view
    raise AssertionError("no draft shown")


async def test_update_draft_is_shown_privately_then_posted() -> None:
    """/update: the draft is ephemeral with buttons; Post hands it to service.post_draft."""
    h, ch = _incident()
    it = interaction(ch, COMMANDER)
    h.service.then(_update("[Investigating] Checkout errors", draft_for=User(id="1", name="alice")))
    h.service.draft_script = [_update("[Investigating] Checkout errors")]
    cog = UpdatesCog(h.ctx)
    task = asyncio.create_task(cog.update.callback(cog, it, None))
    await _wait_for(lambda: it.followup.send.await_count > 0)
    view = _draft_view(it)
    shown = it.followup.send.await_args.kwargs
    assert shown["ephemeral"] is True and shown["embed"].title.startswith("[Investigating]")
    ch.send.assert_not_awaited()  # nothing public before Post
    assert h.service.outbox[0].delivered  # the draft was shown, not re-shown on restart

    click = interaction(ch, COMMANDER)
    await view.post.callback(click)
    await task

    assert _command(h).name == "update"
    ((incident_id, posted),) = h.service.drafts
    assert incident_id == "100" and posted.headline == "[Investigating] Checkout errors"
    assert ch.send.await_args.kwargs["embed"].title == "[Investigating] Checkout errors"
    assert_safe_mentions(all_send_calls(ch, it.followup, click.response))


async def test_update_draft_edit_keeps_the_phase_prefix() -> None:
    """Edit: the modal's text becomes the update; a headline without prefix gets it back."""
    h, ch = _incident(lang="ja")
    it = interaction(ch, COMMANDER, locale=discord.Locale.japanese)
    h.service.then(_update("【調査中】決済エラー", draft_for=User(id="1", name="alice"), lang="ja"))
    cog = UpdatesCog(h.ctx)
    task = asyncio.create_task(cog.update.callback(cog, it, None))
    await _wait_for(lambda: it.followup.send.await_count > 0)
    view = _draft_view(it)
    edit_it = interaction(ch, COMMANDER)
    await view.show_edit(edit_it, "決済APIを切り戻し中\n影響は一部ユーザー")
    assert edit_it.response.edit_message.await_args.kwargs["embed"].title == (
        "【調査中】 決済APIを切り戻し中"
    )
    await view.post.callback(interaction(ch, COMMANDER))
    await task
    ((_, posted),) = h.service.drafts
    assert posted.headline == "【調査中】 決済APIを切り戻し中"
    assert posted.text == "【調査中】 決済APIを切り戻し中\n影響は一部ユーザー"


async def test_update_draft_discard_posts_nothing() -> None:
    """Discard: nothing reaches the channel or post_draft."""
    h, ch = _incident()
    it = interaction(ch, COMMANDER)
    h.service.then(_update("[Investigating] x", draft_for=User(id="1", name="alice")))
    cog = UpdatesCog(h.ctx)
    task = asyncio.create_task(cog.update.callback(cog, it, None))
    await _wait_for(lambda: it.followup.send.await_count > 0)
    await _draft_view(it).discard.callback(interaction(ch, COMMANDER))
    await task
    assert h.service.drafts == []
    ch.send.assert_not_awaited()


async def test_approved_draft_is_posted_directly_when_the_service_cannot_record_it() -> None:
    """Fallback: a service without post_draft still gets the approved update posted."""
    h, ch = _incident(drafts=False)
    it = interaction(ch, COMMANDER)
    h.service.then(_update("[Investigating] x", draft_for=User(id="1", name="alice")))
    cog = UpdatesCog(h.ctx)
    task = asyncio.create_task(cog.update.callback(cog, it, None))
    await _wait_for(lambda: it.followup.send.await_count > 0)
    await _draft_view(it).post.callback(interaction(ch, COMMANDER))
    await task
    assert ch.send.await_args.kwargs["embed"].title == "[Investigating] x"
    assert_safe_mentions(ch.send.await_args_list)


async def test_ask_in_an_incident_answers_publicly() -> None:
    """/ask in an incident: public defer, Command(ask), the Reply as the follow-up."""
    h, ch = _incident()
    it = interaction(ch, COMMANDER)
    h.service.then(
        Reply(
            at=T0,
            incident_id="100",
            answer=Answer(
                at=T0,
                in_reply_to=str(it.id),
                intent="rollback",
                text="Roll back: the release is safe.",
            ),
        )
    )
    cog = AskCog(h.ctx)
    await cog.ask.callback(cog, it, "should we roll back?")
    it.response.defer.assert_awaited_once_with(thinking=True, ephemeral=False)
    assert _command(h).args == {"question": "should we roll back?"}
    call = it.followup.send.await_args
    assert call.kwargs["content"] == "Roll back: the release is safe."
    assert call.kwargs["ephemeral"] is False
    ch.send.assert_not_awaited()
    assert_safe_mentions(it.followup.send.await_args_list)


async def test_ask_outside_incidents_uses_the_onboarding_answer() -> None:
    """/ask elsewhere goes to service.answer_outside in the question's language."""
    h = Harness()
    ch = h.add(text_channel(300, "general"))
    it = interaction(ch, COMMANDER)
    cog = AskCog(h.ctx)
    await cog.ask.callback(cog, it, "新任の指揮官が最初にやることは？")
    assert h.service.outside[0][0] == "新任の指揮官が最初にやることは？"
    assert h.service.events == []
    assert it.followup.send.await_args.kwargs["content"] == "指揮官の役割は…"
    assert_safe_mentions(it.followup.send.await_args_list)


async def test_declare_opens_a_channel_in_the_category_when_configured() -> None:
    """Categories and no parent channel: each incident gets its own channel there."""
    from discord_fakes import spec

    from assistant.adapters.discord.settings import DiscordSettings

    h = Harness(settings=DiscordSettings(category_ids=[55]))
    here = h.add(text_channel(100, "general"))
    category = spec(discord.CategoryChannel, id=55)
    here.guild.get_channel.return_value = category
    created = h.add(text_channel(602, "inc-1128-0900 db"))
    here.guild.create_text_channel.return_value = created
    it = interaction(here, COMMANDER)
    h.service.then(_update("[Investigating] db"))
    cog = IncidentCog(h.ctx)
    await cog.declare.callback(cog, it, "db", None)
    call = here.guild.create_text_channel.await_args
    assert call.args[0] == "inc-1128-0900 db" and call.kwargs["category"] is category
    here.create_thread.assert_not_awaited()
    assert h.service.ensured[0][0] == "602"
    assert created.send.await_args.kwargs["embed"].title == "[Investigating] db"
