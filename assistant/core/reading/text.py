"""The text a person wrote, ready to read: cleaned, normalised, cut into sentences and clauses.

Everything here keeps **offsets into the original message**: what cleaning removes (code
blocks, quoted lines, markdown marks, emoji codes, "(edited)") is blanked out with spaces of
the same length, and width normalisation (full-width ``？`` → ``?``, ``Ｖ２`` → ``V2``) is done
one character at a time, so a span found in the normalised text is the same span of the
message. That is what lets every claim the Reader makes quote its source exactly.

Messages are bounded (``MAX_CHARS``, Discord's own limit) before anything reads them, so the
cost of reading is linear in a bounded input.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_CHARS = 4000

_CODE_BLOCK = re.compile(r"```[^`]*(?:`(?!``)[^`]*)*(?:```|\Z)")
_INLINE_CODE = re.compile(r"`[^`\n]{0,200}`")
_QUOTE_LINE = re.compile(r"^[ \t]*>[^\n]*", re.M)
_EMOJI_CODE = re.compile(
    r"<a?:\w{1,40}:\d{1,25}>|(?<![\w:]):[a-z_][a-z0-9_+\-]{0,40}:(?![\w:])", re.I
)
_CLIENT_MARK = re.compile(r"\((?:edited|編集済み?)\)", re.I)
_MARKDOWN = re.compile(r"\*{1,3}|__|~~|\|\|")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]]{1,500}", re.I)
_RAW_MENTION = re.compile(r"<[@#][!&]?\d{1,25}>")

# sentence ends: Japanese and English terminators, line breaks; ". " but not "v1.2.3" or "e.g."
_SENTENCE_END = re.compile(r"[。！？!?]+|(?<=[^\s.\d])\.(?=\s|$)|[;；]|\n+")


def _width_map(text: str) -> str:
    """NFKC, one character at a time (so offsets stay put), keeping a few marks as they are."""
    out = []
    for ch in text:
        if ch.isascii() or ch in "【】「」『』〜・ー":
            out.append(ch)
            continue
        norm = unicodedata.normalize("NFKC", ch)
        out.append(norm if len(norm) == 1 else ch)
    return "".join(out)


def _blank(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


@dataclass(frozen=True)
class Cleaned:
    """The message's text with noise blanked out; same length as ``original``."""

    original: str
    text: str

    def span_text(self, start: int, end: int) -> str:
        return self.original[start:end]


def clean(content: str, *, keep_code: bool = False) -> Cleaned:
    """Blank out what is not the writer's own words, normalise width; offsets unchanged."""
    original = content[:MAX_CHARS]
    text = _width_map(original)
    if not keep_code:
        text = _blank(text, _CODE_BLOCK)
        text = _blank(text, _INLINE_CODE)
    text = _blank(text, _QUOTE_LINE)
    text = _blank(text, _RAW_MENTION)
    text = _blank(text, _EMOJI_CODE)
    text = _blank(text, _CLIENT_MARK)
    text = _blank(text, _MARKDOWN)
    text = _URL.sub(lambda m: "U" * len(m.group(0)), text)  # one opaque token, same length
    return Cleaned(original=original, text=text)


@dataclass(frozen=True)
class Piece:
    """A sentence or clause: ``text`` is ``cleaned.text[start:end]``."""

    start: int
    end: int
    text: str
    terminator: str = ""  # what ended it: "?", "。", "!", "\n", ""


def sentences(cleaned: Cleaned) -> list[Piece]:
    """Sentences and lines, with the terminator that ended each (questions end in "?")."""
    text = cleaned.text
    out: list[Piece] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        _add(out, text, start, m.start(), m.group(0))
        start = m.end()
    _add(out, text, start, len(text), "")
    return out


def _add(out: list[Piece], text: str, start: int, end: int, term: str) -> None:
    while start < end and text[start] in " \t\u3000、,":
        start += 1
    while end > start and text[end - 1] in " \t\u3000":
        end -= 1
    if end > start:
        mark = "?" if "?" in term else ("!" if "!" in term else term.strip()[:1])
        out.append(Piece(start, end, text[start:end], mark))


def shorten(text: str, limit: int = 120) -> str:
    """One line of at most ``limit`` characters."""
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_SENTENCE_EDGE = re.compile(r"[。！？!?\n]|\.(?=\s|$)")


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` that holds ``[start, end)`` (for quoting a cue in context)."""
    lo = 0
    for m in _SENTENCE_EDGE.finditer(text, 0, start):
        lo = m.end()
    edge = _SENTENCE_EDGE.search(text, end)
    hi = edge.start() if edge else len(text)

    return text[lo:hi].strip() or text[start:end]
