"""The tables of the models moved to the base app take the base app's names (the rows, ids and
every foreign key pointing at them are kept: a table rename changes neither)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("tamky_poverty", "0002_move_units_to_base"),
        ("households", "0007_move_units_to_base"),
        ("support", "0003_move_units_to_base"),
        ("targets", "0002_move_units_to_base"),
        ("reports", "0003_move_units_to_base"),
    ]

    operations = [
        migrations.AlterModelTable(name="administrativeunit", table=None),
        migrations.AlterModelTable(name="unityearfigures", table=None),
        migrations.AlterModelTable(name="agency", table=None),
    ]
