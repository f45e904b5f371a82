"""The next step of a playbook procedure for a chat: the first step whose facts the chat has not
yet settled. A step already done is never suggested again; a hand-off step is reached once every
step before it is done.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ingest.chunk import Chunk
from ingest.procedures import Procedure, Step
from policy_guard.facts import CaseFacts
from rag.condition_fit import fit_conditions

#: Facts a step settles only when they are true (a "no" keeps the step open).
_MUST_BE_TRUE = frozenset({"identity_verified", "collection_consent"})


@dataclass(frozen=True)
class StepChoice:
    procedure: Procedure
    step: Step
    done: tuple[str, ...]  # labels of the steps already done
    missing: tuple[str, ...]  # facts the step still needs settled


def is_known(fact: str, facts: CaseFacts, slots: Mapping[str, str]) -> bool:
    if fact in CaseFacts.model_fields:
        value = getattr(facts, fact)
        return value is True if fact in _MUST_BE_TRUE else value is not None
    return bool(slots.get(fact))


def required(step: Step, facts: CaseFacts) -> list[str]:
    """What the step settles for this case (a consent only when its flag is true)."""
    conditional = [
        fact
        for fact, flags in step.establishes_when.items()
        if any(getattr(facts, flag, None) is True for flag in flags)
    ]
    return [*step.establishes, *conditional]


def next_step(procedure: Procedure, facts: CaseFacts, slots: Mapping[str, str]) -> StepChoice:
    done: list[str] = []
    for step in procedure.steps:
        missing = [f for f in required(step, facts) if not is_known(f, facts, slots)]
        if missing or step.handoff is not None or step is procedure.steps[-1]:
            return StepChoice(procedure, step, tuple(done), tuple(missing))
        done.append(step.label)
    raise AssertionError("unreachable: the last step is always returned")


def engaged(
    procedure: Procedure,
    facts: CaseFacts,
    slots: Mapping[str, str],
    cited: str | None,
    agent_asked: bool,
) -> bool:
    """The chat is inside the procedure: the cited situation is one of its steps, the agent
    already asked one of its questions, or the customer asks for what the procedure is for and
    the chat settles something a step establishes (a 제출처, an answered 본인확인 …)."""
    ids = {cid for s in procedure.steps for cid in s.chunk_ids}
    ids |= {cid for group in procedure.extra_chunk_ids.values() for cid in group}
    if (cited is not None and cited in ids) or agent_asked:
        return True
    if facts.request is None or facts.request not in procedure.requests:
        return False
    settled = {f for s in procedure.steps for f in (*s.establishes, *s.establishes_when)}
    return any(is_known(f, facts, slots) for f in settled)


def step_chunk(choice: StepChoice, chunks: Mapping[str, Chunk], facts: CaseFacts) -> Chunk | None:
    """The script to answer with at this step: the step's situation that fits the case best.
    At a hand-off step (no script of its own), the closing script of the step before it, if
    the playbook wrote one."""
    step = choice.step
    ids = list(step.chunk_ids)
    for fact in required(step, facts):
        ids += choice.procedure.extra_chunk_ids.get(fact, ())
    candidates = [chunks[i] for i in ids if i in chunks and chunks[i].kind == "script"]
    if not candidates and step.handoff is not None:
        # The closing script written for after a consent was given ("확인 감사합니다 …").
        before = [s for s in choice.procedure.steps if s.number < step.number]
        scripts = [chunks[i] for i in before[-1].chunk_ids if i in chunks] if before else []
        closing = [c for c in scripts if c.kind == "script" and c.conditions.collection_consent]
        return closing[-1] if closing else None
    # Consents not yet given read as "not given": the step asks for them.
    probe = facts.model_copy(
        update={f: getattr(facts, f) or False for f in ("identity_verified", "collection_consent")}
    )
    best: tuple[tuple[int, float, int], Chunk] | None = None
    for chunk in candidates:
        fit = fit_conditions(chunk.conditions, probe)
        if fit.excluded:
            continue
        key = (len(fit.unknown), -fit.weight, chunk.index)
        if best is None or key < best[0]:
            best = (key, chunk)
    return best[1] if best else None


def labels(steps: Sequence[Step]) -> list[str]:
    return [s.label for s in steps]
