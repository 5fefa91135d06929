"""Reading the roster in a message: command, tasks handed out or taken on, tasks done, releases.

Each sentence is matched with the people it names replaced by marks (``@@0``, ``@@1`` …; the
author named by name is ``@@A``), so one roster pattern covers every name. The shared analysis
decides whether a match asserts anything (a question hands nothing over, a negation takes
nothing on), with the roster's own exceptions: a request is usually phrased as a question
("ali can you check the db?") and still hands out a task; an intention ("I'll take the db")
is how one takes a task on.

The context matters for short replies: "on it" / 「見ます！」 accepts the last request made to
the author or to anyone; "go for it" from someone accepts the last offer; a plain report from
someone who holds a task from the last few messages finishes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.core.model import User
from assistant.core.reading import lexicon
from assistant.core.reading.analysis import Analysis, Modality, Sentence, modality
from assistant.core.reading.context import Earlier, ReadContext
from assistant.core.reading.lexicon import Entry
from assistant.core.reading.model import AssignmentSignal, CommanderSignal, Reading, Span
from assistant.core.reading.names import NameHit, People
from assistant.core.reading.tasks import clean_task, split_purpose, strip_tail

_MARK = re.compile(r"@@(\d+|A)")


@dataclass
class _Marked:
    sentence: Sentence
    text: str
    origin: list[int]  # message offset of each character of ``text`` (and one past the end)
    people: list[User]  # mark index -> person


@dataclass
class _Hit:
    entry: Entry
    marked: _Marked
    start: int  # in marked text
    end: int
    persons: list[User]
    modality: Modality
    groups: dict[str, str | None] = field(default_factory=dict)  # named groups of the pattern

    @property
    def role(self) -> str:
        return str(self.entry.get("role"))


@dataclass
class RosterReading:
    commander: CommanderSignal | None = None
    assignments: list[AssignmentSignal] = field(default_factory=list)
    done: list[str] = field(default_factory=list)
    release: list[str] = field(default_factory=list)
    release_unassigned: bool = False
    release_self: bool = False
    reports_done: bool = False
    done_inferred: list[str] = field(default_factory=list)
    staying: list[str] = field(default_factory=list)  # named as staying ("ahmed, stay")


def _mark(sentence: Sentence, hits: list[NameHit], author: User) -> _Marked:
    text: list[str] = []
    origin: list[int] = []
    people: list[User] = []

    pos = sentence.start
    index: dict[str, int] = {}
    for hit in hits:
        if hit.start < pos:
            continue
        chunk = sentence.text[pos - sentence.start : hit.start - sentence.start]
        text.append(chunk)
        origin.extend(range(pos, hit.start))
        if hit.user.id == author.id:
            mark = "@@A"
        else:
            if hit.user.id not in index:
                index[hit.user.id] = len(people)
                people.append(hit.user)
            mark = f"@@{index[hit.user.id]}"
        text.append(mark)
        origin.extend([hit.start] * len(mark))
        pos = hit.end
    end = sentence.start + len(sentence.text)
    text.append(sentence.text[pos - sentence.start :])
    origin.extend(range(pos, end))
    origin.append(end)
    return _Marked(sentence, "".join(text), origin, people)


def _persons(marked: _Marked, text: str) -> list[User]:
    out: list[User] = []
    for m in _MARK.finditer(text):
        if m.group(1) != "A":
            user = marked.people[int(m.group(1))]
            if user not in out:
                out.append(user)
    return out


def _hits(analysis: Analysis, people: People, author: User) -> list[_Hit]:
    out: list[_Hit] = []
    for sentence in analysis.sentences:
        marked = _mark(sentence, people.find(sentence, analysis.original), author)
        if not lexicon.prefilter(sentence.lang, "roster").may_match(marked.text):
            continue
        for entry in lexicon.load(sentence.lang).topic("roster"):
            if entry.unless is not None and entry.unless.search(sentence.text):
                continue
            patterns = entry.each or ((entry.patterns,) if entry.patterns is not None else ())

            for pattern in patterns:
                for m in pattern.finditer(marked.text):
                    if m.end() <= m.start():
                        continue
                    start, end = marked.origin[m.start()], marked.origin[m.end()]
                    mod = modality(sentence, start, max(end, start + 1))
                    persons = _persons(marked, m.group(0))
                    out.append(_Hit(entry, marked, m.start(), m.end(), persons, mod, m.groupdict()))
    return out


def _span(analysis: Analysis, sentence: Sentence) -> Span:
    start, end = sentence.start, sentence.start + len(sentence.text)
    return Span(start=start, end=end, text=analysis.original[start:end])


# ---------------------------------------------------------------- purposes
def _purpose(text: str, lang: str) -> str | None:
    """The why of a request: a stated purpose (「目的は…」, "purpose: …"), else the clause that
    gives a reason ("so we know …", 「…知りたくて」)."""
    _, stated = split_purpose(_MARK.sub(" ", text))
    if stated:
        return stated

    pattern = lexicon.compiled(lang, "purpose_markers")  # type: ignore[arg-type]
    if pattern is None:
        return None
    m = pattern.search(text)
    if m is None:
        return None
    return text[m.start() :].strip(" 　、。,.!！")[:120] or None


_TASK_END = re.compile(
    r"[!?。！？;]|\.(?!\d)|\b(?:so that|because|so we|since)\b|ので|ため|たくて|目的|狙い"
)


def _task(marked: _Marked, start: int) -> str:
    """The task named from ``start`` on: the rest of the clause, without its purpose, the
    marks or the politeness."""
    rest, _ = split_purpose(marked.text[start:])
    rest = _TASK_END.split(rest)[0]
    return clean_task(_MARK.sub(" ", rest), marked.sentence.lang)


def _own_task(hit: _Hit) -> str | None:
    """The task a self-assignment names: its ``task`` group, with the verb where the verb
    carries meaning (「ログは私が確認します」 → ログの確認; "I'll look into the logs" → look into
    the logs); None when what is taken is no task ("I'm on call", "I'll take it")."""
    lang = hit.marked.sentence.lang
    raw = hit.groups.get("task")
    if raw is None:
        return "" if "task" not in hit.groups else None
    raw = _MARK.sub(" ", re.split(r"[,;、]?\s*@@\d", raw)[0])
    task = clean_task(raw, lang)
    task = re.sub(r"\s*(?:のほう|の方|側)$", "", task).strip()
    if not task or task in ("それ", "これ", "あれ", "そこ", "ここ"):
        return None
    verb = hit.groups.get("verb")
    if verb:
        return task + str((hit.entry.get("verb_suffix") or {}).get(verb, ""))
    do = hit.groups.get("do") or ""
    ing = (hit.groups.get("ing") or "").lower()
    verb_en = do or (hit.entry.get("ing_to_base") or {}).get(ing, "")
    verb_en = re.sub(r"^(?:take|have)\s+a\s+look\s+at$", "look at", verb_en, flags=re.I)
    return f"{verb_en} {strip_tail(raw)}" if verb_en else task


# ---------------------------------------------------------------- context


@dataclass(frozen=True)
class _Request:
    by: User
    to: tuple[User, ...]  # empty: to anyone
    purpose: str | None
    task: str = ""
    offer: bool = False  # "should I take the proxy logs?" (by offers to do it)
    handover: bool = False  # "can you take IC?"


def _requests(ctx: ReadContext) -> list[_Request]:
    """Requests and offers in the earlier messages, newest first."""
    out: list[_Request] = []
    for earlier in reversed(ctx.earlier):
        r = earlier.reading
        if r is None:
            continue
        text = earlier.content
        for a in r.assignments:
            if a.how == "request":
                user = User(id=a.assignee, name=a.assignee)
                for p in ctx.people:
                    if p.name == a.assignee:
                        user = p
                out.append(_Request(earlier.author, (user,), a.purpose, a.task))
        if _open_request(text, earlier) and not r.assignments:
            task = clean_task(_MARK.sub(" ", text), r.lang)
            out.append(_Request(earlier.author, (), _purpose(text, r.lang), task))
        if _offer(text, r.lang):
            task = clean_task(text, r.lang)
            out.append(_Request(earlier.author, (), None, task, offer=True))
        if _search(r.lang, "handover_requests", text):
            out.append(_Request(earlier.author, (), None, handover=True))
    return out


def _search(lang: str, key: str, text: str) -> bool:
    pattern = lexicon.compiled(lang, key)  # type: ignore[arg-type]
    return bool(pattern and pattern.search(text))


def _open_request(text: str, earlier: Earlier) -> bool:
    lang = earlier.reading.lang if earlier.reading else "en"
    return _search(lang, "open_requests", text)


def _offer(text: str, lang: str) -> bool:
    for entry in lexicon.load(lang).topic("roster"):
        if (
            entry.get("role") == "offer"
            and entry.patterns is not None
            and entry.patterns.search(text)
        ):
            return True
    return False


def _tasks_in_context(ctx: ReadContext) -> dict[str, bool]:
    """Who holds a task from the earlier messages (name -> it was finished since)."""
    held: dict[str, bool] = {}
    for earlier in ctx.earlier:
        r = earlier.reading
        if r is None:
            continue
        for a in r.assignments:
            held[a.assignee] = False
        for name in r.done:
            if name in held:
                held[name] = True
    return held


# ---------------------------------------------------------------- the reading
def _asserts(hit: _Hit) -> bool:
    mod = hit.modality
    negated = mod.negated and not hit.entry.get("negation_ok")
    return not (mod.question or negated or mod.hypothetical or mod.past_incident or mod.sarcastic)


def _done_guarded(hit: _Hit) -> bool:
    """A "done" that is not one yet ("not done yet", 「半分終わりました」, "when it's done")."""
    return _search(hit.marked.sentence.lang, "done_guards", hit.marked.sentence.text)


def read_roster(analysis: Analysis, ctx: ReadContext) -> RosterReading:
    known = set(ctx.people)
    extra = tuple(u for u in (*ctx.mentions, ctx.author) if u not in known)
    people = People.of((*ctx.people, *extra), ctx.bot_names)

    author = ctx.author
    hits = _hits(analysis, people, author)
    out = RosterReading()
    by_role: dict[str, list[_Hit]] = {}
    for hit in hits:
        by_role.setdefault(hit.role, []).append(hit)
    offered = any(h.role == "offer" for h in hits)
    blocked = {h.marked.sentence.start for h in by_role.get("not_a_task", [])}
    requests = _requests(ctx)

    # -- command
    for hit in by_role.get("handover", []):
        if hit.modality.question or hit.modality.negated or hit.modality.past_incident:
            continue
        targets = [p for p in hit.persons if p.id != author.id]
        if targets:
            out.commander = CommanderSignal(name=targets[0].name, how="handover",
                                            span=_span(analysis, hit.marked.sentence))  # fmt: skip
            break
    if out.commander is None:
        for hit in by_role.get("claim", []):
            mod = hit.modality
            if mod.question or mod.negated or mod.hypothetical or mod.past_incident:
                continue
            out.commander = CommanderSignal(name=author.name, how="claim",
                                            span=_span(analysis, hit.marked.sentence))  # fmt: skip
            break
    if out.commander is None and by_role.get("accept") and any(r.handover for r in requests[:2]):
        sentence = by_role["accept"][0].marked.sentence
        out.commander = CommanderSignal(
            name=author.name, how="claim", span=_span(analysis, sentence)
        )

    # -- tasks handed out
    assigned: dict[str, AssignmentSignal] = {}

    def give(user: User, task: str, purpose: str | None, how: str, sentence: Sentence) -> None:
        if user.id in assigned or user.is_bot:
            return
        if out.commander is not None and out.commander.name == user.name and how != "self":
            return  # "hugo you're IC": command, not a task
        assigned[user.id] = AssignmentSignal(
            assignee=user.name,
            task=task or "",
            purpose=purpose,
            how=how,
            span=_span(analysis, sentence),
        )

    for hit in by_role.get("role_line", []):
        for p in hit.persons:
            give(p, _task(hit.marked, hit.start), None, "request", hit.marked.sentence)
    releasing = {h.marked.sentence.start for h in by_role.get("release", []) if _asserts(h)}
    for hit in by_role.get("assign", []):
        mod = hit.modality
        sentence_start = hit.marked.sentence.start
        if mod.negated or mod.past_incident or sentence_start in blocked | releasing:
            continue

        if mod.question and not _search(
            hit.marked.sentence.lang, "request_questions", hit.marked.text
        ):
            continue
        persons = [p for p in _leading(hit) if p.id != author.id]
        if not persons:
            persons = _addressees(hit.marked, ctx, author)
        sentence_text = hit.marked.sentence.text
        purpose = _purpose(sentence_text, hit.marked.sentence.lang) or _purpose(
            _next_sentence(analysis, hit.marked.sentence), hit.marked.sentence.lang
        )
        task = _task(hit.marked, hit.start)
        if not task:
            continue  # 「@bob よろしくお願いします」 asks for nothing in particular
        for p in persons:
            give(p, task, purpose, "request", hit.marked.sentence)

    # -- tasks taken on by the author: "on it" / 「見ます」 after a request is its acceptance
    pending = [
        r
        for r in requests[:3]
        if not (r.offer or r.handover or r.by.id == author.id)
        and (not r.to or any(u.id == author.id or u.name == author.name for u in r.to))
    ]
    if pending and by_role.get("accept") and not offered:
        req = pending[0]
        give(author, req.task, req.purpose, "acceptance", by_role["accept"][0].marked.sentence)
    if not offered:
        for hit in by_role.get("self", []):
            mod = hit.modality
            if mod.question or mod.negated or mod.hypothetical or mod.past_incident:
                continue
            own = _own_task(hit)
            if own is None:
                continue
            purpose = _purpose(hit.marked.sentence.text, hit.marked.sentence.lang)
            give(author, own, purpose, "self", hit.marked.sentence)

            break

    if by_role.get("accept_offer") and not analysis.sentences[0].question:
        for req in requests[:1]:
            if req.offer and req.by.id != author.id:
                sentence = by_role["accept_offer"][0].marked.sentence
                give(req.by, req.task, None, "acceptance", sentence)
    out.assignments = list(assigned.values())

    # -- done
    held = _tasks_in_context(ctx)
    took_on = author.id in assigned
    done: list[str] = []
    for hit in by_role.get("done_other", []):
        if _asserts(hit):
            done += [p.name for p in hit.persons if p.name not in done]
    in_context = author.name in held and not held[author.name]
    holds_task = (in_context or bool(ctx.open_tasks.get(author.id))) and author.name not in done

    done_hits = [h for h in by_role.get("done", []) if _asserts(h) and not _done_guarded(h)]
    said_done = any(not h.entry.get("inferred") for h in done_hits)
    out.reports_done = said_done
    if holds_task and not took_on:
        if said_done:
            done.append(author.name)
        elif done_hits or _reports(analysis):
            out.done_inferred.append(author.name)
    out.done = done

    # -- release
    released: list[str] = []
    named = [p for s in analysis.sentences for h in people.find(s, analysis.original)
             for p in [h.user] if p.id != author.id]  # fmt: skip

    stay = _staying(analysis, people, author)
    for hit in by_role.get("release", []):
        if hit.modality.question or hit.modality.negated or hit.modality.hypothetical:
            continue
        persons = [p for p in hit.persons if p.id != author.id] or _vocatives(hit.marked, author)
        if not persons:
            persons = [p for p in named if p.id != author.id]  # "@bob 了解。…戻って大丈夫です"
        if not persons:
            persons = _recent_speakers(ctx, author, _count_hint(hit.marked.sentence.text))
        released += [p.name for p in persons if p.name not in released and p.name not in stay]
    if any(_asserts(h) for h in by_role.get("release_unassigned", [])):
        out.release_unassigned = True
        out.staying = sorted(stay)
    out.release = [n for n in released if n not in {a.assignee for a in out.assignments}]
    out.release_self = any(_asserts(h) for h in by_role.get("release_self", []))
    return out


def assigned_names(out: RosterReading) -> list[str]:
    return [a.assignee for a in out.assignments]


_JOINED_MARKS = re.compile(r"(?:@@\d+\s*(?:[,、&]|\band\b|と)?\s*)+$", re.I)


def _leading(hit: _Hit) -> list[User]:
    """The people a request names: those in the match, and the names listed right before it
    ("@bob and @carol please …")."""
    before = _JOINED_MARKS.search(hit.marked.text[: hit.start])
    persons = _persons(hit.marked, before.group(0)) if before else []
    return persons + [p for p in hit.persons if p not in persons]


def _next_sentence(analysis: Analysis, sentence: Sentence) -> str:

    for i, s in enumerate(analysis.sentences):
        if s is sentence and i + 1 < len(analysis.sentences):
            return analysis.sentences[i + 1].text
    return ""


def _addressees(marked: _Marked, ctx: ReadContext, author: User) -> list[User]:
    """Who "can you …" without a name is said to: the last other speaker."""
    for earlier in reversed(ctx.earlier):
        if earlier.author.id != author.id and not earlier.author.is_bot:
            return [earlier.author]
    return []


def _vocatives(marked: _Marked, author: User) -> list[User]:
    return [p for p in marked.people if p.id != author.id]


def _count_hint(text: str) -> int:
    if re.search(r"お二人|おふたり|二人とも|you both|both of you", text, re.I):
        return 2
    if re.search(r"皆さん|みなさん|皆様|you all|all of you|everyone", text, re.I):
        return 9
    return 1


def _recent_speakers(ctx: ReadContext, author: User, n: int) -> list[User]:
    out: list[User] = []
    for earlier in reversed(ctx.earlier):
        who = earlier.author
        if who.id == author.id or who.is_bot or who in out:
            continue
        if ctx.commander is not None and who.id == ctx.commander.id:
            continue
        out.append(who)
        if len(out) >= n:
            break
    return out


def unassigned_in_context(ctx: ReadContext, reading: Reading) -> list[str]:
    """For "everyone without a task may go": the people of the earlier messages who hold no
    unfinished task (not the author, the commander, or anyone the message keeps or tasks).
    The live roster knows better (it holds every task); this is for reading a message alone."""
    if not reading.release_unassigned:
        return []
    keep = {a.assignee for a in reading.assignments} | set(reading.release)
    keep |= set(reading.release_except)
    held = _tasks_in_context(ctx)
    return [u.name for u in _idle_people(ctx, ctx.author, held, keep)]


def _idle_people(
    ctx: ReadContext, author: User, held: dict[str, bool], exclude: set[str]
) -> list[User]:
    """Everyone in the context without an unfinished task (not the author or commander)."""
    out: list[User] = []
    for earlier in ctx.earlier:
        who = earlier.author
        if who.id == author.id or who.is_bot or who in out or who.name in exclude:
            continue
        if ctx.commander is not None and who.id == ctx.commander.id:
            continue
        if who.name in held and not held[who.name]:
            continue
        if lexicon.compiled("en", "alert_sources") is not None and who.name in lexicon.words(
            "en", "alert_sources"
        ):
            continue
        out.append(who)
    return out


def _staying(analysis: Analysis, people: People, author: User) -> set[str]:
    """People the message asks to stay ("noah stay please", 「遠藤さんは引き続き」)."""
    out: set[str] = set()
    for sentence in analysis.sentences:
        for hit in people.find(sentence, analysis.original):
            after = analysis.original[hit.end : hit.end + 30]

            before = analysis.original[max(0, hit.start - 12) : hit.start]
            if _search(sentence.lang, "stay_words", after) or re.search(
                r"\bexcept\s*$", before, re.I
            ):
                out.add(hit.user.name)
    return out


def _reports(analysis: Analysis) -> bool:
    """A plain report of a finding: a statement, not a question, a plan or work in progress."""
    for sentence in analysis.sentences:
        if sentence.question or sentence.to_bot:
            return False
    text = analysis.cleaned.text
    lang = analysis.lang
    if _search(lang, "progress_words", text):
        return False
    return _search(lang, "finding_words", text)


def apply(reading: Reading, roster: RosterReading) -> None:
    reading.commander = roster.commander
    reading.assignments = roster.assignments
    reading.done = roster.done
    reading.release = roster.release
    reading.release_unassigned = roster.release_unassigned
    reading.release_except = list(roster.staying)
    reading.reports_done = roster.reports_done
    reading.done_inferred = list(roster.done_inferred)

    reading.release_self = roster.release_self
