"""Django's SQLite backend, except that integer fields have PostgreSQL's bounds.

SQLite stores any 64-bit integer, so Django validates ``IntegerField`` against ±2⁶³ there and
against ±2³¹ on PostgreSQL: a quantity of 99,999,999,999 was accepted on SQLite and then could not
be restored into PostgreSQL. With this backend (``settings.DATABASES`` selects it for SQLite) a
model's ``full_clean()`` — hence every form, service and the import — refuses the same numbers on
both databases, with Django's message ("Đảm bảo giá trị này nhỏ hơn hoặc bằng 2147483647")."""

from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.backends.sqlite3 import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def integer_field_range(self, internal_type):
        return BaseDatabaseOperations.integer_field_range(self, internal_type)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
