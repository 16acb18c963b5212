"""Write django-simple-history rows for a bulk import without building model instances.

``simple_history``'s ``bulk_history_create`` builds one historical model instance per object and
hands them to ``bulk_create`` (on SQLite in batches of 999 parameters); for 40,000 rows that
is about half of the import's time. ``history_create`` writes the very same rows — every
tracked field, ``history_date``, ``history_change_reason``, ``history_type``, ``history_user_id``
chosen exactly as ``bulk_history_create`` chooses them, and every value adapted through the
field's own ``get_db_prep_save`` unless it already has the plain type the driver takes as is —
with one multi-row ``INSERT`` per batch (``COPY`` on PostgreSQL).

It copies library behaviour, so ``tests/households/test_library_copies.py`` holds it to
``bulk_history_create`` row for row on SQLite and PostgreSQL, and the lock pins
django-simple-history exactly: an upgrade that changes the rows fails that test."""

from __future__ import annotations

import datetime as dt
import decimal
import io

from django.conf import settings
from django.db import connections, router
from django.utils import timezone
from simple_history.utils import get_change_reason_from_object, get_history_manager_for_model

ROWS_PER_BATCH = 500

# Values of exactly these types go to the driver unchanged: for them ``get_db_prep_save`` of the
# matching field returns the value itself (CharField/TextField: str; BooleanField: bool; integer
# fields and foreign keys to integer keys: int).
_PLAIN = {
    "CharField": (str,), "TextField": (str,), "SlugField": (str,), "EmailField": (str,),
    "BooleanField": (bool,),
    "IntegerField": (int,), "BigIntegerField": (int,), "SmallIntegerField": (int,),
    "PositiveIntegerField": (int,), "PositiveBigIntegerField": (int,), "PositiveSmallIntegerField": (int,),
    "AutoField": (int,), "BigAutoField": (int,), "SmallAutoField": (int,),
}


def _preparer(field, connection):
    """A function value -> value as Django's INSERT would send it for ``field``."""
    target = field.target_field if field.is_relation else field
    plain = _PLAIN.get(target.get_internal_type(), ())
    # None too: get_db_prep_save(None) is None for all of these.
    if bool in plain:
        plain_types = {bool, type(None)}
    elif plain:
        plain_types = {*plain, type(None)}  # exact types: True is an int, but goes through the field
    else:
        plain_types = set()
    prep = field.get_db_prep_save

    def prepare(value):
        if type(value) in plain_types:
            return value
        return prep(value, connection)

    return prepare


def history_create(objs, model, *, update=False, default_user=None, default_change_reason="",
                   default_date=None) -> int:
    """Insert the historical rows ``bulk_history_create(objs, update=update, default_user=…,
    default_change_reason=…, default_date=…)`` would insert (objects must have their pk).
    Returns the number of rows written."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True) or not objs:
        return 0
    history_model = get_history_manager_for_model(model).model
    if hasattr(history_model, "history_relation"):
        raise NotImplementedError("history_relation is not supported by the fast history insert")
    using = router.db_for_write(history_model)
    connection = connections[using]
    meta = history_model._meta
    tracked = [f.attname for f in history_model.tracked_fields]
    extra = ["history_date", "history_change_reason", "history_type", "history_user_id"]
    fields_by_attname = {f.attname: f for f in meta.concrete_fields}
    expected = set(tracked) | set(extra) | {meta.pk.attname}
    if set(fields_by_attname) != expected:
        raise NotImplementedError(
            f"{meta.label} has fields the fast history insert does not know: "
            f"{sorted(set(fields_by_attname) ^ expected)}")
    attnames = [*tracked, *extra]
    fields = [fields_by_attname[a] for a in attnames]
    preparers = [_preparer(f, connection) for f in fields]
    history_type = "~" if update else "+"

    # The same choices as HistoryManager.bulk_history_create, made once when they are shared.
    fallback_date = default_date or timezone.now()
    rows = []
    for instance in objs:
        if hasattr(instance, "_history_user"):
            user = instance._history_user
        else:
            user = default_user or history_model.get_default_history_user(instance)
        values = [getattr(instance, a) for a in tracked]
        values.append(getattr(instance, "_history_date", fallback_date))
        values.append(get_change_reason_from_object(instance) or default_change_reason)
        values.append(history_type)
        values.append(None if user is None else user.pk)
        rows.append(tuple(p(v) for p, v in zip(preparers, values, strict=True)))

    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    if connection.vendor == "postgresql" and _copy(connection, quote(meta.db_table), columns, rows):
        return len(rows)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    limit = _max_params(connection)
    per_batch = max(1, min(ROWS_PER_BATCH, limit // len(fields)))
    head = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_batch):
            batch = rows[start:start + per_batch]
            cursor.execute(head + ", ".join([one] * len(batch)), [v for row in batch for v in row])
    return len(rows)


# PostgreSQL COPY text format: the text psycopg sends for the same values in an INSERT, with
# backslash, tab, newline and carriage return escaped and NULL written \N.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is str:
        return value.translate(_COPY_ESCAPES)
    if kind is bool:
        return "t" if value else "f"
    if kind is int or kind is decimal.Decimal:
        return str(value)
    if kind is dt.datetime or kind is dt.date:
        return value.isoformat()
    if isinstance(value, str):  # e.g. a TextChoices member: its text, as psycopg sends it
        return str.translate(value, _COPY_ESCAPES)
    raise TypeError(kind)


def _copy(connection, table: str, columns: str, rows) -> bool:
    """Write ``rows`` with one ``COPY … FROM STDIN`` (3–4× faster than multi-row INSERTs on
    PostgreSQL). False, having written nothing, when a value has a type this does not format
    or the driver has no COPY: the caller then uses INSERT."""
    try:
        data = "".join("\t".join([_copy_text(v) for v in row]) + "\n" for row in rows)
    except TypeError:
        return False
    sql = f"COPY {table} ({columns}) FROM STDIN"
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if hasattr(raw, "copy_expert"):  # psycopg2
            raw.copy_expert(sql, io.StringIO(data))
            return True
        if hasattr(raw, "copy"):  # psycopg 3
            with raw.copy(sql) as copy:
                copy.write(data)
            return True
    return False


def _max_params(connection) -> int:
    if connection.vendor == "sqlite":
        try:
            import sqlite3

            connection.ensure_connection()
            return min(32000, connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
        except (AttributeError, TypeError):
            return connection.features.max_query_params or 999
    return min(32000, connection.features.max_query_params or 32000)


__all__ = ["history_create"]
