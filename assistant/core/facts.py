"""Fact extraction from chat messages: impact, symptom, cause, change, action, recovery,
decision, escalation and user communication, each confirmed or suspected.

Each fact is one short clause in the writer's own words, traceable to its message. The
writer's hedges ("maybe", "I think", "かも", "可能性", a question mark) make it suspected.
Things that have not happened (plans, conditions, negations, questions) are never recorded
as actions, recoveries or decisions. A "let's …" / 「…しましょう」 counts as a decision only
from the commander: from anyone else it is a suggestion.
"""

from __future__ import annotations

import re

from assistant.core import fact_kinds, fact_text, phase_cues, roster_phrases
from assistant.core.fact_kinds import FactKind
from assistant.core.model import Certainty, ChatMessage, Fact, IncidentState

MAX_FACTS_PER_MESSAGE = 3
_MIN_CHARS = 6  # Japanese packs a fact into few characters ("復旧しました")
_MIN_ASCII_CHARS = 10  # "reverted." alone says too little to quote
_LEADING_LABEL = re.compile(r"^\s*(?:[【\[［][^】\]］]{1,20}[】\]］]\s*)+")
_FILLER = re.compile(
    r"^(?:(?:ok(?:ay)?|so|well|and|but|yeah|yes|right|hmm+|ah+|oh)\b[\s,.!]*)+"
    r"|^(?:あー+|えっと|えー+|うーん|なるほど|ちなみに|はい)[、,\s]*",
    re.I,
)
_SUGGESTION = re.compile(r"\blet's\b|しましょう|しよう", re.I)
# "ロールバック安全性の確認結果です", "here's what I found:": a lead-in to what follows
_LEAD_IN = re.compile(
    r"(?:結果|内容|状況|一覧|まとめ)(?:です|を共有します|は以下(?:です|の通り))[。:：]?$"
    r"|以下(?:です|の通り)[。:：]?$"
    r"|^here(?:'s| is| are) (?:what|the (?:results?|summary|findings))\b[^:]*:$"
    r"|^[^.]*\b(?:results?|summary|findings):$",
    re.I,
)
_HAPPENED_ONLY: frozenset[FactKind] = frozenset({"action", "recovery", "decision", "user_comms"})
# "since the deploy, X throws 5xx" reports a symptom; the change is only its time reference
_SINCE_CHANGE = re.compile(
    r"\b(?:since|after|following)\b.{0,20}?\b(?:deploy|release|rollout|migration|upgrade)"
    r"|(?:デプロイ|リリース|マージ|マイグレーション|アップデート|変更)(?:の)?(?:後|以降|直後|から)",
    re.I,
)


_SELF_HINT = re.compile(
    r"私|わたし|自分|僕|ぼく|俺|おれ|こちら|うち|担当します|引き受けます|巻き取ります|やります|持ちます"
)
_ALSO_HERE = re.compile(
    r"(?:私|わたし|自分|僕|ぼく|俺|おれ|こちら|うち)(?:で|に|の方で|のほうで)?も"
)


def _takes_on_a_task(sentence: str) -> bool:
    """ "ログは私が確認します": someone taking a task on, the roster's business, not a fact.

    English "I'll …" is already a plan (``fact_text.is_hypothetical``); the Japanese
    volitional "〜します" looks like a plain statement, so the roster's phrases decide.
    """
    if sentence.isascii() or not _SELF_HINT.search(sentence):
        return False  # cheap test first: this runs on every sentence
    if _ALSO_HERE.search(sentence):
        return False  # "こちらでも同じエラーが発生します": a report from another place
    return any(p.search(sentence) for p in roster_phrases.SELF_JA)


def _is_commander(state: IncidentState, msg: ChatMessage) -> bool:
    return state.commander is not None and state.commander.id == msg.author.id


def _pick_kind(state: IncidentState, msg: ChatMessage, sentence: str) -> FactKind | None:
    question = fact_text.is_question(sentence)
    kinds = fact_kinds.kinds_of(sentence)
    if "change" in kinds and _SINCE_CHANGE.search(sentence):
        later = [k for k in kinds if k in ("impact", "symptom")]
        if later:
            kinds = [*later, *kinds]
    for kind in kinds:
        if kind == "recovery" and not question and fact_kinds.NO_ERRORS_JA.search(sentence):
            return kind  # its negation is the good news itself
        if kind in _HAPPENED_ONLY:
            if question or fact_text.is_negated(sentence) or fact_text.is_request(sentence):
                continue
            if kind == "decision":
                if _SUGGESTION.search(sentence) and not _is_commander(state, msg):
                    continue
            elif fact_text.is_hypothetical(sentence) or _SUGGESTION.search(sentence):
                continue
        return kind
    return None


def _certainty(kind: FactKind, sentence: str) -> Certainty:
    if kind in ("decision", "escalation", "user_comms"):
        return "suspected" if fact_text.is_question(sentence) else "confirmed"
    return "suspected" if fact_text.is_hedged(sentence) else "confirmed"


def extract(state: IncidentState, msg: ChatMessage) -> list[Fact]:
    """The facts one message states (at most a few), in message order."""
    if state.is_bot(msg.author) or msg.deleted or any(state.is_bot(u) for u in msg.mentions):
        return []  # the bot's posts, and questions to the bot, are not facts
    bot_names = tuple(n for n in (state.config.bot_name,) if n)
    out: list[Fact] = []
    for raw in fact_text.sentences(fact_text.clean(msg)):
        sentence = _FILLER.sub("", _LEADING_LABEL.sub("", raw).strip()).strip()
        too_short = len(sentence) < (_MIN_ASCII_CHARS if sentence.isascii() else _MIN_CHARS)
        if too_short or phase_cues.addressed_to_bot(sentence, bot_names):
            continue
        if (
            fact_text.is_asking(sentence)
            or fact_text.is_request(sentence)
            or fact_text.states_a_purpose(sentence)
            or _takes_on_a_task(sentence)
            or _LEAD_IN.search(sentence)
        ):
            continue  # questions, requests and "I'll do X" claim nothing (the roster reads them)
        kind = _pick_kind(state, msg, sentence)
        if kind is None:
            continue
        out.append(
            Fact(
                kind=kind,
                text=fact_text.shorten(sentence),
                certainty=_certainty(kind, sentence),
                source_ids=[msg.id],
                at=msg.at,
                by=msg.author.id,
            )
        )
        if len(out) >= MAX_FACTS_PER_MESSAGE:
            break
    return out
