"""SQLite with PostgreSQL's integer bounds (see ``base.py``)."""
