"""The phrasings other modules read, taken from the vocabulary data (``rag/vocabulary/phrases/``).

The phrase tables themselves are YAML; this module only offers them in the shapes the
catalog, the routes and the pipeline use.
"""

from __future__ import annotations

from typing import Final

from rag.facts import reason_implied_requests
from rag.vocabulary import phrase, vocabulary

__all__ = ["REASON_IMPLIED_REQUEST", "SERVICE_PHRASES", "phrase"]

#: service -> phrasing, in vocabulary order.
SERVICE_PHRASES: Final[tuple[tuple[str, str], ...]] = tuple(
    (str(e.value), e.compiled.pattern) for e in vocabulary().of("service", "fact")
)
#: With no item named, these reasons mean the customer needs to reach the driver.
REASON_IMPLIED_REQUEST: Final[tuple[tuple[str, str], ...]] = reason_implied_requests()
