"""Incremental updates: unchanged claims keep their words, only what changed is sent.

The prompt for update N carries the previous update, the state and the chat since update
N-1; a claim the previous update already reworded and that has not changed is not sent
again, so the prompt does not grow with the incident and readers see stable sentences.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from assistant.core.model import ChatMessage, Claim, Fact, StatusUpdate
from assistant.llm.context import chat_lines, state_block
from assistant.llm.drafts import UpdateDraft
from assistant.llm.update_plan import Wording, claim_key, merge_claims, split_claims
from tests.llm.conftest import Wired
from tests.llm.fake_server import FakeOpenAIServer, Reply, rewrite_draft
from tests.llm.incidents import ALICE, BOB, CAROL, T0, make_case


def _draft(claims: list[Claim], reword: str = "Put simply, ") -> UpdateDraft:
    """What a cooperative model returns: each sent claim reworded, citing its shown ids."""
    return UpdateDraft.model_validate(
        {
            "headline": "[Mitigating] x",
            "claims": [
                {
                    "section": c.section,
                    "certainty": c.certainty,
                    "text": reword + c.text,
                    "source_ids": c.source_ids[-3:],
                }
                for c in claims
            ],
        }
    )


def _polished(update: StatusUpdate, claims: list[Claim]) -> StatusUpdate:
    return update.model_copy(update={"claims": claims, "engine": "llm"})


def _next(update: StatusUpdate, claims: list[Claim]) -> StatusUpdate:
    return update.model_copy(update={"claims": claims, "at": update.at + timedelta(minutes=15)})


def test_a_one_for_one_rewording_records_the_claim_it_rewords() -> None:
    """Each reworded claim names (by key) the offline claim it stands for."""
    update = make_case("en").update
    split = split_claims(update, 1000)
    assert split.sent == update.claims and not split.carried
    merged = merge_claims(_draft(split.sent), split, deleted=set())
    assert [c.basis for c in merged] == [claim_key(c) for c in update.claims]
    assert all(c.text.startswith("Put simply, ") for c in merged)


def test_unchanged_claims_are_carried_and_changed_ones_sent() -> None:
    """A claim with the same section, certainty and words keeps its wording and takes its
    new sources; an edited one (new words, same message) is sent again; order is kept."""
    update = make_case("en").update
    split = split_claims(update, 1000)
    previous = _polished(update, merge_claims(_draft(split.sent), split, deleted=set()))
    impact, suspected, actions = update.claims
    now = [
        impact.model_copy(update={"source_ids": ["m1", "m5"]}),  # one more report
        suspected.model_copy(update={"text": "Release v2.14.3 is probably the cause."}),
        actions,
    ]
    split2 = split_claims(_next(update, now), 1000, previous=previous)
    assert split2.sent == [now[1]]
    assert [c.text for c in split2.carried] == [previous.claims[0].text, previous.claims[2].text]
    assert split2.carried[0].source_ids == ["m1", "m5"]
    assert "2 claims are unchanged since the previous update" in split2.draft_block(update)
    assert now[0].text not in split2.draft_block(update)
    merged = merge_claims(_draft(split2.sent, "Now: "), split2, deleted=set())
    assert [c.section for c in merged] == ["impact", "suspected", "actions"]
    assert merged[1].text == "Now: Release v2.14.3 is probably the cause."
    assert merged[1].basis == claim_key(now[1])


def test_a_rewording_of_a_carried_claim_is_not_added_twice() -> None:
    """The model was not shown carried claims; one it writes from their sources is dropped,
    while one from new chat is kept."""
    update = make_case("en").update
    split = split_claims(update, 1000)
    previous = _polished(update, merge_claims(_draft(split.sent), split, deleted=set()))
    impact, suspected, actions = update.claims
    changed = suspected.model_copy(update={"text": "Release v2.14.3 is probably the cause."})
    split2 = split_claims(_next(update, [impact, changed, actions]), 1000, previous=previous)
    draft = _draft(split2.sent)
    extra = [
        {"section": "impact", "certainty": "confirmed", "text": "30% fail", "source_ids": ["m1"]},
        {"section": "confirmed", "certainty": "confirmed", "text": "new", "source_ids": ["m5"]},
    ]
    draft = UpdateDraft.model_validate(
        {"headline": draft.headline, "claims": [*draft.model_dump()["claims"], *extra]}
    )
    merged = merge_claims(draft, split2, deleted=set())
    assert [c.text for c in merged][-1] == "new"
    assert "30% fail" not in [c.text for c in merged]
    assert len(merged) == 4


def test_a_change_of_certainty_is_a_new_claim() -> None:
    """Suspected → confirmed must be reworded again (the mark and the words change)."""
    update = make_case("en").update
    split = split_claims(update, 1000)
    previous = _polished(update, merge_claims(_draft(split.sent), split, deleted=set()))
    confirmed = update.claims[1].model_copy(update={"certainty": "confirmed"})
    split2 = split_claims(_next(update, [update.claims[0], confirmed]), 1000, previous=previous)
    assert split2.sent == [confirmed]


def test_other_readers_or_language_lend_no_wording() -> None:
    """A stakeholder update does not reuse responder wording, nor ja reuse en."""
    update = make_case("en").update
    split = split_claims(update, 1000)
    previous = _polished(update, merge_claims(_draft(split.sent), split, deleted=set()))
    for change in ({"audience": "stakeholders"}, {"lang": "ja"}):
        other = update.model_copy(update=change)
        assert split_claims(other, 1000, previous=previous).carried == []


def test_a_merged_claim_records_no_basis() -> None:
    """Two claims merged into one cannot be carried for either: both are sent next time."""
    update = make_case("en").update
    split = split_claims(update, 1000)
    draft = UpdateDraft.model_validate(
        {
            "headline": "[Mitigating] x",
            "claims": [
                {
                    "section": "impact",
                    "certainty": "confirmed",
                    "text": "500s on checkout, maybe from v2.14.3",
                    "source_ids": ["m1", "m2"],
                },
                {
                    "section": "actions",
                    "certainty": "confirmed",
                    "text": "bob rolls back",
                    "source_ids": ["m4"],
                },
            ],
        }
    )
    merged = merge_claims(draft, split, deleted=set())
    assert merged[0].basis is None and merged[0].source_ids == ["m1", "m2"]
    assert merged[1].basis == claim_key(update.claims[2])
    previous = _polished(update, merged)
    assert (
        split_claims(_next(update, update.claims), 1000, previous=previous).sent
        == (update.claims[:2])
    )


def test_claims_sharing_a_message_are_told_apart_by_section() -> None:
    """One message both assigns a task and reports a finding: each rewording finds its own."""
    update = make_case("en").update
    task = Claim(section="actions", text="carol: CDN logs", source_ids=["m9"])
    finding = Claim(section="confirmed", text="edge errors match the CDN logs", source_ids=["m9"])
    update = update.model_copy(update={"claims": [task, finding]})
    split = split_claims(update, 1000)
    merged = merge_claims(_draft(list(reversed(split.sent))), split, deleted=set())
    assert {c.section: c.basis for c in merged} == {
        "actions": claim_key(task),
        "confirmed": claim_key(finding),
    }


def test_wording_remembers_a_claim_that_comes_back() -> None:
    """A claim absent from the previous update but reworded earlier keeps that wording."""
    update = make_case("en").update
    split = split_claims(update, 1000)
    first = _polished(update, merge_claims(_draft(split.sent), split, deleted=set()))
    wording = Wording()
    wording.remember("inc-1", first)
    without = _polished(update, first.claims[:1])  # the next update dropped two claims
    back = split_claims(
        _next(update, update.claims),
        1000,
        previous=without,
        remembered=wording.recall("inc-1", update),
    )
    assert back.sent == [] and len(back.carried) == 3
    assert wording.recall("inc-2", update) == {}
    assert wording.recall("inc-1", update.model_copy(update={"lang": "ja"})) == {}


def test_wording_is_bounded() -> None:
    """The memory keeps the newest claims per stream and the newest streams."""
    update = make_case("en").update
    claims = [
        Claim(section="confirmed", text=f"finding {i}", source_ids=[f"m{i}"], basis=f"k{i}")
        for i in range(10)
    ]
    wording = Wording(per_stream=4, streams=2)
    for inc in ("a", "b", "c"):
        wording.remember(inc, _polished(update, claims))
    assert wording.recall("a", update) == {}
    assert sorted(wording.recall("c", update)) == ["k6", "k7", "k8", "k9"]


def test_the_same_words_from_several_people_are_one_chat_line() -> None:
    """A chorus of identical reports is shown once, with its authors, count and ids."""
    at = T0 + timedelta(minutes=20)
    msgs = [
        ChatMessage(id="m10", author=ALICE, at=at, content="checkout times out"),
        ChatMessage(id="m11", author=BOB, at=at, content="looking at the deploy"),
        ChatMessage(id="m12", author=CAROL, at=at, content="Checkout  times out"),
        ChatMessage(id="m13", author=BOB, at=at, content="checkout times out"),
    ]
    lines = chat_lines(msgs)
    assert [ids for _, ids in lines] == [["m11"], ["m10", "m12", "m13"]]
    chorus = lines[1][0]
    assert "alice, carol, bob (3 messages): checkout times out" in chorus
    assert chorus.startswith("[m10, m12, m13]")
    short = [
        ChatMessage(id="m20", author=ALICE, at=at, content="is the rollback done?"),
        ChatMessage(id="m21", author=BOB, at=at, content="yes"),
        ChatMessage(id="m22", author=ALICE, at=at, content="should we page the DB team?"),
        ChatMessage(id="m23", author=BOB, at=at, content="yes"),
    ]
    assert [ids for _, ids in chat_lines(short)] == [["m20"], ["m21"], ["m22"], ["m23"]]


def test_the_state_lists_each_fact_once_without_ids() -> None:
    """Background facts are not citable: no ids, and a repeated fact appears once."""
    case = make_case("en")
    case.state.facts.append(
        Fact(kind="impact", text=case.state.facts[0].text, source_ids=["m5"], at=T0)
    )
    block = state_block(case.state)
    assert block.count(case.state.facts[0].text) == 1
    assert "sources" not in block and "m1" not in block


async def test_the_second_prompt_sends_only_what_changed(
    server: FakeOpenAIServer, wire: Callable[..., Wired]
) -> None:
    """End to end with the real client: the second update's prompt leaves out the claims
    the first one already reworded, and the result keeps their words with new sources."""
    case = make_case("en")

    def reword(request: dict[str, Any]) -> Reply:
        return rewrite_draft(request, reword="Put simply, ")

    server.responder = reword
    w = wire()
    first = await w.engine.polish_update(case.state, case.update, previous=None, since=case.since)
    assert first.engine == "llm"
    assert all(c.text.startswith("Put simply, ") for c in first.claims)
    impact, suspected, actions = case.update.claims
    changed = suspected.model_copy(update={"text": "Release v2.14.3 is probably the cause."})
    later = _next(
        case.update,
        [impact.model_copy(update={"source_ids": ["m1", "m5"]}), changed, actions],
    )
    second = await w.engine.polish_update(case.state, later, previous=first, since=[])
    prompt = str(server.requests[-1]["messages"][1]["content"])
    draft = prompt.split("<draft>", 1)[1].split("</draft>", 1)[0]
    assert changed.text in draft
    assert impact.text not in draft and actions.text not in draft
    assert "2 claims are unchanged since the previous update" in draft
    assert second.engine == "llm"
    assert [c.text for c in second.claims] == [
        first.claims[0].text,
        "Put simply, " + changed.text,
        first.claims[2].text,
    ]
    assert second.claims[0].source_ids == ["m1", "m5"]
    assert "[#m1 #m5]" in second.text, second.text


async def test_a_draft_lends_no_wording_until_it_is_posted(
    server: FakeOpenAIServer, wire: Callable[..., Wired]
) -> None:
    """/update drafts are polished with remember=False: a discarded draft's words never
    come back in a later update."""

    def reword(request: dict[str, Any]) -> Reply:
        return rewrite_draft(request, reword="Draft words: ")

    server.responder = reword
    w = wire()
    case = make_case("en")
    draft = await w.engine.polish_update(
        case.state, case.update, previous=None, since=case.since, remember=False
    )
    assert draft.engine == "llm"
    later = _next(case.update, case.update.claims)
    split = split_claims(later, 1000, remembered=w.engine.wording.recall("inc-1", later))
    assert split.carried == [] and split.sent == later.claims
