"""Long offline updates: which claims are rewritten, and how sources come back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from assistant.core.model import Claim
from assistant.core.prompt_budget import estimate_tokens
from assistant.llm.context import previous_block, sources_text, state_block
from assistant.llm.drafts import UpdateDraft
from assistant.llm.render import render_update
from assistant.llm.update_plan import merge_claims, split_claims
from tests.llm.conftest import Wired
from tests.llm.fake_server import FakeOpenAIServer, ok
from tests.llm.incidents import make_case


def _many_claims(n: int, sources_each: int = 1) -> list[Claim]:
    return [
        Claim(
            section="confirmed",
            text=f"observation number {i} about the checkout errors",
            source_ids=[f"m{i}-{j}" for j in range(sources_each)],
        )
        for i in range(n)
    ]


def test_sources_show_the_newest_few_and_count_the_rest() -> None:
    """A claim with 40 sources shows its 3 newest ids and says how many more."""
    ids = [f"m{i}" for i in range(40)]
    assert sources_text(ids) == "[sources: m37, m38, m39 (+37 more)]"
    assert sources_text(["m1"]) == "[sources: m1]"


def test_only_the_leading_claims_that_fit_are_sent() -> None:
    """Claims beyond the draft budget are kept verbatim, and so is every later claim."""
    update = make_case("en").update.model_copy(update={"claims": _many_claims(50)})
    split = split_claims(update, budget=200)
    assert 0 < len(split.sent) < 50
    assert split.sent == update.claims[: len(split.sent)]
    assert split.kept == update.claims[len(split.sent) :]
    assert estimate_tokens(split.draft_block(update)) <= 200 + 30
    assert "more claims are kept as they are" in split.draft_block(update)


def test_claims_without_sources_are_never_sent() -> None:
    """A sourceless claim (e.g. a roster line) cannot be vouched for: kept as written."""
    update = make_case("en").update
    bare = Claim(section="actions", text="carol: watching the dashboards", source_ids=[])
    update = update.model_copy(update={"claims": [bare, *update.claims]})
    split = split_claims(update, budget=1000)
    assert bare in split.kept and bare not in split.sent


def test_a_rewritten_claim_gets_all_sources_of_the_claim_it_cites() -> None:
    """Citing one shown id of a 40-source claim restores all 40 (minus deleted ones)."""
    update = make_case("en").update.model_copy(update={"claims": _many_claims(2, 40)})
    split = split_claims(update, budget=1000)
    draft = UpdateDraft.model_validate(
        {
            "headline": "[Mitigating] x",
            "claims": [
                {
                    "section": "confirmed",
                    "certainty": "confirmed",
                    "text": "  reworded   claim ",
                    "source_ids": ["m0-39"],
                },
                {
                    "section": "confirmed",
                    "certainty": "confirmed",
                    "text": "second",
                    "source_ids": ["m1-39"],
                },
            ],
        }
    )
    merged = merge_claims(draft, split, deleted={"m0-5"})
    assert merged[0].text == "reworded claim"
    assert merged[0].source_ids[0] == "m0-39"
    assert len(merged[0].source_ids) == 39 and "m0-5" not in merged[0].source_ids


def test_the_previous_update_is_sent_only_where_it_differs() -> None:
    """Claims the draft still carries are not repeated; ended ones are shown."""
    case = make_case("en")
    block = previous_block(case.previous, [c.text for c in case.update.claims])
    assert case.previous.headline in block
    assert "1 claims unchanged" in block
    gone = case.previous.model_copy(
        update={"claims": [Claim(section="impact", text="EU only", source_ids=["m1"])]}
    )
    assert "EU only" in previous_block(gone, [c.text for c in case.update.claims])


def test_the_state_leaves_out_what_the_draft_already_cites() -> None:
    """Facts whose sources the draft cites are not repeated in the state block."""
    case = make_case("en")
    full = state_block(case.state)
    slim = state_block(case.state, covered={"m1", "m2", "m4"})
    assert "30%" in full and "30%" not in slim
    assert "phase: mitigating" in slim


def test_the_polished_text_keeps_the_offline_layout_in_both_languages() -> None:
    """Section headings, certainty marks and source references, ja and en."""
    for lang, heading, mark in (("ja", "■ 影響", "（確定）"), ("en", "■ Impact", " (confirmed)")):
        update = make_case(lang).update.model_copy(
            update={"next_update_at": make_case(lang).update.at + timedelta(minutes=15)}
        )
        text = render_update(update)
        assert text.startswith(update.headline)
        assert heading in text and mark in text and "[#m1]" in text
        assert "10:21 UTC" in text


async def test_a_long_update_polishes_the_head_and_keeps_the_tail(
    server: FakeOpenAIServer, wire: Callable[..., Wired]
) -> None:
    """End to end: 60 claims, a small budget; the model rewrites the sent ones only."""
    case = make_case("en")
    update = case.update.model_copy(update={"claims": _many_claims(60)})
    w = wire(token_budget=1500)
    split = split_claims(update, int(1500 * 0.25))
    server.enqueue(
        ok(
            {
                "headline": "[Mitigating] Rolling back; errors easing.",
                "claims": [
                    {
                        "section": c.section,
                        "certainty": c.certainty,
                        "text": "new " + c.text,
                        "source_ids": c.source_ids,
                    }
                    for c in split.sent
                ],
            }
        )
    )
    result = await w.engine.polish_update(
        case.state, update, previous=case.previous, since=case.since
    )
    assert result.engine == "llm"
    assert len(result.claims) == 60
    assert result.claims[0].text.startswith("new ")
    assert result.claims[-1] == update.claims[-1]
