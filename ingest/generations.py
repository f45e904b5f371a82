"""Which collection is live: a pointer record kept in Chroma itself.

Every ingest that changes anything writes a whole new collection ``<base>__g<stamp>`` and only
then flips the pointer. The pointer is the metadata of a small collection ``<base>__meta``;
Chroma updates a collection's metadata in one SQLite transaction, embedded or behind
``chroma run``, so readers see either the old or the new collection, never a half-written one,
and the same code works in both modes (a pointer file could not be shared with a remote server).

After a flip the previous collection is kept, so a reader that loaded it a moment ago keeps
answering until it notices the new generation; older ones, and any left half-written by a
crashed ingest, are dropped by the next successful ingest.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ingest.chroma_client import chroma_errors, is_missing_collection

META_SUFFIX = "__meta"
_GEN_RE = re.compile(r"__g\d{8}T\d{6}\d{6}Z-[0-9a-f]{6}$")


@dataclass(frozen=True)
class Pointer:
    active: str
    previous: str | None = None
    updated_at: str = ""


def meta_name(base: str) -> str:
    return f"{base}{META_SUFFIX}"


def new_collection_name(base: str) -> str:
    """A fresh, sortable, unique name: ``<base>__g<UTC time to the microsecond>Z-<random>``."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    return f"{base}__g{stamp}Z-{secrets.token_hex(3)}"


def is_generation_of(base: str, name: str) -> bool:
    return name.startswith(f"{base}__g") and _GEN_RE.search(name) is not None


def _meta_collection(client: Any, base: str, create: bool) -> Any | None:
    with chroma_errors("open pointer"):
        try:
            return client.get_collection(meta_name(base), embedding_function=None)
        except Exception as exc:
            if not is_missing_collection(exc):
                raise
        if not create:
            return None
        # No records and no vectors: the collection exists only to carry the pointer.
        return client.get_or_create_collection(
            meta_name(base), embedding_function=None, metadata={"role": "pointer"}
        )


def read_pointer(client: Any, base: str) -> Pointer | None:
    meta = _meta_collection(client, base, create=False)
    if meta is None:
        return None
    data = dict(meta.metadata or {})
    active = data.get("active")
    if not isinstance(active, str) or not active:
        return None
    previous = data.get("previous")
    return Pointer(
        active=active,
        previous=previous if isinstance(previous, str) and previous else None,
        updated_at=str(data.get("updated_at", "")),
    )


def flip_pointer(client: Any, base: str, new_active: str) -> Pointer:
    """Make ``new_active`` live in one metadata update; the old active becomes ``previous``."""
    old = read_pointer(client, base)
    meta = _meta_collection(client, base, create=True)
    assert meta is not None
    data: dict[str, str] = {
        "role": "pointer",
        "active": new_active,
        "updated_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if old is not None and old.active != new_active:
        data["previous"] = old.active
    with chroma_errors("flip pointer"):
        meta.modify(metadata=data)
    return Pointer(active=new_active, previous=data.get("previous"), updated_at=data["updated_at"])


def drop_stale(client: Any, base: str, keep: set[str]) -> list[str]:
    """Drop this base's generations not in ``keep`` (older ones, crashed half-writes)."""
    dropped: list[str] = []
    with chroma_errors("list collections"):
        names = [c if isinstance(c, str) else c.name for c in client.list_collections()]
    for name in names:
        if name in keep or not is_generation_of(base, name):
            continue
        with chroma_errors("drop collection"):
            try:
                client.delete_collection(name)
            except Exception as exc:  # dropped meanwhile by someone else: fine
                if not is_missing_collection(exc):
                    raise
        dropped.append(name)
    return dropped
