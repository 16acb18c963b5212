"""The database cache's table (settings.CACHES, `django_cache`), made by `migrate` so that a new
machine needs no extra command. With REDIS_URL the cache is in Redis and this does nothing."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("jobs", "0001_jobs")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=False)]
