"""The search text puts members' names first and separates its fields (issue 18 item 5), so that
a search ranks households where the whole phrase is a member's name first ("nguyen van" is not a
household whose address is Trần Cao Vân and whose member is Nguyễn Kim Hằng). Rebuilds every
household's search text as ``households.services.build_search_text`` now does; on SQLite the
trigram index follows through its update trigger."""

from django.db import migrations

from households.text import search_text_of

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
            text = search_text_of(names.get(household.pk, []), [household.code, household.village, household.address])
            if text != household.search_text:
                household.search_text = text
                changed.append(household)
        Household.objects.bulk_update(changed, ["search_text"])


class Migration(migrations.Migration):

    dependencies = [
        ("households", "0010_search_text_without_citizen_ids"),
    ]

    operations = [
        migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=True),
    ]
