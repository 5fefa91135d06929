"""Onboarding Q&A for new commanders, answered from the team's guidance.

``answer`` searches the guidance through ``KnowledgePort`` and replies in the question's
language with three to five key points taken from the best matching sections, citing the
document ids it used. When nothing matches well enough, or no knowledge base is connected,
it says so plainly instead of guessing. ``fallback`` is the short help text for a mention
the bot did not understand.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from assistant.core.lang import detect_one
from assistant.core.model import Answer, IncidentState, KnowledgeHit, Lang
from assistant.core.ports import KnowledgePort

# The knowledge adapter's scores: cosine similarity blended with a lexical share, in 0..1.
# Guidance that really answers a question scores well above this; small talk stays below.
MIN_SCORE = 0.2
MAX_POINTS = 5
MIN_POINTS = 3
POINT_CHARS = 220

_TEXT: dict[str, dict[Lang, str]] = {
    "intro": {"ja": "ガイダンス「{title}」より:", "en": "From our guidance, “{title}”:"},
    "also": {"ja": "関連:「{title}」", "en": "See also: “{title}”"},
    "sources": {"ja": "出典: {ids}", "en": "Sources: {ids}"},
    "other_lang": {
        "ja": "（日本語のガイダンスが見つからないため、英語の文書から抜粋しています）",
        "en": "(No English guidance matched; these points come from a Japanese document.)",
    },
    "not_covered": {
        "ja": "この質問はガイダンスではカバーされていません。"
        "指揮官か経験のあるメンバーに確認してください。",
        "en": "Our guidance does not cover this question. Please check with the commander "
        "or an experienced teammate.",
    },
    "topics": {
        "ja": "ガイダンスにあるテーマ: 役割、宣言、依頼の仕方、解放、ロールバック、再デプロイ、"
        "状況共有、フェーズ、振り返り、重大度、引き継ぎ。",
        "en": "The guidance covers: roles, declaring, making requests, releasing people, "
        "rollback, redeploys, status updates, phases, retrospectives, severity, handover.",
    },
    "unavailable": {
        "ja": "ガイダンスの知識ベースにつながっていないため、今は答えられません。"
        "`kb ingest knowledge/` で取り込んでください。",
        "en": "The guidance knowledge base is not connected, so I cannot answer this now. "
        "Ingest it with `kb ingest knowledge/`.",
    },
    "help": {
        "ja": "私にできること（メンションで話しかけてください）:\n"
        "- 状況: 「今どうなってる？」で現在のフェーズと最新の状況をまとめます\n"
        "- 担当: 「誰が何してる？」で担当表と、タスクのない人を示します\n"
        "- ロールバック: 「ロールバックすべき？」でチェックリストと過去の事例から提案します"
        "（判断するのは指揮官です）\n"
        "- ガイダンス: 「指揮官の役割は？」など、障害対応の進め方に答えます",
        "en": "Here is what I can do (mention me):\n"
        "- Status: “where are we?” sums up the current phase and latest update\n"
        "- Roster: “who is doing what?” lists assignments and people without a task\n"
        "- Rollback: “should we roll back?” answers with a risk checklist and past incidents "
        "(the commander decides)\n"
        "- Guidance: questions like “what does the commander do?” about running an incident",
    },
}

# A question's topic, and the words the guidance uses for it (both languages): a new commander
# asks "how do I ask people to do things?", the guidance says "request: person, task, purpose".
# The words widen the search and rank the points; the question itself stays in the query.
_TOPIC_HINTS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), words)
    for pattern, words in (
        (
            r"頼|お願い|依頼|アサイン|割り当て|指示|\bask (people|someone|others|for help)"
            r"|\bassign|\bdelegat|\brequests?\b|\bgive (people|someone) (tasks|work)",
            "request one person by name task purpose goal 依頼 一人を名指し 誰に 何を 目的 担当",
        ),
        (
            r"状況共有|ステータス|投稿|共有|アップデート|\bstatus\b|\bupdates?\b|\bannounce",
            "status update phase prefix headline impact certainty "
            "状況共有 フェーズ 見出し 影響 確度",
        ),
        (
            r"振り返り|ふりかえり|ポストモーテム|\bretro|post-?mortem|action items?|follow-?ups?",
            "retrospective actions root cause permanent fix prevent recurrence detect faster "
            "振り返り アクション 根本原因 恒久対策 再発防止 検知",
        ),
        (
            r"再デプロイ|再起動|redeploy|restart",
            "redeploy risk no cause stop-gap 再デプロイ リスク 原因不明 暫定対応",
        ),
        (
            r"ロールバック|切り戻|巻き戻|\broll ?back|\brevert",
            "rollback checklist data schema migration procedure flag "
            "ロールバック チェックリスト データ スキーマ マイグレーション 手順 フラグ",
        ),
        (
            r"見ているだけ|見てるだけ|集まっ|人が多|人数|\bwatching\b|too many people|bystanders"
            r"|lurk|\bidle\b|nothing to do",
            "release people without a task normal work 解放 タスクのない人 通常業務",
        ),
        (
            r"最初|初め|はじめ|宣言|\bfirst\b|\bstarts?\b|\bdeclar",
            "declaring first message commander 宣言 最初 指揮官",
        ),
        (r"引き継|交代|hand ?over|hand ?off", "handover brief the new commander 引き継ぎ"),
        (r"重大度|深刻度|severity|\bsev\b", "severity level 重大度"),
        (r"役割|書記|\broles?\b|\bscribe\b", "roles commander scribe 役割 指揮官 書記"),
    )
)
MAX_HINTS = 2
# sections that list sources, not advice
_SOURCE_SECTION = re.compile(r"^\s*(sources?|references?|出典|参考|参照|links?)\s*$", re.IGNORECASE)
_URL = re.compile(r"https?://")

_BULLET = re.compile(r"^\s*(?:[-*•・]|\d+[.)])\s+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]+")
_WORD = re.compile(r"[a-z0-9]{3,}")


def _t(lang: Lang, key: str, **values: str) -> str:
    return _TEXT[key][lang].format(**values)


def answer(
    question: str,
    in_reply_to: str,
    at: datetime,
    knowledge: KnowledgePort | None,
    *,
    min_score: float = MIN_SCORE,
) -> Answer:
    """Answer a new commander's question from the guidance, citing the documents used."""
    lang = detect_one(question)

    def reply(text: str, citations: list[str] | None = None) -> Answer:
        return Answer(
            at=at, in_reply_to=in_reply_to, intent="guidance", text=text, citations=citations or []
        )

    if knowledge is None:
        return reply(_t(lang, "unavailable"))
    query = search_query(question)
    try:
        hits = knowledge.search(query, kind="guidance", k=6)
    except Exception:  # a broken store must not silence the bot: answer degraded
        return reply(_t(lang, "unavailable"))
    usable = [
        h
        for h in hits
        if h.kind == "guidance" and h.score >= min_score and not _SOURCE_SECTION.match(h.section)
    ]
    if not usable:
        return reply(f"{_t(lang, 'not_covered')}\n{_t(lang, 'topics')}")
    same = [h for h in usable if h.lang in (None, lang)]
    chosen = same or usable
    top = chosen[0]
    others = [h for h in chosen[1:] if h.doc_id != top.doc_id]
    second = [h for h in others[:1] if h.score >= 0.85 * top.score]
    # the top document's other matching sections add material from the same source
    used = [top, *(h for h in chosen[1:] if h.doc_id == top.doc_id), *second]
    points = key_points(query, used)
    lines = [_t(lang, "intro", title=top.title)]
    if not same:
        lines.append(_t(lang, "other_lang"))
    lines.extend(f"- {p}" for p in points)
    lines.extend(_t(lang, "also", title=h.title) for h in second)
    citations = [top.doc_id, *(h.doc_id for h in second)]
    lines.append(_t(lang, "sources", ids=", ".join(citations)))
    return reply("\n".join(lines), citations)


def search_query(question: str) -> str:
    """The question, plus the guidance's own words for up to two topics it touches."""
    hints = [words for pattern, words in _TOPIC_HINTS if pattern.search(question)]
    return " ".join([question.strip(), *hints[:MAX_HINTS]])


def fallback(state: IncidentState, question: str, in_reply_to: str, at: datetime) -> Answer:
    """A short help text on what the bot can do, in the question's language."""
    lang = detect_one(question) if question.strip() else state.lang
    return Answer(at=at, in_reply_to=in_reply_to, intent="other", text=_t(lang, "help"))


# --- key points -----------------------------------------------------------------------------


def key_points(question: str, hits: list[KnowledgeHit]) -> list[str]:
    """Three to five points from the hits' snippets, the ones closest to the question first.

    The best document (all of its sections among ``hits``) gives up to four points, five
    when it is the only one; a second document adds its single best one.
    """
    wanted = _terms(question)
    points: list[str] = []
    groups: dict[str, list[KnowledgeHit]] = {}
    for hit in hits:
        groups.setdefault(hit.doc_id, []).append(hit)
    for position, group in enumerate(groups.values()):
        candidates = [c for hit in group for c in _candidates(hit.snippet)]
        quota = 1  # a second document adds its best point
        if position == 0:
            quota = MAX_POINTS - 1 if len(groups) > 1 else MAX_POINTS
        ranked = sorted(
            range(len(candidates)),
            key=lambda i: (-len(wanted & _terms(candidates[i])), i),
        )
        chosen = sorted(ranked[:quota])  # keep the document's own order
        points.extend(candidates[i] for i in chosen if candidates[i] not in points)
    if len(points) < MIN_POINTS:
        extra = [c for hit in hits for c in _candidates(hit.snippet) if c not in points]
        points.extend(extra[: MIN_POINTS - len(points)])
    return points[:MAX_POINTS]


def _candidates(snippet: str) -> list[str]:
    """Bullet items if the snippet has them, else its sentences; each cut to a short line."""
    lines = [ln for ln in snippet.splitlines() if ln.strip()]
    bullets = [_BULLET.sub("", ln).strip() for ln in lines if _BULLET.match(ln)]
    units = bullets or [s.strip() for ln in lines for s in _SENTENCE.split(ln) if s.strip()]
    return [_shorten(u) for u in units if not _URL.search(u)]


def _shorten(text: str) -> str:
    text = " ".join(text.split()).rstrip(" …")
    if len(text) <= POINT_CHARS:
        return text
    cut = max(text.rfind(" ", 0, POINT_CHARS), text.rfind("、", 0, POINT_CHARS))
    return text[: cut if cut > POINT_CHARS // 2 else POINT_CHARS].rstrip() + "…"


def _terms(text: str) -> set[str]:
    """Latin words and CJK character bigrams, for a rough overlap with the question."""
    norm = unicodedata.normalize("NFKC", text).lower()
    terms = set(_WORD.findall(norm))
    for run in _CJK_RUN.findall(norm):
        terms.update(run[i : i + 2] for i in range(max(1, len(run) - 1)))
    return terms
