"""Reading a question put to the bot: is the message addressed to it, and what does it ask?

A message is addressed to the bot when it mentions this channel's bot (by mention or by name)
or starts by calling it ("bot, …"); a mention of another bot or a person is not. The intent is
the highest-priority question lexicon entry that matches the text without the mention.
"""

from __future__ import annotations

import re

from assistant.core.reading import lexicon
from assistant.core.reading.analysis import Analysis
from assistant.core.reading.context import ReadContext
from assistant.core.reading.model import Question, Span


def addressed_to_bot(content: str, ctx: ReadContext) -> bool:
    if ctx.addressed:
        return True
    if any(u.id in ctx.bot_ids or u.name in ctx.bot_names for u in ctx.mentions):
        return True
    if any(f"<@{bid}>" in content or f"<@!{bid}>" in content for bid in ctx.bot_ids):
        return True
    for name in ctx.bot_names:
        if re.search(rf"@{re.escape(name)}(?![\w-])", content, re.I):
            return True
    names = "|".join(re.escape(n) for n in (*ctx.bot_names, "bot") if n)
    return re.match(rf"^\W*(?:hey\s+)?(?:{names})\s*[,:、]", content, re.I) is not None


def asks(analysis: Analysis) -> bool:
    """Does the message ask something (a question, a request, an instruction)?"""
    text = analysis.cleaned.text
    if any(s.question for s in analysis.sentences):
        return True
    return any(_search(lang, "asking", text) for lang in ("en", "ja"))


def _search(lang: str, key: str, text: str) -> bool:
    pattern = lexicon.compiled(lang, key)  # type: ignore[arg-type]
    return bool(pattern and pattern.search(text))


_MENTION = re.compile(r"@[\w.\-]+")


def read_question(analysis: Analysis, ctx: ReadContext) -> Question | None:
    """The question put to the bot, or None when the message asks nothing ("thanks!").
    Mentions are not read for the intent: a bot named "status-bot" changes nothing."""
    if not ctx.addressed and not asks(analysis):
        return None
    text = _MENTION.sub(lambda m: " " * len(m.group(0)), analysis.cleaned.text)

    best = None
    for lang in (analysis.lang, "en" if analysis.lang == "ja" else "ja"):
        for entry in lexicon.load(lang).topic("question"):
            pattern = entry.patterns
            if pattern is None:
                continue
            m = pattern.search(text)
            if m is None:
                continue
            prio = int(entry.get("priority", 0))
            if best is None or prio > best[0]:
                best = (prio, entry, m)
        if best is not None:
            break
    if best is None:
        whole = Span(start=0, end=len(analysis.original), text=analysis.original)
        return Question(intent="other", span=whole)
    _, entry, m = best
    return Question(
        intent=entry.get("intent"),
        span=Span(start=m.start(), end=m.end(), text=analysis.original[m.start() : m.end()]),
        catch_up=bool(entry.get("catch_up")),
        cue=entry.id,
    )
