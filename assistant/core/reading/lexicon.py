"""The reading lexicons: cue phrases as data, one YAML file per topic and language.

A lexicon file lists *entries*. Each entry has an ``id``, what it says (``value`` and other
attributes the reader of that topic understands), its phrasings (``patterns``: regular
expressions over the cleaned sentence, case-insensitive; ``lemmas``: for Japanese, regular
expressions over the sentence's dictionary forms, so one entry matches every conjugation) and
``examples`` (``yes``: sentences it must read; ``no``: look-alikes it must not). The tests run
every example through the whole Reader.

Files live in ``assistant/core/reading/lexicon/{en,ja}/``; they are package data, loaded once
on first use (nothing is read at import time).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from assistant.core.model import Lang

TOPICS = ("phase", "change", "risk", "advice", "question", "roster", "facts")


@dataclass(frozen=True)
class Entry:
    id: str
    topic: str
    lang: Lang
    attrs: dict[str, Any]
    patterns: re.Pattern[str] | None
    lemmas: re.Pattern[str] | None
    unless: re.Pattern[str] | None = None  # the entry says nothing in a sentence matching this
    # each pattern compiled on its own, for entries whose patterns name groups (``(?P<task>…)``)
    each: tuple[re.Pattern[str], ...] = ()
    examples_yes: tuple[Any, ...] = ()
    examples_no: tuple[Any, ...] = ()

    def get(self, key: str, default: Any = None) -> Any:
        return self.attrs.get(key, default)


@dataclass(frozen=True)
class Lexicon:
    lang: Lang
    entries: dict[str, tuple[Entry, ...]] = field(default_factory=dict)
    modality: dict[str, Any] = field(default_factory=dict)

    def topic(self, name: str) -> tuple[Entry, ...]:
        return self.entries.get(name, ())


class LexiconError(ValueError):
    """A lexicon file is malformed (names the file and the entry)."""


# marks the roster patterns use for people (see reading/roster.py)
MACROS = {"{P}": r"@@\d+", "{ME}": r"@@A"}


def _expand(pattern: str) -> str:
    for macro, value in MACROS.items():
        pattern = pattern.replace(macro, value)
    return pattern


def _alternation(patterns: list[str], where: str) -> re.Pattern[str] | None:
    if not patterns:
        return None
    try:
        return re.compile("|".join(f"(?:{_expand(p)})" for p in patterns), re.IGNORECASE)
    except re.error as e:
        raise LexiconError(f"{where}: bad pattern: {e}") from e


def _load_yaml(lang: str, name: str) -> Any:
    path = resources.files("assistant.core.reading").joinpath("lexicon", lang, f"{name}.yaml")
    if not path.is_file():
        return None
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _entries(lang: Lang, topic: str, data: Any) -> tuple[Entry, ...]:
    where = f"lexicon/{lang}/{topic}.yaml"
    if data is None:
        return ()
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise LexiconError(f"{where}: expected a mapping with an 'entries' list")
    out: list[Entry] = []
    seen: set[str] = set()
    for raw in data["entries"]:
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            raise LexiconError(f"{where}: every entry needs an 'id'")
        eid = raw["id"]
        if eid in seen:
            raise LexiconError(f"{where}: duplicate entry id {eid!r}")
        seen.add(eid)
        examples = raw.get("examples") or {}
        attrs = {
            k: v
            for k, v in raw.items()
            if k not in ("id", "patterns", "lemmas", "examples", "unless")
        }
        # the alternation of all phrasings (named groups dropped: two may share a name)
        unnamed = [re.sub(r"\(\?P<\w+>", "(?:", p) for p in raw.get("patterns") or []]
        patterns = _alternation(unnamed, f"{where}: {eid}")

        lemmas = _alternation(list(raw.get("lemmas") or []), f"{where}: {eid}")
        if patterns is None and lemmas is None and not attrs.get("abstract"):
            raise LexiconError(f"{where}: {eid}: no patterns or lemmas")
        out.append(
            Entry(
                id=f"{lang}.{topic}.{eid}",
                topic=topic,
                lang=lang,
                attrs=attrs,
                patterns=patterns,
                lemmas=lemmas,
                unless=_alternation(list(raw.get("unless") or []), f"{where}: {eid}"),
                each=tuple(
                    p
                    for one in raw.get("patterns") or []
                    if "(?P<" in one and (p := _alternation([one], f"{where}: {eid}")) is not None
                ),
                examples_yes=tuple(examples.get("yes") or ()),
                examples_no=tuple(examples.get("no") or ()),
            )
        )
    return tuple(out)


@lru_cache(maxsize=2)
def load(lang: Lang) -> Lexicon:
    """The lexicon of one language (loaded once)."""
    entries = {topic: _entries(lang, topic, _load_yaml(lang, topic)) for topic in TOPICS}
    modality = _load_yaml(lang, "modality") or {}
    return Lexicon(lang=lang, entries=entries, modality=modality)


@dataclass(frozen=True)
class Prefilter:
    """Every phrasing of one topic in one alternation, so a sentence that matches none of
    them is passed over with one search instead of one per entry."""

    patterns: re.Pattern[str] | None
    lemmas: re.Pattern[str] | None

    def may_match(self, text: str, lemma_text: Callable[[], str] | None = None) -> bool:
        """Can any entry match ``text`` (or the lemmas ``lemma_text()`` gives, made only
        when needed)?"""
        if self.patterns is not None and self.patterns.search(text):
            return True
        return bool(self.lemmas is not None and lemma_text and self.lemmas.search(lemma_text()))


@lru_cache(maxsize=32)
def prefilter(lang: Lang, topic: str) -> Prefilter:
    entries = load(lang).topic(topic)
    patterns = [e.patterns.pattern for e in entries if e.patterns is not None]
    lemmas = [e.lemmas.pattern for e in entries if e.lemmas is not None]
    return Prefilter(
        patterns=re.compile("|".join(patterns), re.IGNORECASE) if patterns else None,
        lemmas=re.compile("|".join(lemmas), re.IGNORECASE) if lemmas else None,
    )


def compiled(lang: Lang, key: str) -> re.Pattern[str] | None:
    """One modality list of ``lang`` as a single case-insensitive alternation."""
    return _compiled(lang, key)


@lru_cache(maxsize=128)
def _compiled(lang: Lang, key: str) -> re.Pattern[str] | None:
    values = load(lang).modality.get(key) or []
    return _alternation([str(v) for v in values], f"lexicon/{lang}/modality.yaml: {key}")


def words(lang: Lang, key: str) -> frozenset[str]:
    """One modality list of ``lang`` as a set of plain words (lemmas)."""
    return frozenset(str(v) for v in load(lang).modality.get(key) or [])
