# The support catalogue as rows (issue 19): quota lines and support kinds. Its rows are created
# by 0005, and support actions point at them from 0006 (three migrations, so that PostgreSQL
# never alters a table with pending trigger events).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('support', '0003_move_units_to_base'),
    ]

    operations = [
        migrations.CreateModel(
            name='QuotaGroup',
            fields=[
                ('code', models.SlugField(max_length=30, primary_key=True, serialize=False, verbose_name='mã')),
                ('name', models.CharField(max_length=200, verbose_name='tên')),
                ('position', models.PositiveSmallIntegerField(default=0, verbose_name='thứ tự')),
                ('counts_children', models.BooleanField(default=False, help_text='Báo cáo đếm số cháu (số lượng) thay cho số hộ, như nhận đỡ đầu trẻ em.', verbose_name='đếm theo số cháu')),
            ],
            options={
                'verbose_name': 'nhóm định mức hỗ trợ',
                'verbose_name_plural': 'nhóm định mức hỗ trợ',
                'ordering': ['position', 'code'],
            },
        ),
        migrations.AlterModelOptions(
            name='supportaction',
            options={'ordering': ['plan_year', 'kind_id', 'id'], 'verbose_name': 'hoạt động hỗ trợ', 'verbose_name_plural': 'hoạt động hỗ trợ'},
        ),
        migrations.CreateModel(
            name='SupportKind',
            fields=[
                ('code', models.SlugField(max_length=30, primary_key=True, serialize=False, verbose_name='mã')),
                ('name', models.CharField(max_length=200, verbose_name='tên')),
                ('position', models.PositiveSmallIntegerField(default=0, verbose_name='thứ tự')),
                ('lead_agency', models.CharField(default='@ubnd', help_text='Mã cơ quan; @ubnd là UBND phường/xã của hộ.', max_length=40, verbose_name='mã cơ quan chủ trì')),
                ('coordinating_agencies', models.JSONField(blank=True, default=list, help_text='Danh sách mã cơ quan, ví dụ ["tnmt", "@ubnd"].', verbose_name='mã các cơ quan phối hợp')),
                ('indicators', models.JSONField(blank=True, default=dict, help_text='Mã chỉ số → thứ tự gợi ý của loại hỗ trợ này cho chỉ số đó, ví dụ {"employment": 1}.', verbose_name='chỉ số thiếu hụt được giải quyết')),
                ('sponsorship', models.BooleanField(default=False, help_text='Hoạt động ghi trẻ được đỡ đầu (hoặc số cháu), người đỡ đầu và mức hằng tháng.', verbose_name='đỡ đầu trẻ em')),
                ('quota_group', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='kinds', to='support.quotagroup', verbose_name='nhóm định mức')),
            ],
            options={
                'verbose_name': 'loại hỗ trợ',
                'verbose_name_plural': 'loại hỗ trợ',
                'ordering': ['position', 'code'],
            },
        ),
    ]
