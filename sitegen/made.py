"""Outputs slow to make (the guide's PDFs), kept in the build cache by what they were made from:
a deploy without the last output copies them instead of spending a second on each."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from .cache import reading, transaction


def read_made(folder: Path | None, name: str, made_from: str) -> bytes | None:
    """The bytes an output slow to make (a PDF) had when made from `made_from`, if the cache keeps them."""
    for conn in reading(folder):
        try:
            row = conn.execute("SELECT data FROM made WHERE name = ? AND made_from = ?", (name, made_from)).fetchone()
        except sqlite3.Error:
            return None
        return bytes(row[0]) if row is not None else None
    return None


def write_made(folder: Path, name: str, made_from: str, data: bytes) -> None:
    """Keep an output's bytes by what they were made from; one version per output name."""
    def work(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT OR REPLACE INTO made VALUES (?, ?, ?)", (name, made_from, data))

    transaction(folder, work)
