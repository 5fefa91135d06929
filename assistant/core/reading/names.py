"""Who a message talks about: people named in the text, with or without an @.

People are the channel's participants (account name and display name). A person is found by
an @-mention, by their account or display name or one of its parts ("yamada" for
``yamada.t``, "sarah" for ``Sarah Gibson``), and in Japanese also by the reading of a name
written in kanji (「山田さん」 is ヤマダ, *yamada*; 「佐藤」 is サトウ, *sato*) — the reading comes
from the morphological analyser, and is compared in Hepburn romaji with long vowels folded.
Common words are never taken for names ("will", "may"), and bots are never people.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.core.model import User
from assistant.core.reading import lexicon
from assistant.core.reading.analysis import Sentence

_HONORIFICS = ("さん", "くん", "君", "様", "さま", "氏", "ちゃん", "殿")
_SPLIT = re.compile(r"[._\-\s]+")
_RAW_MENTION = re.compile(r"<@!?([^>\s&]+)>")
_ONE_CHAR_NAME_END = r"(?=さん|くん|君|様|氏|ちゃん|が|は|に|の|も|と|、|です|\s|$)"


@dataclass(frozen=True)
class NameHit:
    user: User
    start: int  # message offsets
    end: int


_KANA = {
    "キャ": "kya", "キュ": "kyu", "キョ": "kyo", "シャ": "sha", "シュ": "shu", "ショ": "sho",
    "チャ": "cha", "チュ": "chu", "チョ": "cho", "ニャ": "nya", "ニュ": "nyu", "ニョ": "nyo",
    "ヒャ": "hya", "ヒュ": "hyu", "ヒョ": "hyo", "ミャ": "mya", "ミュ": "myu", "ミョ": "myo",
    "リャ": "rya", "リュ": "ryu", "リョ": "ryo", "ギャ": "gya", "ギュ": "gyu", "ギョ": "gyo",
    "ジャ": "ja", "ジュ": "ju", "ジョ": "jo", "ビャ": "bya", "ビュ": "byu", "ビョ": "byo",
    "ピャ": "pya", "ピュ": "pyu", "ピョ": "pyo",
    "ア": "a", "イ": "i", "ウ": "u", "エ": "e", "オ": "o", "カ": "ka", "キ": "ki", "ク": "ku",
    "ケ": "ke", "コ": "ko", "サ": "sa", "シ": "shi", "ス": "su", "セ": "se", "ソ": "so",
    "タ": "ta", "チ": "chi", "ツ": "tsu", "テ": "te", "ト": "to", "ナ": "na", "ニ": "ni",
    "ヌ": "nu", "ネ": "ne", "ノ": "no", "ハ": "ha", "ヒ": "hi", "フ": "fu", "ヘ": "he",
    "ホ": "ho", "マ": "ma", "ミ": "mi", "ム": "mu", "メ": "me", "モ": "mo", "ヤ": "ya",
    "ユ": "yu", "ヨ": "yo", "ラ": "ra", "リ": "ri", "ル": "ru", "レ": "re", "ロ": "ro",
    "ワ": "wa", "ヲ": "o", "ン": "n", "ガ": "ga", "ギ": "gi", "グ": "gu", "ゲ": "ge", "ゴ": "go",
    "ザ": "za", "ジ": "ji", "ズ": "zu", "ゼ": "ze", "ゾ": "zo", "ダ": "da", "ヂ": "ji",
    "ヅ": "zu", "デ": "de", "ド": "do", "バ": "ba", "ビ": "bi", "ブ": "bu", "ベ": "be",
    "ボ": "bo", "パ": "pa", "ピ": "pi", "プ": "pu", "ペ": "pe", "ポ": "po", "ヴ": "vu",
}  # fmt: skip


def romaji(kana: str) -> str:
    """Hepburn romaji of a katakana reading, long vowels folded (サトウ → sato, オオノ → ono)."""
    out: list[str] = []
    i = 0
    while i < len(kana):
        pair = kana[i : i + 2]
        if pair in _KANA:
            out.append(_KANA[pair])
            i += 2
            continue
        ch = kana[i]
        if ch == "ッ" and i + 1 < len(kana):
            nxt = _KANA.get(kana[i + 1 : i + 3]) or _KANA.get(kana[i + 1], "")
            out.append(nxt[:1])
        elif ch == "ー":
            pass
        else:
            out.append(_KANA.get(ch, ""))
        i += 1
    text = "".join(out)
    return re.sub(r"ou|oo|uu|ee|ii", lambda m: m.group(0)[0], text)


def _fold(word: str) -> str:
    word = word.casefold()
    return re.sub(r"ou|oo|uu|oh$", lambda m: m.group(0)[0], word)


@lru_cache(maxsize=64)
def _people(users: tuple[User, ...], bot_names: tuple[str, ...]) -> People:
    return People(users, bot_names)


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:

    return lexicon.words("en", "not_names")


class People:
    """The people a message may name, and the lookups that find them in text."""

    def __init__(self, users: Iterable[User], bot_names: Sequence[str] = ()) -> None:
        bots = {n.casefold() for n in bot_names}
        self.users: list[User] = []
        seen: set[str] = set()
        for u in users:
            if u.id in seen or u.is_bot or u.name.casefold() in bots:
                continue
            seen.add(u.id)
            self.users.append(u)
        self._aliases: list[tuple[str, User]] = []
        common = _common()
        for u in self.users:
            names = {u.name, *([u.display_name] if u.display_name else [])}
            keys: set[str] = set()
            for name in names:
                if len(name) >= 2 or not name.isascii():
                    keys.add(name.casefold())

                for part in _SPLIT.split(name):
                    if len(part) >= 2 and not part.isdigit() and part.casefold() not in common:
                        keys.add(part.casefold())
            for key in keys:
                self._aliases.append((key, u))
        self._aliases.sort(key=lambda pair: -len(pair[0]))
        # a part shared by two people names neither
        counts: dict[str, set[str]] = {}
        for key, u in self._aliases:
            counts.setdefault(key, set()).add(u.id)
        self._aliases = [(k, u) for k, u in self._aliases if len(counts[k]) == 1]
        self._by_key = {k: u for k, u in self._aliases}
        self._by_id = {u.id: u for u in self.users}
        self._folded = {_fold(k): u for k, u in self._aliases if k.isascii()}
        ascii_keys = [re.escape(k) for k, _ in self._aliases if k.isascii()]
        self._pattern = (
            re.compile(
                r"(?<![A-Za-z0-9_.@-])@?("
                + "|".join(ascii_keys)
                + r")(?![A-Za-z0-9_-]|\.[A-Za-z0-9])",
                re.I,
            )
            if ascii_keys
            else None
        )

    @classmethod
    def of(cls, users: Iterable[User], bot_names: Sequence[str] = ()) -> People:
        """``People(users, bot_names)``, shared between messages with the same participants
        (building the lookups is most of the cost of reading a short message)."""
        return _people(tuple(users), tuple(bot_names))

    def by_name(self, name: str) -> User | None:
        return self._by_key.get(name.casefold().lstrip("@"))

    def find(self, sentence: Sentence, original: str = "") -> list[NameHit]:
        """People named in one sentence, in text order (each occurrence). ``original``: the
        whole message, for raw ``<@id>`` mentions (cleaning blanks them out)."""
        hits: list[NameHit] = []
        text = sentence.text
        if original and "<@" in original:
            end = sentence.start + len(text)
            for m in _RAW_MENTION.finditer(original, sentence.start, end):
                user = self._by_id.get(m.group(1))
                if user is not None:
                    hits.append(NameHit(user, m.start(), m.end()))
        if self._pattern is not None:
            for m in self._pattern.finditer(text):
                user = self._by_key.get(m.group(1).casefold())
                if user is not None:
                    hits.append(NameHit(user, sentence.start + m.start(), sentence.start + m.end()))
        if sentence.lang == "ja":
            hits += self._find_ja(sentence, hits)
        # non-ascii account names written as they are (倉田, 西村)
        for key, user in self._aliases:
            if key.isascii():
                continue
            # a one-character name (涼, 森) only where it stands as a name: before an
            # honorific or a particle
            pattern = re.escape(key) + (_ONE_CHAR_NAME_END if len(key) == 1 else "")
            for m in re.finditer(pattern, text, re.I):
                s, e = sentence.start + m.start(), sentence.start + m.end()
                if not any(h.start < e and s < h.end for h in hits):
                    hits.append(NameHit(user, s, e))
        hits.sort(key=lambda h: h.start)
        return hits

    def _find_ja(self, sentence: Sentence, taken: list[NameHit]) -> list[NameHit]:
        out: list[NameHit] = []
        toks = sentence.tokens
        for i, tok in enumerate(toks):
            if tok.pos != "noun" or any(h.start < tok.end and tok.start < h.end for h in taken):
                continue
            honorific = i + 1 < len(toks) and toks[i + 1].surface in _HONORIFICS
            proper = tok.detail == "固有名詞"
            if not (honorific or proper) or tok.surface.isascii():
                continue
            key = _fold(romaji(tok.reading)) if tok.reading else ""
            user = self._folded.get(key) if key else None
            if user is None:
                user = self._by_key.get(tok.surface.casefold())
            if user is not None:
                end = toks[i + 1].end if honorific else tok.end
                out.append(NameHit(user, tok.start, end))
        return out
