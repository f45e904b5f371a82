"""Chat evaluation: chat cases load from the project's datasets, and the ticket checks count
personal data that reaches a ticket's text."""

from __future__ import annotations

from evals.chats import ChatCase, ChatResult, chat_metrics
from evals.chats import _check_handoff as check_handoff
from evals.datasets import default_dataset_paths, load_datasets, record_kind
from policy_guard.verdict import Verdict
from rag.conversation.handoff import Handoff


def test_project_chat_cases_load_as_chats() -> None:
    data = load_datasets(default_dataset_paths())
    assert len(data.chats) >= 60
    assert any(c.expect_handoff for c in data.chats)
    assert record_kind({"conversation": [], "case": {}, "include_any": []}) == "chat"


def _ticket(text: str, fields: dict[str, str]) -> Handoff:
    return Handoff(
        kind="agit_ticket",
        title="t",
        fields=fields,
        codes={},
        missing=[],
        text=text,
        attachment={"성함": "홍길동"},
        guard=Verdict(allowed=True, violations=[]),
    )


def test_personal_data_in_a_ticket_is_counted() -> None:
    case = ChatCase(
        id="x",
        conversation=[{"role": "customer", "text": "..."}],
        expect_handoff={
            "kind": "agit_ticket",
            "fields": {"호출 앱": "모두"},
            "pii_not_in_text": ["a@b.kr"],
        },
    )
    clean = ChatResult(id="x")
    check_handoff(case, clean, _ticket("[t]\n- 호출 앱: 모두", {"호출 앱": "모두"}), [])
    assert clean.personal_in_ticket == 0 and clean.fields_right == 1 and clean.handoff_kind_ok
    leaky = ChatResult(id="y")
    check_handoff(case, leaky, _ticket("[t] 홍길동 a@b.kr", {"호출 앱": "둘 다"}), [])
    assert leaky.personal_in_ticket == 2 and leaky.fields_right == 0
    assert chat_metrics([clean, leaky])["personal_in_ticket_text"] == 2


class _Cites:
    """An assistant whose reply cites one playbook file."""

    def __init__(self, source: str) -> None:
        self.source = source

    def assist(self, request: object) -> object:
        from types import SimpleNamespace

        from rag.contract import Citation

        cite = Citation(source=self.source, section="Q1", score=1.0)
        return SimpleNamespace(step=None, reply="네", facts=None, handoff=None, citations=[cite])


def test_a_chat_that_names_its_playbook_fails_when_another_is_cited() -> None:
    from evals.chats import run_chats

    case = ChatCase.model_validate(
        {"id": "c", "conversation": [{"role": "customer", "text": "안녕"}], "source": "a.txt"}
    )
    assert run_chats(_Cites("a.txt"), [case])[0].reply_ok
    wrong = run_chats(_Cites("b.txt"), [case])[0]
    assert not wrong.reply_ok
    assert any("b.txt" in p for p in wrong.reply_problems)
