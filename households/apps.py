from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from tamky_poverty import integrity
from tamky_poverty.signals import units_reorganised


def _after_migrate(using="default", **kwargs):
    from django.db import connections

    from households import search_index
    from tamky_poverty import db

    connection = connections[using]
    if "households_household" not in connection.introspection.table_names():
        return  # migrated back to zero
    search_index.ensure(using)
    if connection.vendor == "sqlite":  # PostgreSQL has autovacuum
        db.refresh_statistics(using)


class HouseholdsConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'households'
    verbose_name = _("Hộ nghèo, cận nghèo")

    def ready(self):
        # SQLite's trigram search index is (re)made after every migrate (see search_index.py), and
        # SQLite gets the planner statistics it never gathers by itself (tamky_poverty/db.py).
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="households_search_index")
        # Recorded decisions never change (tamky_poverty/integrity.py).
        integrity.connect_assessment_guards(self.get_model("Assessment"), self.get_model("Deprivation"))
        # A reorganisation moves the households of the dissolved units (households/territory.py).
        from households import territory  # models are ready only now

        units_reorganised.connect(territory.move_households, dispatch_uid="households_move_on_reorganisation")
        # The export of a long household list runs as a background job (households/jobs.py).
        from households.jobs import register_kinds

        register_kinds()
