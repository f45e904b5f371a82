"""Thumbs up/down on suggestions, kept in SQLite under the data dir for later evaluation.

The console's personal values (driver name, phone, plate) are replaced by placeholders in every
stored text and left out of the stored facts: feedback is for judging replies, and a reply's
quality does not depend on the actual number it carried.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

from api.schemas import FeedbackRequest

_PERSONAL = ("driver_name", "driver_phone", "vehicle_plate")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    request_id TEXT,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    question TEXT NOT NULL,
    facts_json TEXT NOT NULL,
    reply TEXT NOT NULL,
    chunk_ids_json TEXT NOT NULL,
    comment TEXT
)
"""


def redact(text: str, values: dict[str, str]) -> str:
    for field, value in values.items():
        if value.strip():
            text = text.replace(value, "{" + field + "}")
    return text


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()  # one writer at a time within the process
        self._initialised = False

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=5.0)
        if not self._initialised:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(_SCHEMA)
            self._initialised = True
        return conn

    def add(self, item: FeedbackRequest, request_id: str | None = None) -> int:
        facts = item.case.model_dump(exclude_none=True)
        personal = {k: str(facts.pop(k)) for k in _PERSONAL if k in facts}
        for k in personal:
            facts[f"has_{k}"] = True
        row = (
            datetime.now(UTC).isoformat(timespec="seconds"),
            item.request_id or request_id,
            item.rating,
            redact(item.question, personal),
            json.dumps(facts, ensure_ascii=False, sort_keys=True),
            redact(item.reply, personal),
            json.dumps(item.chunk_ids, ensure_ascii=False),
            redact(item.comment, personal) if item.comment else None,
        )
        with self._lock:
            conn = self._connect()
            try:
                with conn:
                    cur = conn.execute(
                        "INSERT INTO feedback (created_at, request_id, rating, question,"
                        " facts_json, reply, chunk_ids_json, comment)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        row,
                    )
                return int(cur.lastrowid or 0)
            finally:
                conn.close()

    def rows(self) -> list[dict[str, object]]:
        """Every stored row, oldest first (for evaluation scripts and tests)."""
        if not self.path.exists():
            return []
        conn = self._connect()
        conn.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in conn.execute("SELECT * FROM feedback ORDER BY id")]
        finally:
            conn.close()
