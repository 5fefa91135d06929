"""Reading the claims a message makes, for the status updates: impact, symptom, cause, change,
action, recovery, decision, escalation and user communication, each confirmed or suspected.

Each fact is one sentence in the writer's own words, traceable to its span. The first fact
kind (in the lexicon's order) that the sentence matches decides; kinds that say something
*happened* (an action, a recovery, a decision, a user communication) need a sentence that
asserts it — not a question, a negation, a request, a plan or a condition. A "let's …" is a
decision only from the commander. The writer's hedges make a fact suspected. Questions,
requests, purposes, task take-overs and lead-ins ("here's what I found:") claim nothing.
"""

from __future__ import annotations

import re

from assistant.core.reading import lexicon
from assistant.core.reading.analysis import Analysis, Match, Sentence
from assistant.core.reading.context import ReadContext
from assistant.core.reading.model import FactSignal, Span
from assistant.core.reading.text import shorten

MAX_FACTS = 3
_MIN_CHARS = 5  # Japanese packs a fact into few characters (「復旧しました」, 「DBが原因？」)
_MIN_ASCII_CHARS = 10  # "reverted." alone says too little to quote
_HAPPENED_ONLY = frozenset({"action", "recovery", "decision", "user_comms"})
_LABEL = re.compile(r"^\s*(?:[【\[［][^】\]］]{1,20}[】\]］]\s*)+")


def _search(lang: str, key: str, text: str) -> bool:
    pattern = lexicon.compiled(lang, key)  # type: ignore[arg-type]
    return bool(pattern and text and pattern.search(text))


def _body(sentence: Sentence) -> tuple[int, str]:
    """The sentence without a leading label or filler ("ok so", 「えっと」), and its offset."""
    text = sentence.text
    start = 0
    m = _LABEL.match(text)
    if m:
        start = m.end()
    filler = lexicon.compiled(sentence.lang, "fillers")
    while filler is not None:
        m = filler.match(text, start)
        if m is None or m.end() == start:
            break
        start = m.end()
    return start, text[start:].strip()


def _claims_nothing(sentence: Sentence, body: str, self_assigned: bool) -> bool:
    lang = sentence.lang
    if sentence.to_bot or self_assigned:
        return True
    # a real question asks; a statement with a question mark is a guess (a suspected fact)
    asking = sentence.question and (
        _search(lang, "question_starts", body) or _search("ja", "question_endings", body)
    )
    return (
        bool(asking)
        or _search(lang, "fact_requests", body)
        or _search(lang, "purpose_statements", body)
        or _search(lang, "lead_ins", body)
    )


def _kind(match: Match, commander: bool) -> bool:
    """Does this kind's match hold in its sentence?"""
    entry, mod = match.entry, match.modality
    kind = str(entry.get("kind"))
    if entry.get("good_news_negation"):
        return not mod.question
    if kind not in _HAPPENED_ONLY:
        return True
    if mod.question or mod.negated or mod.requested or mod.subject:
        return False
    if _search(match.sentence.lang, "sentence_negations", match.sentence.text):
        return False  # 「フラグもなし」: what is said is absent, not done
    suggestion = _search(match.sentence.lang, "suggestions_en", match.sentence.text)
    if kind == "decision":
        return commander or not suggestion
    return not (mod.hypothetical or mod.modal or mod.planned or suggestion)


def read_facts(analysis: Analysis, ctx: ReadContext, self_sentences: set[int]) -> list[FactSignal]:
    """The facts of one message (at most ``MAX_FACTS``), in text order.

    ``self_sentences``: starts of the sentences in which the author takes a task on (the
    roster's business, not a claim)."""
    out: list[FactSignal] = []
    by_sentence: dict[int, list[Match]] = {}
    for match in analysis.matches("facts"):
        by_sentence.setdefault(match.sentence.start, []).append(match)
    for sentence in analysis.sentences:
        offset, body = _body(sentence)
        too_short = len(body) < (_MIN_ASCII_CHARS if body.isascii() else _MIN_CHARS)
        if too_short or _claims_nothing(sentence, body, sentence.start in self_sentences):
            continue
        matches = _ordered(by_sentence.get(sentence.start, []), sentence)
        chosen = next((m for m in matches if _kind(m, ctx.author_is_commander)), None)
        if chosen is None:
            continue
        kind = str(chosen.entry.get("kind"))
        mod = chosen.modality
        if kind in ("decision", "escalation", "user_comms"):
            certainty = "suspected" if mod.question else "confirmed"
        else:
            certainty = "suspected" if (mod.uncertain or mod.question) else "confirmed"
        start = sentence.start + offset
        end = sentence.start + len(sentence.text)
        text = analysis.original[start:end]
        out.append(
            FactSignal(
                kind=kind,
                text=shorten(display(text)),
                certainty=certainty,
                span=Span(start=start, end=end, text=text),
            )
        )
        if len(out) >= MAX_FACTS:
            break
    return out


def _ordered(matches: list[Match], sentence: Sentence) -> list[Match]:
    """Matches in the lexicon's priority order; "since the deploy, X fails" is a symptom
    (the change only dates it)."""
    order = {e.id: i for i, e in enumerate(lexicon.load(sentence.lang).topic("facts"))}
    out = sorted(matches, key=lambda m: order.get(m.entry.id, 99))
    kinds = [str(m.entry.get("kind")) for m in out]
    if "change" in kinds and _search(sentence.lang, "since_change", sentence.text):
        later = [m for m in out if m.entry.get("kind") in ("impact", "symptom")]
        out = later + [m for m in out if m not in later]
    return out


_AT_NAME = re.compile(r"(?<![\w.])@[\w.\-]+(?:\s?(?:さん|くん|様|氏))?[、,:：]?\s*")
_RAW = re.compile(r"<[@#][!&]?\d+>")
_URL = re.compile(r"https?://([^\s/>)]+)(/[^\s>)]*)?")
_MARKS = re.compile(r"\*+|__|~~|\|\||`")


def _trim_url(m: re.Match[str]) -> str:
    short = m.group(1) + (m.group(2) or "")
    return short if len(short) <= 40 else short[:39] + "…"


def display(text: str) -> str:
    """A fact's words as an update quotes them: no mentions, markdown or long links."""
    text = _RAW.sub(" ", text)
    text = _AT_NAME.sub("", text)
    text = _URL.sub(_trim_url, text)
    return _MARKS.sub("", text).strip(" 、,")
