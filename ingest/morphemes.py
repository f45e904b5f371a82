"""One Kiwi morpheme analyser per process, shared by ingest (open conditions read from
headings) and rag (BM25 tokens, negation scopes), so both read words the same way.

Loading costs ~1 s plus ~1.4 s for the first analysis; the instance is created on first use.
"""

from __future__ import annotations

import threading
from typing import Any

#: Slang that Kiwi would split into pieces that mean something else ("전번" → 전 + 번), kept
#: as one noun. Ordinary words are left to Kiwi's own dictionary.
USER_NOUNS: tuple[str, ...] = ("전번", "폰번", "폰번호", "차번", "차넘버", "핸폰", "내역서")

_kiwi: Any = None
#: Guards creation and every analysis call (Kiwi instances are not thread-safe).
KIWI_LOCK = threading.Lock()


def get_kiwi() -> Any:
    global _kiwi
    if _kiwi is None:
        with KIWI_LOCK:
            if _kiwi is None:
                from kiwipiepy import Kiwi

                kiwi = Kiwi()
                for word in USER_NOUNS:
                    kiwi.add_user_word(word, "NNG")
                _kiwi = kiwi
    return _kiwi


def analyse(text: str) -> list[Any]:
    """Kiwi's morphemes of ``text`` as given (offsets index into it)."""
    if not text.strip():
        return []
    kiwi = get_kiwi()
    with KIWI_LOCK:
        return list(kiwi.tokenize(text))
