"""Where a single question says the procedure stands, and the step to answer with.

In ``ask`` / ``/v1/suggest`` an agent often writes in notes ("본인확인 끝, 필요 정보 다
받았어요, 다음 안내?"). The situation chosen by the facts is then a step the note says is done.
The note is read against the procedure's own words (``ingest/procedure_vocabulary.yaml``
``notes``): a step named by its label or its mark ("④까지": every step up to it), a fact by its
checklist phrase or short name, followed in its clause by a completion word (bare list items
before that clause share it); a fact's value ("T앱", "취소 미포함", a date range) read with the
chat's hand-off field phrases settles it too. The answer moves forward to the first
step not yet done (never back: the agent asked about where they are), and a question about the
hand-off itself (which template, where the customer's data goes) is answered with the hand-off
step's note, marked as guidance for the agent. Identity and consents are never settled by the
note: only the console (or a chat's answer) does that, so the steps that need them stay open.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import policy_guard
from ingest.chunk import Chunk
from ingest.procedures import NoteVocabulary, Procedure, Step, load_vocabulary
from policy_guard.facts import CaseFacts
from rag.catalog import Playbook
from rag.conversation.steps import is_known, next_step, required, step_chunk
from rag.conversation.vocabulary import load_chat_vocabulary
from rag.drafting.composed import compose_reply
from rag.facts import fold_width_case_spaces

_CIRCLED_HEAD = re.compile(r"^\s*[①-⑮]\s*")
#: A table row of a hand-off note: "KOC | ▶KOC_…" (the team and its form).
_ROW = re.compile(r"^\s*([^|\n▶]{1,30}?)\s*\|\s*(.*)$")
#: Said when a done step settles a hand-off field whose value the note does not give.
SETTLED = "확인됨"


@dataclass(frozen=True)
class NoteReading:
    done: frozenset[int] = frozenset()  # step numbers the note says are done
    settled: dict[str, str] = field(default_factory=dict)  # hand-off fields, value or SETTLED
    handoff_asked: bool = False


@dataclass(frozen=True)
class Position:
    step: Step
    chunk: Chunk  # the script to compose from, or the hand-off step's note
    guidance: str | None = None  # set for a hand-off note: guidance for the agent


def _vocab() -> NoteVocabulary | None:
    return load_vocabulary().notes


@functools.cache
def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{w})" for w in words), re.IGNORECASE)


def step_names(
    step: Step, plain: Sequence[str], ending: str = "", mark_after: str = r"\s*까지"
) -> list[str]:
    """Patterns naming a step: its own mark ("④", read as "4" in normalised text, when
    ``mark_after`` follows: "4단계", "④까지") and its label's runs of two or more words
    less the plain ones ("④ 발급 필요 정보 확인" → "발급 필요", "필요 정보", "발급 필요 정보"),
    each word with an optional ``ending`` ("필요한 정보"); a one-word core names it alone
    ("③ 본인확인", "⑥ 아지트 작성" → "아지트")."""
    mark = _CIRCLED_HEAD.match(step.label)
    names = []
    if mark:
        digit = re.escape(fold_width_case_spaces(mark.group(0)).strip())
        names.append(rf"(?<![\d.~/-]){digit}(?={mark_after})")
    words = [w for w in _CIRCLED_HEAD.sub("", step.label).split() if w not in plain]
    if len(words) == 1:
        return [*names, _spaced(words[0])]
    return names + [
        r"\s*".join(_spaced(w) + ending for w in words[i:j])
        for i in range(len(words))
        for j in range(i + 2, len(words) + 1)
    ]


def _spaced(word: str) -> str:
    return r"\s*".join(re.escape(ch) for ch in word)


def _done_parts(text: str, vocab: NoteVocabulary) -> list[str]:
    """The pieces of the note that say something is done: a clause up to its last completion
    word, and the bare list items before such a clause in the same sentence."""
    completion = _pattern(tuple(vocab.completion))
    not_done = _pattern(tuple(vocab.not_done))
    done: list[str] = []
    for sentence in re.split(vocab.sentence_break, text):
        carry = False
        for part in reversed(re.split(vocab.clause_break, sentence)):
            ends = [m.start() for m in completion.finditer(part)]
            if not part.strip():
                continue
            if not_done.search(part):
                carry = False
            elif ends:
                carry = True
                done.append(part[: ends[-1]])
            elif carry and not re.search(vocab.predicate_end, part):
                done.append(part)
            else:
                carry = False
    return done


def _done_steps(parts: list[str], procedure: Procedure, vocab: NoteVocabulary) -> set[int]:
    done: set[int] = set()
    # "이메일 발급 안내까지": the plain words of a label may stand between its name and 까지.
    plain = "|".join(re.escape(w) for w in vocab.plain_words)
    through = re.compile(rf"(?:\s*(?:{plain}))*{vocab.through}" if plain else vocab.through)
    for step in procedure.steps:
        labels = step_names(step, vocab.plain_words, vocab.word_ending, vocab.mark_after)
        name = _pattern(tuple(labels))
        for part in parts:
            for m in name.finditer(part):
                done.add(step.number)
                if through.match(part, m.end()):  # "⑤까지 끝": every step up to it
                    done.update(s.number for s in procedure.steps if s.number < step.number)
    return done


def read_note(question: str, procedure: Procedure) -> NoteReading:
    vocab = _vocab()
    if vocab is None:
        return NoteReading()
    text = fold_width_case_spaces(question)
    parts = _done_parts(text, vocab)
    done = _done_steps(parts, procedure, vocab)
    settled: dict[str, str] = {}
    names = {f.fact: f.names for f in vocab.names}
    facts = {f for s in procedure.steps for f in (*s.establishes, *s.establishes_when)}
    for fact in sorted(facts - set(CaseFacts.model_fields)):
        said = names.get(fact, [])
        own = [p for e in load_vocabulary().establishes if e.fact == fact for p in e.phrases]
        if not own and not said:
            continue
        pattern = _pattern(tuple([*own, *said]))
        if any(pattern.search(p) for p in parts):
            settled[fact] = SETTLED
    for phrase in load_chat_vocabulary().slots:  # a value stated settles its field
        if phrase.slot in facts and phrase.slot not in settled:
            got = phrase.read(text)
            if got is not None:
                settled[phrase.slot] = got[0]
    return NoteReading(frozenset(done), settled, _asks_handoff(text, procedure, vocab))


def _asks_handoff(text: str, procedure: Procedure, vocab: NoteVocabulary) -> bool:
    kinds = {s.handoff for s in procedure.steps if s.handoff}
    if not kinds:
        return False
    named = [n for h in load_vocabulary().handoffs if h.kind in kinds for n in h.names]
    if named and _pattern(tuple(named)).search(text):
        return True
    return bool(vocab.handoff_question) and bool(
        _pattern(tuple(vocab.handoff_question)).search(text)
    )


def _step_of(procedure: Procedure, chunk_id: str) -> Step | None:
    for step in procedure.steps:
        extra = [c for f in step.establishes_when for c in procedure.extra_chunk_ids.get(f, ())]
        if chunk_id in step.chunk_ids or chunk_id in extra:
            return step
    return None


def note_body(chunk: Chunk) -> list[str]:
    """The note's own lines: its headings dropped, table cells joined, link marks removed."""
    lines = chunk.text.split("\n")
    if chunk.section in lines:
        lines = lines[lines.index(chunk.section) + 1 :]
    out: list[str] = []
    for line in lines:
        line = line.replace("▶", "").strip()
        row = _ROW.match(line)
        if row:
            line = f"{row.group(1).strip()}: {row.group(2).strip()}"
        if line:
            out.append(line)
    return out


def teams(chunk: Chunk) -> list[str]:
    """The row labels of a hand-off note's table ("KOC", "KMCC 광주")."""
    return [m.group(1).strip() for line in chunk.text.split("\n") if (m := _ROW.match(line))]


def _guidance(
    procedure: Procedure, step: Step, chunks: Mapping[str, Chunk], facts: CaseFacts
) -> Position | None:
    vocab = _vocab()
    notes = [chunks[i] for i in step.chunk_ids if i in chunks and chunks[i].kind != "script"]
    if vocab is None or not notes:
        return None
    body = "\n".join(line for c in notes for line in note_body(c))
    text = vocab.guidance.format(label=step.label, title=step.handoff_title or "", body=body)
    # Identity and consents only the console settles: a step still open on them comes first.
    pending = [
        s.label
        for s in procedure.steps
        if s.number < step.number
        and any(
            f in CaseFacts.model_fields and not is_known(f, facts, {}) for f in required(s, facts)
        )
    ]
    if pending:
        text = f"{text.strip()}\n{vocab.guidance_pending.format(steps=', '.join(pending))}"
    return Position(step, notes[0], text.strip())


def locate(
    question: str,
    procedure: Procedure,
    chosen: Chunk,
    chunks: Mapping[str, Chunk],
    facts: CaseFacts,
) -> Position | None:
    """The step a single question should be answered with, when it is not the chosen one."""
    at = _step_of(procedure, chosen.id)
    if at is None and facts.request not in procedure.requests:
        return None
    note = read_note(question, procedure)
    handoff = next((s for s in procedure.steps if s.handoff), None)
    if handoff is not None:
        asked = note.handoff_asked or any(
            team.lower() in fold_width_case_spaces(question)
            for i in handoff.chunk_ids
            if i in chunks
            for team in teams(chunks[i])
        )
        if asked:
            return _guidance(procedure, handoff, chunks, facts)
    if at is None:
        return None
    slots = dict(note.settled)
    for step in procedure.steps:
        if step.number in note.done:
            for fact in (*step.establishes, *step.establishes_when):
                if fact not in CaseFacts.model_fields:
                    slots.setdefault(fact, SETTLED)
    choice = next_step(procedure, facts, slots)
    if choice.step.number <= at.number:
        return None
    if choice.step.handoff is not None:
        return _guidance(procedure, choice.step, chunks, facts)
    chunk = step_chunk(choice, chunks, facts)
    return Position(choice.step, chunk) if chunk is not None else None


def position_in(question: str, book: Playbook, chosen: Chunk, facts: CaseFacts) -> Position | None:
    """The step of one of the playbook's procedures the question says comes next."""
    chunks = {c.id: c for c in book.chunks}
    for procedure in book.procedures:
        found = locate(question, procedure, chosen, chunks, facts)
        if found is not None:
            return found
    return None


def compose_step(position: Position, facts: CaseFacts) -> tuple[str, Chunk | None, tuple[str, ...]]:
    """(reply, the chunk it comes from, rules whose sentences were dropped)."""
    if position.guidance is not None:
        return position.guidance, position.chunk, ()
    comp = compose_reply(position.chunk, facts, policy_guard.check, policy_guard.disclosure_allowed)
    return comp.reply, position.chunk, comp.removed_rules
