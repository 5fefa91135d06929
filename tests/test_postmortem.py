"""Postmortem drafts of the bundled samples and some eval scenarios, in ja and en.

Each export is replayed through the real service (as ``incident-assistant postmortem``
does), then drafted. The checks: every section is there, the time of each phase is the
time of its phase event, every cited message exists, and the front matter is the knowledge
base's postmortem format, so ``kb ingest`` takes the file and a search finds it.
"""

from __future__ import annotations

import asyncio
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from assistant.adapters.export_dce import load_export
from assistant.adapters.knowledge_docs import read_markdown
from assistant.app import build_app
from assistant.core.model import IncidentState, Lang, Phase
from assistant.core.postmortem_model import ACTION_KINDS, clock, span_between
from assistant.core.postmortem_texts import ACTION_KINDS as KIND_NAMES
from assistant.core.postmortem_texts import HEADINGS, MILESTONES, W
from assistant.replay import ReplayOptions, replay
from assistant.service import PostmortemDraft
from assistant.settings import Settings

REPO = Path(__file__).resolve().parents[1]
EXPORTS = {
    "ja-release-rollback": REPO / "samples/ja-release-rollback/export.json",
    "en-no-change-redeploy": REPO / "samples/en-no-change-redeploy/export.json",
    "en-flag-disable": REPO / "samples/en-flag-disable/export.json",
    "tl-dfds-ingress-rollback": REPO / "evals/tl-dfds-ingress-rollback/export.json",
    "tl-2i2c-revert-did-not-help": REPO / "evals/tl-2i2c-revert-did-not-help/export.json",
    "tl-moj-waf-rollback-ja": REPO / "evals/tl-moj-waf-rollback-ja/export.json",
    "ja-onboarding": REPO / "evals/ja-onboarding/export.json",  # no incident to speak of
}
SECTIONS = ("summary", "impact", "timeline", "times", "decisions", "advice", "done", "roster",
            "actions")  # fmt: skip
_REF = re.compile(r"\[#([^\]\s]+)\]")


@dataclass
class Drafted:
    state: IncidentState
    drafts: dict[Lang, PostmortemDraft]


async def _draft(path: Path) -> Drafted:
    export = load_export(path)
    app = build_app(Settings.load(_env_file=None), state_path=Path(":memory:"), use_knowledge=False)
    try:
        await replay(app.service, export, ReplayOptions(export=path), io.StringIO())
        drafts = {}
        for lang in ("ja", "en"):
            d = await app.service.postmortem(export.incident_id, lang=lang)  # type: ignore[arg-type]
            assert d is not None
            drafts[lang] = d
        state = app.service.state(export.incident_id)
        assert state is not None
        return Drafted(state, drafts)  # type: ignore[arg-type]
    finally:
        app.close()


@pytest.fixture(scope="module")
def drafted() -> dict[str, Drafted]:
    return {name: asyncio.run(_draft(path)) for name, path in EXPORTS.items()}


CASES = [(name, lang) for name in EXPORTS for lang in ("ja", "en")]


def _front(markdown: str) -> dict[str, object]:
    assert markdown.startswith("---\n")
    data = yaml.safe_load(markdown.split("---\n", 2)[1])
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_every_section_is_there(drafted: dict[str, Drafted], name: str, lang: Lang) -> None:
    """All sections in the draft's language; each of the five action kinds has candidates
    or says none were found."""
    d = drafted[name].drafts[lang]
    md = d.markdown
    for key in SECTIONS:
        assert re.search(rf"^#{{2,3}} {re.escape(HEADINGS[key][lang])}$", md, re.M), key
    actions = md.split(f"## {HEADINGS['actions'][lang]}", 1)[1]
    for i, kind in enumerate(ACTION_KINDS, 1):
        block = actions.split(f"### {i}. {KIND_NAMES[kind][lang]}\n", 1)[1].split("\n### ", 1)[0]
        bullets = [b for b in block.splitlines() if b.startswith("- ")]
        found = d.postmortem.candidates(kind)
        if found:
            assert len(bullets) == len(found)
        else:
            assert bullets == [f"- {W['none'][lang]}"]
    assert d.postmortem.summary and d.postmortem.lang == lang
    assert d.postmortem.engine == "offline"


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_phase_times_are_the_phase_events(
    drafted: dict[str, Drafted], name: str, lang: Lang
) -> None:
    """Each phase's time is its first phase event (resolved: the final one); the table
    shows those times and the spans between them as the clock times read."""
    state = drafted[name].state
    d = drafted[name].drafts[lang]
    marks = {m.key: m for m in d.postmortem.milestones}
    for phase in (Phase.IDENTIFIED, Phase.MITIGATING, Phase.MONITORING, Phase.RESOLVED):
        changes = [c for c in state.phase_history if c.phase is phase]
        if phase is Phase.RESOLVED and state.phase is not Phase.RESOLVED:
            changes = []
        expected = (changes[-1] if phase is Phase.RESOLVED else changes[0]).at if changes else None
        assert marks[phase.value].at == expected, phase
    assert marks["declared"].at == state.declared_at
    detected = marks["detected"].at
    assert detected is not None and detected <= (state.declared_at or detected)
    table = d.markdown.split(f"## {HEADINGS['times'][lang]}", 1)[1].split("\n## ", 1)[0]
    for m in d.postmortem.milestones:
        row = next(r for r in table.splitlines() if r.startswith(f"| {MILESTONES[m.key][lang]} |"))
        if m.at is None:
            assert W["not_reached"][lang] in row
        else:
            cells = [c.strip() for c in row.strip("|").split("|")]
            assert cells[1] == clock(m.at)
            assert cells[2] == span_between(detected, m.at, lang)


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_every_source_exists(drafted: dict[str, Drafted], name: str, lang: Lang) -> None:
    """Every message the draft cites is a live message of the incident, and its link is
    that message's Discord jump link."""
    state = drafted[name].state
    d = drafted[name].drafts[lang]
    live = {m.id for m in state.live_messages()}
    cited = d.postmortem.cited()
    assert set(cited) <= live
    shown = set(_REF.findall(d.markdown))
    assert shown <= live
    assert shown or name == "ja-onboarding"  # that chat states nothing to cite
    assert set(d.postmortem.links) <= set(cited)
    for msg_id, link in d.postmortem.links.items():
        assert link.endswith(f"/{state.channel_id}/{msg_id}"), link
    for msg_id in shown:
        assert f"[#{msg_id}]({d.postmortem.links[msg_id]})" in d.markdown


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_front_matter_is_the_knowledge_base_format(
    drafted: dict[str, Drafted], name: str, lang: Lang, tmp_path: Path
) -> None:
    """The file reads as a knowledge-base postmortem, with the incident's rollback story."""
    d = drafted[name].drafts[lang]
    front = _front(d.markdown)
    for key in ("title", "date", "services", "severity", "cause", "rollback"):
        assert key in front, key
    path = tmp_path / "postmortems" / d.filename
    path.parent.mkdir()
    path.write_text(d.markdown, encoding="utf-8")
    doc = read_markdown(path)
    pm = d.postmortem
    assert doc.kind == "postmortem" and doc.title == pm.title
    assert doc.meta["lang"] == lang and doc.meta["date"] == pm.date
    assert doc.meta["rollback_attempted"] is pm.rollback_attempted
    assert doc.meta.get("rollback_outcome") == pm.rollback_outcome


def test_rollback_stories_of_the_record(drafted: dict[str, Drafted]) -> None:
    """What the rollback did is read from the record: it helped after the release; after
    the 2i2c revert the problem stayed; the redeploy and flag incidents rolled nothing back."""
    pms = {n: d.drafts["en"].postmortem for n, d in drafted.items()}
    outcome = {n: (pm.rollback_attempted, pm.rollback_outcome) for n, pm in pms.items()}
    assert outcome["ja-release-rollback"] == (True, "helped")
    assert outcome["tl-dfds-ingress-rollback"] == (True, "helped")
    assert outcome["tl-2i2c-revert-did-not-help"] == (True, "did_not_help")
    assert outcome["en-no-change-redeploy"] == (False, "not_attempted")
    assert outcome["en-flag-disable"] == (False, "not_attempted")


def test_the_ja_sample_reads_like_its_story(drafted: dict[str, Drafted]) -> None:
    """The ja sample's draft: the onset stated in chat (13:52) before the first report,
    the release before the symptoms, the roster with purposes, the advice given."""
    pm = drafted["ja-release-rollback"].drafts["ja"].postmortem
    md = drafted["ja-release-rollback"].drafts["ja"].markdown
    onset = next(m for m in pm.milestones if m.key == "onset")
    assert clock(onset.at) == "13:52 JST"
    assert any("13:52 JST" in c.text for c in pm.candidates("detect"))
    assert pm.services == ["payment-api"] and pm.severity == "SEV2"
    assert "v2.14.0" in pm.summary and "ロールバック" in pm.summary
    assert [a.recommendation for a in pm.advice] == ["hold", "rollback"]
    assert "エラー原因の切り分け" in md and pm.commander == "田中"
    assert pm.candidates("permanent_fix") and pm.candidates("recover")


def test_a_chat_without_an_incident_says_what_is_missing(drafted: dict[str, Drafted]) -> None:
    """An onboarding chat has no impact and no actions: the draft says so instead of
    making something up, and the open phase is noted."""
    d = drafted["ja-onboarding"].drafts["en"]
    assert W["none_impact"]["en"] in d.markdown
    assert d.postmortem.phase is not Phase.RESOLVED
    assert "still open" in d.markdown
    assert not d.postmortem.candidates("permanent_fix")
    assert d.markdown.count(f"- {W['none']['en']}") >= 3


def test_ingest_and_search_find_the_drafts(drafted: dict[str, Drafted], tmp_path: Path) -> None:
    """kb ingest takes the drafts as they are; searching an incident's title finds it."""
    from assistant.adapters.knowledge_chroma import ChromaKnowledge, KnowledgeSettings

    folder = tmp_path / "kb" / "postmortems"
    folder.mkdir(parents=True)
    for name, d in drafted.items():
        for lang, draft in d.drafts.items():
            (folder / f"{name}-{lang}.md").write_text(draft.markdown, encoding="utf-8")
    with ChromaKnowledge(KnowledgeSettings(store_dir=str(tmp_path / "store"))) as kb:
        report = kb.ingest([tmp_path / "kb"])
        assert report.ok, report.errors
        assert len(report.added) == 2 * len(drafted)
        for name in ("ja-release-rollback", "tl-dfds-ingress-rollback", "en-flag-disable"):
            title = drafted[name].drafts["en"].postmortem.title
            hits = kb.search(title, kind="postmortem", k=3)
            assert hits[0].doc_id in (f"postmortems/{name}-ja", f"postmortems/{name}-en")
            assert (
                hits[0].rollback_attempted
                is drafted[name].drafts["en"].postmortem.rollback_attempted
            )


def test_the_next_incident_cites_the_draft(drafted: dict[str, Drafted], tmp_path: Path) -> None:
    """Closing the loop: with the ja sample's draft in the knowledge base, the next similar
    incident's rollback answer cites it with what its rollback did."""
    folder = tmp_path / "kb" / "postmortems"
    folder.mkdir(parents=True)
    (folder / "payment-api-signblob.md").write_text(
        drafted["ja-release-rollback"].drafts["ja"].markdown, encoding="utf-8"
    )
    export_path = REPO / "evals/en-iam-rollback/export.json"
    settings = Settings.load(_env_file=None, chroma_path=tmp_path / "chroma")
    app = build_app(settings, state_path=Path(":memory:"), knowledge_dirs=[tmp_path / "kb"])
    out = io.StringIO()
    try:
        asyncio.run(replay(app.service, load_export(export_path), ReplayOptions(
            export=export_path, fmt="jsonl"), out))  # fmt: skip
    finally:
        app.close()
    answers = [line for line in out.getvalue().splitlines() if '"type": "answer"' in line]
    cited = [line for line in answers if "postmortems/payment-api-signblob" in line]
    assert cited, answers
    assert "helped" in cited[0] or "切り戻し→改善" in cited[0] or "rolled back" in cited[0]


def test_the_readme_excerpt_is_a_real_draft(drafted: dict[str, Drafted]) -> None:
    """Every line of the README's excerpt is a line of the ja sample's draft (links cut)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("An excerpt of the draft of the bundled Japanese sample", 1)[1]
    excerpt = block.split("```markdown\n", 1)[1].split("```", 1)[0]
    draft = re.sub(
        r"\]\(https://[^)]+\)", "]", drafted["ja-release-rollback"].drafts["ja"].markdown
    )
    lines = set(draft.splitlines())
    missing = [line for line in excerpt.splitlines() if line.strip() and line not in lines]
    assert missing == []
