# A quota names its line of the support catalogue by a foreign key (same column, same codes).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('support', '0006_support_action_kind_from_catalogue'),
        ('targets', '0002_move_units_to_base'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='supportquota',
            options={'ordering': ['plan', 'kind_id', 'household_class'], 'verbose_name': 'định mức hỗ trợ', 'verbose_name_plural': 'định mức hỗ trợ'},
        ),
        migrations.AlterField(
            model_name='historicalsupportquota',
            name='kind',
            field=models.ForeignKey(blank=True, db_column='kind', db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='support.quotagroup', verbose_name='loại hỗ trợ'),
        ),
        migrations.AlterField(
            model_name='supportquota',
            name='kind',
            field=models.ForeignKey(db_column='kind', on_delete=django.db.models.deletion.PROTECT, related_name='quotas', to='support.quotagroup', verbose_name='loại hỗ trợ'),
        ),
    ]
