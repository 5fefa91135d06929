"""One language analysis for every reader: sentences, tokens, clauses, and the modality of a cue.

A cue (a lexicon match) only says something when its sentence *asserts* it. Whether it does is
decided here, once, for every topic: is it negated, asked, hedged, reported, a condition, a
plan, a request, about an earlier incident, about staging or a canary? The words each language
uses for these live in its ``modality.yaml``; this module decides their scope:

- English: negation in a short window before the cue within its clause (or right after it),
  modals right before it, conditions anywhere before it in the sentence, hedges and reported
  speech anywhere in the sentence, plans and requests before it in its clause.
- Japanese: the cue's predicate and its auxiliary chain (the tokens SudachiPy gives after it:
  ない/ず for negation, た for the past, う/よう/たい for intentions, ば/たら/なら for conditions,
  てください for requests), conditions earlier in the sentence when the predicate is not past,
  hedges and reported speech in the cue's clause (a clause ends at 、, が, けど, ので, から, し).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Literal

from assistant.core import lang as langs
from assistant.core.model import Lang
from assistant.core.reading import lexicon
from assistant.core.reading.lexicon import Entry
from assistant.core.reading.text import Cleaned, Piece, clean, sentences
from assistant.core.reading.tokens import Token, tokenize_en, tokenize_ja

Env = Literal["production", "staging", "canary", "unknown"]


@dataclass(frozen=True)
class Modality:
    """How a sentence holds one cue."""

    negated: bool = False
    question: bool = False
    hedged: bool = False
    reported: bool = False
    hypothetical: bool = False
    planned: bool = False
    requested: bool = False
    past_incident: bool = False
    sarcastic: bool = False
    completed: bool = False  # past tense / done (Japanese た, 済み, 完了)
    modal: bool = False  # "would", "could", "might" right before the cue
    immediate: bool = False  # a plan that starts now ("rolling back now", 「今から再起動します」)
    subject: bool = False  # the action named as a subject ("rolling back is safe")
    anchored: bool = False  # the sentence gives a past time for it ("at 10:12", 「昨日」)
    now: bool = False  # the sentence says it is happening now ("now", 「今から」「現在」)
    env: Env = "unknown"

    @property
    def unreal(self) -> bool:
        """Nothing happened: asked, a condition, a plan, a request, another incident, a joke."""
        return (
            self.question
            or self.hypothetical
            or self.modal
            or self.planned
            or self.requested
            or self.past_incident
            or self.sarcastic
        )

    @property
    def uncertain(self) -> bool:
        return self.hedged or self.reported


@dataclass
class Sentence:
    piece: Piece
    lang: Lang
    tokens: list[Token]
    question: bool
    sarcastic: bool = False  # the message as a whole is a joke ("flat at 30% 🙃")
    to_bot: bool = False  # the sentence speaks to the bot ("@incident-bot mark it resolved")
    # where the asking part of a question starts: "I'll take the rollback, carol can you do
    # comms?" asks only from "carol"; 0 = the whole sentence
    question_from: int = 0

    @property
    def start(self) -> int:
        return self.piece.start

    @property
    def text(self) -> str:
        return self.piece.text

    @cached_property
    def lemma_text(self) -> tuple[str, list[int]]:
        """The sentence's dictionary forms joined, and for each character its token index."""
        chars: list[str] = []
        owner: list[int] = []
        for i, tok in enumerate(self.tokens):
            form = tok.lemma or tok.surface
            if self.lang == "en" and chars:
                chars.append(" ")
                owner.append(i)
            chars.append(form)
            owner.extend([i] * len(form))
        return "".join(chars), owner


@dataclass(frozen=True)
class Match:
    entry: Entry
    sentence: Sentence
    start: int  # offsets in the message
    end: int
    modality: Modality


@dataclass
class Analysis:
    """A message, analysed: cleaned text, language, sentences with tokens."""

    cleaned: Cleaned
    lang: Lang
    sentences: list[Sentence] = field(default_factory=list)
    still_broken: bool = False  # part of the problem remains ("eu still degraded", 「まだ一部」)
    _cache: dict[str, list[Match]] = field(default_factory=dict)

    @property
    def original(self) -> str:
        return self.cleaned.original

    def matches(self, topic: str) -> list[Match]:
        """Every match of the topic's entries, with its modality, in text order."""
        cached = self._cache.get(topic)
        if cached is None:
            cached = list(_find(self, topic))
            self._cache[topic] = cached
        return cached


def analyse(content: str, lang: Lang | None = None, bot_names: tuple[str, ...] = ()) -> Analysis:
    """Clean, split and tokenise one message (``lang`` defaults to the text's own)."""
    cleaned = clean(content)
    lang = lang or langs.detect_one(cleaned.text)
    out = Analysis(cleaned=cleaned, lang=lang)
    sarcastic = _search("en", "sarcasm", cleaned.text) or _search("ja", "sarcasm", cleaned.text)
    out.still_broken = _search("en", "still_broken", cleaned.text) or _search(
        "ja", "still_broken", cleaned.text
    )
    vocative = _vocative(bot_names)
    for piece in sentences(cleaned):
        text_lang: Lang = "ja" if langs.japanese_ratio(piece.text) >= 0.15 else "en"
        tokens = (
            tokenize_ja(piece.text, piece.start)
            if text_lang == "ja"
            else tokenize_en(piece.text, piece.start)
        )
        question = _is_question(piece, text_lang)
        to_bot = bool(vocative.search(cleaned.original[piece.start : piece.end]))
        sentence = Sentence(piece, text_lang, tokens, question, sarcastic, to_bot)
        if question and text_lang == "en":
            sentence.question_from = _asking_part(piece.text)
        out.sentences.append(sentence)
    return out


_LEAD_VOCATIVE = re.compile(
    r"^[^\w@]*(?:(?:hey|hi|ok|okay|so|and|but|yo)\W+)?(?:@[\w.-]+\s*[,:]?\s*)*(?:[\w.-]+\s*,\s*)?",
    re.I,
)


@lru_cache(maxsize=16)
def _vocative(bot_names: tuple[str, ...]) -> re.Pattern[str]:
    names = [re.escape(n) for n in (*bot_names, "bot", "ボット") if n]
    return re.compile(r"^\W*(?:hey\s+|ねえ)?@?(?:" + "|".join(names) + r")\b", re.I)


_ASK_CLAUSE = re.compile(
    r"[,;]\s+(?=(?:@?[\w.-]+\s*,?\s+)?(?:can|could|would|will|should|do|does|did|is|are|what|why|how"
    r"|who|when|where|which|any|pls|please)\b)",
    re.I,
)


def _asking_part(text: str) -> int:
    """Where the question of a multi-clause sentence starts (0: the whole sentence asks)."""
    last = 0
    for m in _ASK_CLAUSE.finditer(text):
        last = m.end()
    return last


def _is_question(piece: Piece, lang: Lang) -> bool:
    """Does the sentence ask? A statement with a question mark and a hedge ("looks like it's
    recovering?") is a guess, not a question: the hedge makes it suspected instead."""
    if piece.terminator == "?":
        return not (
            lang == "en"
            and _search("en", "hedges", piece.text)
            and not _starts_question(piece.text)
        )
    if lang == "ja":
        pattern = lexicon.compiled("ja", "question_endings")
        return bool(pattern and pattern.search(piece.text))
    return _starts_question(piece.text)


_WH = re.compile(r"^(?:what|why|how|who|when|where|which)\b", re.I)


def _starts_question(text: str) -> bool:
    """Does the sentence start like a question ("is it …", "hey bot, what …")? After a bare
    leading name only a wh-word counts: "@xavier is IC now" states, "@xavier what's up" asks."""
    pattern = lexicon.compiled("en", "question_starts")
    if pattern is None:
        return False
    if pattern.search(text):
        return True
    lead = _LEAD_VOCATIVE.match(text)
    rest = text[lead.end() :] if lead else text
    if lead and re.search(r"[,:]\s*$", lead.group(0)):
        return bool(pattern.search(rest))
    return bool(_WH.search(rest))


# ------------------------------------------------------------------ matching
MAX_SPANS = 3  # matches of one entry per sentence that are weighed


def _find(analysis: Analysis, topic: str) -> list[Match]:
    out: list[Match] = []
    for sentence in analysis.sentences:
        lex = lexicon.load(sentence.lang)
        phrased = lexicon.prefilter(sentence.lang, topic).may_match(
            sentence.text, (lambda s=sentence: s.lemma_text[0]) if sentence.tokens else None
        )

        for entry in lex.topic(topic):
            if not phrased and not entry.get("trend"):
                continue
            unless = entry.unless

            if unless is not None and unless.search(sentence.text):
                continue
            for start, end in _spans(sentence, entry)[:MAX_SPANS]:
                out.append(Match(entry, sentence, start, end, modality(sentence, start, end)))
    out.sort(key=lambda m: (m.start, m.end))
    return out


_NUMBER = r"(\d+(?:[.,]\d+)?)\s*(%|ms|s|k|m|件|秒|分)?"
_ARROW = re.compile(rf"{_NUMBER}\s*(?:→|->|=>|⇒|〜>|to|から)\s*{_NUMBER}", re.I)
_FROM_TO = re.compile(rf"\bfrom\s+{_NUMBER}\s+(?:down |up )?to\s+{_NUMBER}", re.I)


def _value(number: str, unit: str | None) -> float:
    value = float(number.replace(",", ""))
    return value * 1000 if (unit or "").lower() in ("k", "s", "秒") else value


def _trend_spans(sentence: Sentence, want: str) -> list[tuple[int, int]]:
    """Numbers that move: "8% → 0.2%", "from 2.3s to 300ms". ``want`` is "better" or "worse",
    judged by the metric named before the numbers (errors fall when better, success rises)."""
    out: list[tuple[int, int]] = []
    text = sentence.text
    for pattern in (_ARROW, _FROM_TO):
        for m in pattern.finditer(text):
            a, ua, b, ub = m.group(1), m.group(2), m.group(3), m.group(4)
            if (
                (ua or ub)
                and ua
                and ub
                and ua.lower() != ub.lower()
                and not {ua, ub} <= {"s", "ms"}
            ):
                continue
            before = text[max(0, m.start() - 40) : m.start()]
            if _search(sentence.lang, "bad_metrics", before):
                better = _value(b, ub) < _value(a, ua)
            elif _search(sentence.lang, "good_metrics", before):
                better = _value(b, ub) > _value(a, ua)
            else:
                continue
            if better == (want == "better"):
                out.append((sentence.start + m.start(), sentence.start + m.end()))
    return out


def _spans(sentence: Sentence, entry: Entry) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    if entry.get("trend"):
        spans += _trend_spans(sentence, str(entry.get("trend")))
    if entry.patterns is not None:
        for m in entry.patterns.finditer(sentence.text):
            if m.end() > m.start():
                spans.append((sentence.start + m.start(), sentence.start + m.end()))
    if entry.lemmas is not None and sentence.tokens:
        text, owner = sentence.lemma_text
        for m in entry.lemmas.finditer(text):
            if m.end() <= m.start():
                continue
            first, last = sentence.tokens[owner[m.start()]], sentence.tokens[owner[m.end() - 1]]
            spans.append((first.start, last.end))
    spans.sort()
    return spans


# ------------------------------------------------------------------ modality
def modality(sentence: Sentence, start: int, end: int) -> Modality:
    """How ``sentence`` holds the cue at ``[start, end)`` (message offsets)."""
    if sentence.lang == "ja":
        return _modality_ja(sentence, start, end)
    return _modality_en(sentence, start, end)


def _search(lang: Lang, key: str, text: str) -> bool:
    pattern = lexicon.compiled(lang, key)
    return bool(pattern and text and pattern.search(text))


def _env(lang: Lang, text: str) -> Env:
    if _search(lang, "nonprod", text):
        return "staging"
    if _search(lang, "canary", text):
        return "canary"
    return "unknown"


def _clause_bounds_en(text: str, a: int, b: int) -> tuple[int, int]:
    breaks = lexicon.compiled("en", "clause_breaks")
    lo, hi = 0, len(text)
    if breaks is not None:
        for m in breaks.finditer(text):
            if m.end() <= a:
                lo = max(lo, m.end())
            elif m.start() >= b:
                hi = min(hi, m.start())
                break
    return lo, hi


_WORD = re.compile(r"\S+")


def _last_words(text: str, n: int) -> str:
    words = _WORD.findall(text)
    return " ".join(words[-n:])


def _modality_en(sentence: Sentence, start: int, end: int) -> Modality:
    text = sentence.text
    a, b = start - sentence.start, end - sentence.start
    lo, hi = _clause_bounds_en(text, a, b)
    before, clause = text[lo:a], text[lo:hi]
    window = _last_words(before, 4)
    neg_after = lexicon.compiled("en", "negation_after")
    negated = _search("en", "negators", window) or bool(neg_after and neg_after.search(text[b:]))
    cue = text[a:b]
    filler = not re.sub(r"(?i)\b(?:ok(?:ay)?|so|and|but|yeah|also|then|now)\b|\W", "", before)
    subject = (
        filler
        and bool(re.match(r"(?i)\w+ing\b", cue))
        and _search("en", "subject_predicates", text[b:])
    )
    planned = _search("en", "plans", _last_words(before, 6))
    return Modality(
        immediate=planned and _search("en", "immediacy", text),
        subject=subject,
        negated=negated,
        question=sentence.question and a >= sentence.question_from,
        hedged=_search("en", "hedges", text) or sentence.piece.terminator == "?",
        reported=_search("en", "reported", clause),
        hypothetical=_search("en", "conditionals", text[:a]),
        modal=_search("en", "modals", _last_words(before, 3)),
        planned=planned,
        requested=_search("en", "requests", text[lo:b])
        or sentence.to_bot
        or _search("en", "instructions", text),
        past_incident=_search("en", "past_incident", text),
        sarcastic=sentence.sarcastic,
        env=_env("en", clause) if _env("en", clause) != "unknown" else _env("en", text),
        anchored=_search("en", "time_anchor", text),
        now=_search("en", "immediacy", text),
        completed=bool(re.search(r"\b\w+ed\b", text[a:b], re.I)),
    )


# Japanese -----------------------------------------------------------------------------------
# bound verbs that continue the cue's predicate (戻して*いる*, 直って*しまう*, 確認して*おく*)
_CHAIN_VERBS = frozenset(
    {"いる", "居る", "おる", "しまう", "おく", "くる", "いく", "みる", "ある", "てる", "とく",
     "ちゃう", "する", "為る", "できる", "出来る", "なる", "成る", "くださる", "もらう",
     "いただく", "頂く", "くれる", "始める", "続ける", "終わる", "終える", "切る"}
)  # fmt: skip
# nouns that close a predicate the way an auxiliary does (再起動*中*, 切り戻し*完了*, 対応*済み*)
_CHAIN_NOUNS = frozenset(
    {"中", "済み", "完了", "予定", "つもり", "なし", "無し", "見込み", "開始", "実施", "実行",
     "終了"}
)  # fmt: skip
# what a noun cue's predicate may start with after a case particle (ロールバック*を実施*しました)
_LIGHT_PREDICATES = frozenset(
    {"する", "為る", "できる", "出来る", "なる", "ある", "ない", "無い", "実施", "実行", "開始",
     "完了", "適用", "反映", "入れる", "かける", "行う", "含む", "入る", "含まれる", "終わる"}
)  # fmt: skip
_CASE_PARTICLES = frozenset({"を", "は", "も", "が", "に", "で"})
_ENDING_PARTICLES = frozenset(
    {"か", "ね", "よ", "な", "わ", "ぞ", "ぜ", "さ", "の", "かな", "かね", "っけ"}
)


def _token_range(tokens: list[Token], start: int, end: int) -> tuple[int, int]:
    first = next((i for i, t in enumerate(tokens) if t.end > start), len(tokens))
    last = first
    for i in range(first, len(tokens)):
        if tokens[i].start >= end:
            break
        last = i
    return first, last


def _is_break(tokens: list[Token], i: int) -> bool:
    """Does a clause end at token ``i`` (、。, が/けど/から/し, and the の+で of ので)?"""
    tok = tokens[i]
    if tok.pos == "punct":
        return True
    if tok.pos == "particle" and tok.detail == "接続助詞":
        return tok.lemma in lexicon.words("ja", "clause_break_particles")
    return (
        tok.surface == "で"
        and tok.lemma == "だ"
        and i > 0
        and tokens[i - 1].lemma == "の"
        and tokens[i - 1].detail == "準体助詞"
    )


def _is_conditional(tok: Token) -> bool:
    if tok.surface in ("たら", "だら", "なら", "ならば", "れば"):
        return True
    return (
        tok.pos == "particle"
        and tok.detail == "接続助詞"
        and tok.lemma in lexicon.words("ja", "conditional_lemmas")
    )


@dataclass(frozen=True)
class _Predicate:
    chain: list[Token]  # auxiliaries and bound forms after the cue
    nominal: (
        bool  # the cue names the action instead of stating it (戻す*手順*, ロールバック*の準備*)
    )
    concessive: bool  # 戻し*ても*: "even if we roll back" (nothing happened)
    next_index: int


def _predicate(tokens: list[Token], last: int) -> _Predicate:
    """The cue's predicate after its last token: the auxiliary chain, through one light verb
    after a case particle when the cue is a noun."""
    out: list[Token] = []
    i = last + 1
    noun_head = tokens[last].pos in ("noun", "other")
    particle_ok = noun_head
    while i < len(tokens) and len(out) < 12:
        tok = tokens[i]
        if tok.pos == "punct" or _is_break(tokens, i):
            break
        if tok.lemma == "の" and tok.detail == "準体助詞":
            break  # 戻す*の*は安全 (nominal, below) or 直った*の*で (a reason: the clause ends)
        if _is_conditional(tok):
            out.append(tok)
            break
        if tok.pos == "aux" or (tok.pos == "adj" and tok.detail in ("非自立可能", "助動詞語幹")):
            out.append(tok)
        elif tok.pos == "other" and tok.detail in ("形容詞的", "動詞的", "形状詞的"):
            out.append(tok)  # 原因*っぽく*なった, 直り*そう*
        elif tok.pos == "verb" and (tok.lemma in _CHAIN_VERBS or tok.detail == "非自立可能"):
            out.append(tok)
            particle_ok = False
        elif tok.pos == "particle" and tok.detail == "接続助詞":
            out.append(tok)
            if tok.lemma not in ("て", "で"):
                break
            if i + 1 < len(tokens) and tokens[i + 1].lemma == "も":
                return _Predicate(out, False, True, i + 1)
        elif (
            tok.pos == "particle" and (tok.detail == "終助詞" or tok.lemma in _ENDING_PARTICLES)
        ) or (particle_ok and tok.pos == "particle" and tok.lemma in _CASE_PARTICLES):
            out.append(tok)
        elif particle_ok and (tok.lemma in _LIGHT_PREDICATES or tok.pos in ("verb", "adj")):
            out.append(tok)  # ロールバック*を実施*, 復旧宣言*が出*たら: the noun's predicate
            particle_ok = False
        elif (tok.pos in ("noun", "other") and tok.lemma in _CHAIN_NOUNS) or (
            tok.pos == "adj" and tok.lemma in ("ない", "無い")
        ):
            out.append(tok)
        else:
            break
        i += 1
    nominal = False
    te_form = tokens[last].surface.endswith(("て", "で")) or (
        bool(out) and out[-1].lemma in ("て", "で")
    )
    if i < len(tokens) and not te_form:
        nxt = tokens[i]
        ended = any(t.pos == "aux" or t.detail == "終助詞" for t in out)
        if not out and nxt.pos in ("noun", "other") and nxt.lemma not in _CHAIN_NOUNS:
            nominal = True  # ロールバック手順書, 戻す前, 戻す判断
        reason = i + 1 < len(tokens) and _is_break(tokens, i + 1)
        if (
            not ended
            and nxt.pos == "particle"
            and nxt.lemma in ("の", "こと")
            and not reason
            and (not out or out[-1].pos != "particle")
        ):
            nominal = True  # ロールバックの準備, 戻すのは安全
    return _Predicate(out, nominal, False, i)


def _clause_ja(sentence: Sentence, first: int, last: int) -> tuple[int, int]:
    """Token range of the clause holding tokens ``first..last``."""
    toks = sentence.tokens
    lo = first
    while lo > 0 and not _is_break(toks, lo - 1):
        lo -= 1
    hi = last
    while hi + 1 < len(toks) and not _is_break(toks, hi + 1):
        hi += 1
    return lo, hi


def _modality_ja(sentence: Sentence, start: int, end: int) -> Modality:
    toks = sentence.tokens
    text = sentence.text
    a = start - sentence.start
    if not toks:
        return Modality(question=sentence.question)
    first, last = _token_range(toks, start, end)
    last = min(last, len(toks) - 1)
    pred = _predicate(toks, last)
    chain = pred.chain
    lemmas = {t.lemma for t in chain}
    chain_text = "".join(t.surface for t in chain)
    after = text[toks[last].end - sentence.start :]
    lo, hi = _clause_ja(sentence, first, last)
    clause_start = toks[lo].start - sentence.start if lo < len(toks) else 0
    clause_end = toks[hi].end - sentence.start if hi < len(toks) else len(text)
    clause = text[clause_start:clause_end]
    before = text[clause_start:a]
    inside = {t.lemma for t in toks[first + 1 : last + 1]}  # a wide cue may end in its negation
    negated = bool((lemmas | inside) & lexicon.words("ja", "negation_lemmas")) or _search(
        "ja", "negation_before", before[-8:]
    )
    past = bool((lemmas | inside) & lexicon.words("ja", "past_lemmas")) or _search(
        "ja", "completion_in_cue", text[a : end - sentence.start]
    )
    conditional_here = any(_is_conditional(t) for t in chain)
    clause_after = text[a:clause_end]
    # 「…して安全か確認」: the cue sits in an embedded question
    embedded_question = (
        any(t.lemma == "か" for t in chain) or _search("ja", "embedded_questions", clause_after)
    ) and not sentence.question
    conditional_before = _search("ja", "conditional_before", text[:a])
    volitional = (
        bool(lemmas & lexicon.words("ja", "volitional_lemmas"))
        or any(t.pos == "aux" and t.surface.endswith("う") for t in chain)  # ましょう, よう
        or _search("ja", "future_times", text)
        or _search("ja", "suggestions", after)
    )
    # a request anywhere later in the cue's clause: 「ロールバックして安全か確認してください」
    requested = (
        _search("ja", "request_patterns", chain_text)
        or bool(lemmas & {"くださる", "下さる", "ください", "ほしい", "欲しい"})
        or _search("ja", "request_patterns", clause_after)
    )

    permission = _search("ja", "permission_after", after[: len(chain_text) + 12]) or _search(
        "ja", "consequences", after
    )

    return Modality(
        negated=negated,
        question=sentence.question,
        hedged=_search("ja", "hedges", clause[max(0, a - clause_start) :])
        or _search("ja", "hedges", before),
        reported=_search("ja", "reported", text[a:]) or _search("ja", "reported", before),
        hypothetical=conditional_here
        or embedded_question
        or pred.concessive
        or (conditional_before and not past and not (lemmas & {"てる", "いる", "居る"})),
        modal=permission,
        planned=volitional,
        immediate=not volitional and not past,
        requested=requested or sentence.to_bot,
        past_incident=_search("ja", "past_incident", text),
        sarcastic=sentence.sarcastic,
        completed=past,
        subject=pred.nominal,
        env=_env("ja", clause),
        anchored=_search("ja", "time_anchor", text),
        now=_search("ja", "immediacy", text),
    )
