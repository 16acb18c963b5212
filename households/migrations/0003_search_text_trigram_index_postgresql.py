"""A trigram GIN index on ``households_household.search_text`` — PostgreSQL only.

The household list searches with ``search_text LIKE '%word%'`` (diacritics-insensitive: the
text is folded). A B-tree cannot serve a leading wildcard; ``pg_trgm``'s GIN index can, which
keeps the search flat at city-province scale (see bench/README.md). On SQLite nothing is done
(its scan of the folded text is the embedded default's cost). Kept out of the model state on
purpose so ``makemigrations --check`` stays clean on every backend. Creating the extension needs
a role allowed to ``CREATE EXTENSION`` (a superuser, or the database owner on PostgreSQL 13+)."""

from django.db import migrations

INDEX = "household_search_text_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON households_household USING gin (search_text gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("households", "0002_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
