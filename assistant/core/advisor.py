"""The "should we roll back?" advisor.

Reads the incident so far (human messages only: the bot's own words and chat instructions
to the bot are never evidence of anything but what they state), answers the risk checklist
from it, picks a recommendation with the rule table in ``advisor_rules``, looks up similar
past incidents, and writes the answer. The commander decides; the answer says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from assistant.core.advisor_cues import Evidence, Signal, Tri, scan
from assistant.core.advisor_render import (
    ASKS,
    NOTES,
    QUESTIONS,
    REASONS,
    RULE_ASKS,
    inert,
    render,
)
from assistant.core.advisor_rules import Assessment, Rule, assess, change_facts, decide
from assistant.core.lang import detect_one
from assistant.core.model import (
    Answer,
    ChatMessage,
    ChecklistItem,
    IncidentState,
    KnowledgeHit,
    Lang,
    User,
)
from assistant.core.ports import KnowledgePort

MAX_ASKS = 4
MAX_SIMILAR = 3
CHECKLIST_KEYS = (
    "recent_change",
    "causal_link",
    "data_rollback",
    "procedure_ready",
    "rollback_safe_label",
    "feature_flag",
    "previous_version_ok",
)
# checklist key -> the cue signals whose messages back its answer
_SOURCES: dict[str, tuple[Signal, ...]] = {
    "recent_change": ("change", "after_change"),
    "causal_link": ("causal",),
    "data_rollback": ("migration", "irreversible"),
    "procedure_ready": ("procedure",),
    "rollback_safe_label": ("safe_label",),
    "feature_flag": ("flag",),
    "previous_version_ok": ("previous_ok",),
}


def answer_lang(state: IncidentState, question: str) -> Lang:
    """The incident's fixed language if set, else the question's."""
    if state.config.lang != "auto":
        return state.config.lang
    return detect_one(question)


def advise(
    state: IncidentState,
    question: str,
    in_reply_to: str,
    at: datetime,
    knowledge: KnowledgePort | None,
) -> Answer:
    """Answer "should we roll back?": recommendation, checklist, past incidents, reminder."""
    lang = answer_lang(state, question)
    messages = [m for m in state.live_messages() if not state.is_bot(m.author)]
    if in_reply_to not in state.messages:  # /ask: the question is not a chat message
        asker = User(id="asker", name="asker")
        messages.append(ChatMessage(id=in_reply_to, author=asker, at=at, content=question))
    evidence = scan(messages)
    assessment = assess(evidence, state.facts)
    rule = decide(assessment)
    checklist = build_checklist(assessment, evidence, state, lang)
    hits, kb_status = similar_incidents(knowledge, knowledge_query(evidence, assessment, state))
    text = render(
        lang=lang,
        recommendation=rule.then,
        reason=_reason(rule, lang),
        notes=_notes(rule, assessment, lang),
        checklist=checklist,
        asks=choose_asks(rule, checklist, lang),
        hits=hits,
        kb_status=kb_status,
    )
    source_ids: list[str] = []
    for item in checklist:
        source_ids += [s for s in item.source_ids if s not in source_ids]
    return Answer(
        at=at,
        in_reply_to=in_reply_to,
        intent="rollback",
        text=text,
        recommendation=rule.then,
        checklist=checklist,
        citations=[h.doc_id for h in hits],
        source_ids=source_ids,
    )


# ------------------------------------------------------------------ checklist


def _quote(snippet: str, lang: Lang) -> str:
    if not snippet:
        return ""
    return f"「{inert(snippet)}」" if lang == "ja" else f'"{inert(snippet)}"'


def _sources(evidence: Mapping[Signal, Evidence], key: str, answer: str) -> list[str]:
    out: list[str] = []
    for signal in _SOURCES[key]:
        ev = evidence[signal]
        if ev.value == "unknown":
            continue
        if signal in ("after_change", "irreversible") or ev.value == answer:
            out += [s for s in ev.source_ids if s not in out]
    return out


def build_checklist(
    a: Assessment, evidence: Mapping[Signal, Evidence], state: IncidentState, lang: Lang
) -> list[ChecklistItem]:
    items: list[ChecklistItem] = []
    for key in CHECKLIST_KEYS:
        answer = getattr(a, key)
        sources = _sources(evidence, key, answer)
        main = evidence[_SOURCES[key][0]]
        parts = [_quote(main.snippet, lang)] if answer != "unknown" else []
        if key == "recent_change" and answer == "yes":
            if not sources:  # from the extracted facts
                sources = [s for f in change_facts(state.facts) for s in f.source_ids]
            parts.append(
                NOTES["after_change" if a.after_change == "yes" else "timing_unknown"][lang]
            )
        if key == "causal_link" and answer == "unknown" and a.causal_suspected == "yes":
            parts.append(NOTES["suspected"][lang])
            sources = list(evidence["causal_suspected"].source_ids)
        if key == "data_rollback" and answer == "yes" and a.irreversible != "unknown":
            parts.append(NOTES["irreversible" if a.irreversible == "yes" else "reversible"][lang])
        items.append(
            ChecklistItem(
                key=key,
                question=QUESTIONS[key][lang],
                answer=answer,
                detail=", ".join(p for p in parts if p),
                source_ids=sources,
                ask=ASKS[key][lang] if answer == "unknown" else None,
            )
        )
    return items


def choose_asks(rule: Rule, checklist: list[ChecklistItem], lang: Lang) -> list[str]:
    """The questions that matter for this rule, most important first."""
    asks: list[str] = []
    if rule.name in RULE_ASKS:
        asks.append(RULE_ASKS[rule.name][lang])
    by_key: dict[str, ChecklistItem] = {item.key: item for item in checklist}
    for key in rule.asks:
        ask = by_key[key].ask
        if ask is not None:
            asks.append(ask)
    return asks[:MAX_ASKS]


def _reason(rule: Rule, lang: Lang) -> str:
    return REASONS[rule.name][lang]


def _notes(rule: Rule, a: Assessment, lang: Lang) -> list[str]:
    notes: list[str] = []
    if rule.then in ("rollback", "hold") and a.recent_change == "yes" and a.causal_link != "yes":
        if a.iam_error == "yes":
            notes.append(NOTES["iam"][lang])
        elif rule.then == "rollback":
            notes.append(NOTES["unproven"][lang])
    if rule.then == "redeploy":
        notes.append(NOTES["redeploy_risk"][lang])
    return notes


# ------------------------------------------------------------------ past incidents

# What the past incidents worth citing are about, given the checklist: (assessment field,
# answer, query terms in both languages), most specific first. The terms are the words such
# postmortems use, so a store of hundreds of postmortems ranks the right kind first.
_TOPICS: tuple[tuple[Mapping[str, Tri], str], ...] = (
    (
        {"irreversible": "yes"},
        "schema change migration irreversible data rollback unsafe fix forward "
        "スキーマ変更 マイグレーション 不可逆 データ 切り戻し 前方修正",
    ),
    (
        {"data_rollback": "yes"},
        "schema change migration data rollback backward compatible "
        "スキーマ変更 マイグレーション データ 切り戻し 後方互換",
    ),
    (
        {"feature_flag": "yes"},
        "feature flag disabled instead of rollback フィーチャーフラグ 無効化 切り戻さず",
    ),
    (
        {"previous_version_ok": "no"},
        "previous version also broken rollback did not help 前のバージョンも壊れていた",
    ),
    (
        {"rollback_no_effect": "yes"},
        "rollback did not help revert no effect 切り戻し 改善せず 効果なし",
    ),
    (
        {"rollback_safe_label": "no"},
        "rollback made worse unsafe restart cold cache thundering herd 切り戻し 悪化 再起動 危険",
    ),
    (
        {"procedure_ready": "no"},
        "rollback procedure failed previous image missing 切り戻し手順 前のイメージ 失敗",
    ),
    (
        {"iam_error": "yes"},
        "IAM permission denied AccessDenied after release rollback 権限エラー リリース 切り戻し",
    ),
    (
        {"recent_change": "no", "nothing_found": "yes"},
        "no recent change unexplained degradation redeploy restart 変更なし 原因不明 再デプロイ",
    ),
    (
        {"recent_change": "no"},
        "no recent change capacity saturation load rollback no effect 変更なし 容量 負荷",
    ),
)
MAX_TOPICS = 2
_RELEASE_TERMS = (  # a release and nothing more specific
    "bad release rollback helped after deploy リリース 切り戻し ロールバック"
)
_QUERY_SIGNALS: tuple[Signal, ...] = ("iam", "symptom", "change", "migration")


def knowledge_query(
    evidence: Mapping[Signal, Evidence], a: Assessment, state: IncidentState
) -> str:
    """A search query for similar past incidents.

    When the checklist points at a kind of incident (a migration, a flag, no change...), the
    query is that kind's vocabulary in both languages: the incident's own words (its title,
    the symptom) match unrelated postmortems that share a service name or a language. Only
    without any such signal does the query fall back to the incident's title and symptoms.
    """
    terms = [t for when, t in _TOPICS if all(getattr(a, k) == v for k, v in when.items())][
        :MAX_TOPICS
    ]
    if not terms and a.recent_change == "yes":
        terms.append(_RELEASE_TERMS)
    if terms:
        return " ".join(terms)[:400]
    for signal in _QUERY_SIGNALS:
        snippet = evidence[signal].snippet
        if snippet and evidence[signal].value == "yes":
            terms.append(" ".join(snippet.split())[:120])
    if state.title:
        terms.insert(0, state.title)
    query = " ".join(terms).strip()
    return query[:400] or "rollback incident 切り戻し 障害"


def similar_incidents(
    knowledge: KnowledgePort | None, query: str
) -> tuple[list[KnowledgeHit], str]:
    """Up to three distinct past postmortems, and "ok", "no_kb" or "kb_error"."""
    if knowledge is None:
        return [], "no_kb"
    try:
        hits = knowledge.search(query, kind="postmortem", k=5)
    except Exception:  # a broken store degrades the answer, never silences it
        return [], "kb_error"
    seen: set[str] = set()
    distinct: list[KnowledgeHit] = []
    for hit in hits:
        if hit.doc_id not in seen:
            seen.add(hit.doc_id)
            distinct.append(hit)
    return distinct[:MAX_SIMILAR], "ok"
