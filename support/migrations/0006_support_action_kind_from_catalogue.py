# Support actions name their kind by a foreign key to the catalogue (the column keeps its name and
# its values, the codes), so an existing database keeps every action as it was.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('support', '0005_support_catalogue_rows'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicalsupportaction',
            name='kind',
            field=models.ForeignKey(blank=True, db_column='kind', db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='support.supportkind', verbose_name='loại hỗ trợ'),
        ),
        migrations.AlterField(
            model_name='supportaction',
            name='kind',
            field=models.ForeignKey(db_column='kind', on_delete=django.db.models.deletion.PROTECT, related_name='actions', to='support.supportkind', verbose_name='loại hỗ trợ'),
        ),
    ]
