"""Thumbs up/down on suggestions, kept in SQLite under the data dir for later evaluation.

Every stored text (question, reply, comment, the free-text service, chunk ids, request id) goes
through the guard's own redaction: each phone number, plate, account, identity number and
driver name its detectors read, in any spelling and whether or not it is the case's, becomes a
typed mask such as ``[전화번호]``. The case's personal values (driver name, phone, plate) are
left out of the stored facts (kept as ``has_…`` flags): feedback is for judging replies, and a
reply's quality does not depend on the actual number it carried.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

from api.schemas import FeedbackRequest
from policy_guard.redact import redact

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
        case = item.case
        facts = case.model_dump(exclude_none=True)
        for k in _PERSONAL:
            if facts.pop(k, None) is not None:
                facts[f"has_{k}"] = True
        facts = {k: redact(v, case) if isinstance(v, str) else v for k, v in facts.items()}
        rid = item.request_id or request_id
        row = (
            datetime.now(UTC).isoformat(timespec="seconds"),
            redact(rid, case) if rid else None,
            item.rating,
            redact(item.question, case),
            json.dumps(facts, ensure_ascii=False, sort_keys=True),
            redact(item.reply, case),
            json.dumps([redact(c, case) for c in item.chunk_ids], ensure_ascii=False),
            redact(item.comment, case) if item.comment else None,
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
