"""One name per case fact: the guard's rule table (policy_guard/rules.yaml, which cannot import
rag) labels every fact it names exactly as the fact vocabulary (rag/vocabulary/fact_fields.yaml)
that the console, the asks and the reply drafter read."""

from __future__ import annotations

from policy_guard.rule_table import load_rules
from rag.fact_fields import fact_fields


def test_the_rule_table_labels_the_facts_as_the_fact_vocabulary_does() -> None:
    table = load_rules()
    vocab = fact_fields()
    assert table.facts  # the table names facts, so the comparison below compares something
    differing = {
        fact: (label.label, vocab[fact].label)
        for fact, label in table.facts.items()
        if label.label != vocab[fact].label
    }
    assert not differing, differing


def test_every_fact_the_asks_probe_or_restore_has_a_prompt() -> None:
    from rag.asks import PROBES, PROMPTS, RULE_FACTS

    wanted = set(PROBES) | {fact for facts in RULE_FACTS.values() for fact in facts}
    assert wanted <= set(PROMPTS), sorted(wanted - set(PROMPTS))
    assert all(PROMPTS.values())
