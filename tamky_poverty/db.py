"""Database housekeeping the application does itself."""

from __future__ import annotations

from django.db import connections

REGISTER_TABLES = ("households_household", "households_member", "households_assessment",
                   "households_deprivation")
BULK_ROWS = 500  # an import at least this large refreshes the statistics


def refresh_statistics(using: str = "default") -> None:
    """Refresh the query planner's statistics of the register's tables, after a bulk change (a
    large import, a migration). PostgreSQL's autovacuum gets there eventually; SQLite has nothing
    of the kind, and without statistics it reads the 100,000-household register through an index
    where a plain scan is 4× faster (the search and the list's count, bench/README.md)."""
    with connections[using].cursor() as cursor:
        for table in REGISTER_TABLES:
            cursor.execute(f"ANALYZE {table}")
