"""Mutation fuzzing (evals/mutations.py): the project's violating drafts, each obfuscation
applied alone, stay blocked for their rules; the playbook scripts and the safe replies, as
written and rewritten, pass; the figures reach metrics.json and its gates."""

from __future__ import annotations

from evals.datasets import DEFAULT_DIR, load_datasets
from evals.metrics import flatten
from evals.mutations import MUTATIONS, examples_from, mutate, mutation_metrics, plans
from evals.thresholds import check_thresholds, parse_threshold
from policy_guard import CaseFacts, check

GUARD_SETS = [DEFAULT_DIR / "guard.jsonl", DEFAULT_DIR / "safe_replies.jsonl"]


def test_every_single_obfuscation_keeps_the_drafts_blocked_and_the_safe_ones_passing() -> None:
    dataset = load_datasets(GUARD_SETS)
    m = mutation_metrics(dataset.guard, check, pairs=False)
    assert m["examples"] > 100 and m["safe_examples"] >= 100
    assert set(m["by_mutation"]) == set(MUTATIONS)  # every obfuscation applied somewhere
    assert m["recall"] >= 0.995, m["misses"]
    assert m["false_blocks"] == 0, m["blocks"]
    gates = check_thresholds(
        flatten(
            {
                "guard_mutation_recall": m["recall"],
                "guard_mutation_false_blocks": m["false_blocks"],
            }
        ),
        [
            parse_threshold("guard_mutation_recall=0.995", "min"),
            parse_threshold("guard_mutation_false_blocks=0", "max"),
        ],
    )
    assert all(g.passed for g in gates)


def test_blind_sets_are_measured_as_written() -> None:
    dataset = load_datasets([DEFAULT_DIR / "guard_blind.jsonl"])
    violating, safe = examples_from(dataset.guard, with_rule_examples=False)
    assert dataset.guard and not violating and not safe


def test_mutations_rewrite_only_the_value() -> None:
    draft = "기사님 연락처는 010-8765-4321입니다."
    out = mutate(draft, [(9, 22)], CaseFacts(), ("positional", "bold"))
    assert out == "기사님 연락처는 **공일공-팔천칠백육십오-사천삼백이십일**입니다."
    assert not check(out, CaseFacts(days_since_ride=9)).allowed
    # Two spellings of the same digits never pair; two wrappings do.
    pairs = [p for p in plans() if len(p) == 2]
    assert ("digit_words", "positional") not in pairs and ("bold", "nul") in pairs
