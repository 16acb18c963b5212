"""The search text no longer holds citizen IDs (issue 15: digits of an ID typed in the search box
revealed masked IDs). Rebuilds every household's search text from its code, village, address
and members' names, as ``households.services.build_search_text`` now does. On SQLite the
trigram index follows through its update trigger."""

from django.db import migrations

from households.text import fold

BATCH = 1000


def rebuild(apps, schema_editor):
    Household = apps.get_model("households", "Household")
    Member = apps.get_model("households", "Member")
    ids = list(Household.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        names = {}
        for household_id, name in (Member.objects.filter(household_id__in=chunk)
                                   .order_by("household_id", "date_of_birth", "id")
                                   .values_list("household_id", "full_name")):
            names.setdefault(household_id, []).append(name)
        changed = []
        for household in Household.objects.filter(pk__in=chunk).only("pk", "code", "village", "address", "search_text"):
            parts = [household.code, household.village, household.address, *names.get(household.pk, [])]
            text = fold(" ".join(p for p in parts if p))
            if text != household.search_text:
                household.search_text = text
                changed.append(household)
        Household.objects.bulk_update(changed, ["search_text"])


class Migration(migrations.Migration):

    dependencies = [
        ("households", "0009_assessment_correction"),
    ]

    operations = [
        migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=True),
    ]
