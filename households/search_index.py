"""The diacritics-insensitive search at scale on SQLite: an FTS5 trigram index of ``search_text``.

The household list searches each folded word with ``search_text LIKE '%word%'``. On PostgreSQL a
``pg_trgm`` GIN index serves that (migration 0003). SQLite has no such index type, but its FTS5
``trigram`` tokenizer (SQLite ≥ 3.34) answers the same ``LIKE`` for words of three characters or
more (as FTS5 phrases); shorter words keep the plain ``LIKE`` (a trigram index cannot serve them).

The index is an external-content FTS5 table over ``households_household`` kept in step by three
triggers. It is created, and its triggers re-created, after every ``migrate`` (``post_migrate``)
rather than by a migration: on SQLite, a migration that alters the household table rebuilds the
table and drops its triggers, and an index made once by a migration would then silently go stale.
"""

from __future__ import annotations

import sqlite3

from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

TABLE = "households_search"
SOURCE = "households_household"
TRIGGERS = {
    f"{TABLE}_ai": f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_ai AFTER INSERT ON {SOURCE} BEGIN
        INSERT INTO {TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END""",
    f"{TABLE}_ad": f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_ad AFTER DELETE ON {SOURCE} BEGIN
        INSERT INTO {TABLE}({TABLE}, rowid, search_text) VALUES ('delete', old.id, old.search_text); END""",
    f"{TABLE}_au": f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_au AFTER UPDATE OF search_text ON {SOURCE} BEGIN
        INSERT INTO {TABLE}({TABLE}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        INSERT INTO {TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END""",
}
MIN_WORD = 3  # a trigram index serves LIKE patterns of at least three characters


def available(using: str = "default") -> bool:
    return connections[using].vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 34, 0)


def ensure(using: str = "default") -> bool:
    """Create the index and its triggers where missing, and then fill the index from the table.
    Returns True when something had to be (re)built. Does nothing on other databases."""
    if not available(using):
        return False
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {name for (name,) in cursor.fetchall()} & {SOURCE, TABLE, *TRIGGERS}
        if SOURCE not in present:  # migrated back to zero: nothing to index
            return False
        if present >= {TABLE, *TRIGGERS}:
            return False
        cursor.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
                       f"search_text, content='{SOURCE}', content_rowid='id', tokenize='trigram')")
        for sql in TRIGGERS.values():
            cursor.execute(sql)
        cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")
    return True


def matching(qs: QuerySet, words: list[str], *, use_index: bool = True) -> QuerySet:
    """Households whose folded search text contains every one of ``words`` (already folded).

    On SQLite the words of three characters or more go to the index in one query (an FTS5
    phrase per word, ANDed: with the trigram tokenizer a phrase matches exactly where ``LIKE
    '%word%'`` does), so the index intersects them; one ``IN`` per word would materialise a
    large set for every common word (“nguyen”, “thi”). Shorter words, and other databases, use
    ``LIKE`` (served by pg_trgm on PostgreSQL).

    ``use_index=False`` when the rows are already narrowed to one unit (a ward officer, the unit
    filter): scanning a unit's few thousand rows beats the index, whose candidates for a common
    word (“tran”) are a sixth of the city (SQLite: 25 against 80 ms at 100,000 households)."""
    indexed = [w for w in words if len(w) >= MIN_WORD] if use_index and available(qs.db) else []
    if indexed:
        query = " AND ".join('"' + w.replace('"', '""') + '"' for w in indexed)
        qs = qs.filter(pk__in=RawSQL(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", (query,)))
    for word in words:
        if word not in indexed:
            qs = qs.filter(search_text__contains=word)
    return qs
