"""A Q's 상담유형 (counsel type), read at ingest from the block the playbook labels with it.

The counsel type is what the agent sets on the ticket: guidance for the agent, never a message
for the customer. A block may state one path ("대리_고객 ▶ 가입/내정보 ▶ 이용기록/영수증") or
several options, each with the condition it applies under ("요청사유에 따라 상담유형 설정 ▶ 펫
/ ㄴ 사유 파악불가 시 : 서비스가입/설치/내정보 ▶ 이용기록/영수증"). The labels, the branch-line
form and the facts that decide between options are data (``counsel_type`` in
``ingest/vocabulary.yaml``).
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

from ingest.vocabulary import CounselTypeWords, load_vocabulary

_MARKER = re.compile(r"^\s*(?:\d{1,2}\s*[.)]|[\u2460-\u2473])\s*")
_BULLET = re.compile(r"^\s*[ㄴ└↳\-*•·]\s*")


class CounselOption(BaseModel):
    """One counsel type the block offers, as the playbook states it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str  # the option's line(s), verbatim but for a leading list mark ("ㄴ")
    when: str = ""  # the playbook's own condition words ("사유 파악불가 시"); "" for the main one
    #: Facts whose being unknown selects this option ("사유 파악불가 시" → reason).
    unknown: list[str] = Field(default_factory=list)


class CounselType(BaseModel):
    """A Q's 상담유형 block: its label, its whole text and its options."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str  # the heading word the playbook uses ("상담유형")
    text: str  # the whole block, verbatim (markup removed)
    options: list[CounselOption] = Field(min_length=1)
    #: Facts the playbook says decide the type ("요청사유에 따라" → reason).
    decided_by: list[str] = Field(default_factory=list)

    def options_for(self, known: set[str], unknown_stated: set[str]) -> list[CounselOption]:
        """The options that apply: when a deciding fact is unknown (and not stated to be
        unknown) every option, as the playbook gives them; when it is known, the options not
        reserved for it being unknown; when the text states it is unknown, those reserved."""
        if len(self.options) == 1:
            return list(self.options)
        reserved = [o for o in self.options if o.unknown]
        if unknown_stated:
            chosen = [o for o in reserved if set(o.unknown) & unknown_stated]
            if chosen:
                return chosen
        deciding = set(self.decided_by) | {f for o in reserved for f in o.unknown}
        if deciding and deciding <= known:
            return [o for o in self.options if not o.unknown] or list(self.options)
        return list(self.options)


def _words() -> CounselTypeWords | None:
    return load_vocabulary().counsel_type


def counsel_label(heading: str) -> str | None:
    """The label word when ``heading`` names a counsel-type block ("1. 상담유형" → "상담유형")."""
    words = _words()
    if words is None:
        return None
    head = _MARKER.sub("", heading).strip("[]()* ")
    for pattern in words.labels:
        m = re.match(pattern, head)
        if m:
            return m.group(0)
    return None


def _facts_named(text: str, words: CounselTypeWords, attr: str) -> list[str]:
    return [f.fact for f in words.facts if any(re.search(p, text) for p in getattr(f, attr))]


def read_counsel_type(heading: str, body: str) -> CounselType | None:
    """The counsel type a block states, or None when the heading names no such block or the
    block is empty."""
    words = _words()
    label = counsel_label(heading)
    if words is None or label is None:
        return None
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    if not lines:
        return None
    main: list[str] = []
    options: list[CounselOption] = []
    for line in lines:
        m = re.match(words.branch, line)
        if m is None:
            if options:  # a continuation of the last branch
                last = options[-1]
                options[-1] = last.model_copy(update={"text": f"{last.text}\n{line}"})
            else:
                main.append(line)
            continue
        when = m.group("when").strip()
        options.append(
            CounselOption(
                text=_BULLET.sub("", line),
                when=when,
                unknown=_facts_named(when, words, "unknown"),
            )
        )
    if main:
        options.insert(0, CounselOption(text="\n".join(main)))
    return CounselType(
        label=label,
        text="\n".join(lines),
        options=options,
        decided_by=_facts_named("\n".join(main), words, "decides"),
    )
