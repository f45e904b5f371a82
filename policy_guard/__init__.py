"""policy_guard."""
