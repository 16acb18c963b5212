"""The support catalogue as it stood when it became data (before: the enums SupportKind and
QuotaKind and support/catalogue.py's tables): every kind an existing action or quota may name.
Frozen here; later changes go through fixtures/reference.json (load_reference) or the admin.
The names are marked for the English catalogue (SupportKind.__str__ translates them)."""

from django.db import migrations
from django.utils.translation import gettext_noop as _noop

QUOTA_GROUPS = [
    {'code': 'livelihood', 'name': _noop('Hỗ trợ phương tiện sinh kế'), 'position': 1, 'counts_children': False},
    {'code': 'housing', 'name': _noop('Hỗ trợ sửa chữa, xây dựng mới nhà ở'), 'position': 2, 'counts_children': False},
    {'code': 'sponsorship', 'name': _noop('Nhận đỡ đầu trẻ em'), 'position': 3, 'counts_children': True},
    {'code': 'loan', 'name': _noop('Vay vốn ưu đãi'), 'position': 4, 'counts_children': False},
    {'code': 'vocational_training', 'name': _noop('Đào tạo nghề'), 'position': 5, 'counts_children': False},
    {'code': 'job_placement', 'name': _noop('Giới thiệu việc làm'), 'position': 6, 'counts_children': False},
    {'code': 'health_insurance', 'name': _noop('Cấp thẻ BHYT'), 'position': 7, 'counts_children': False},
    {'code': 'education', 'name': _noop('Hỗ trợ giáo dục'), 'position': 8, 'counts_children': False},
]

SUPPORT_KINDS = [
    {'code': 'livelihood', 'name': _noop('Hỗ trợ phương tiện sinh kế'), 'position': 1, 'quota_group': 'livelihood', 'lead_agency': '@ubnd', 'coordinating_agencies': ['tnmt', 'ttktnn', 'nhcsxh', 'hoi-doan-the'], 'indicators': {'employment': 3}, 'sponsorship': False},
    {'code': 'housing_repair', 'name': _noop('Sửa chữa nhà ở'), 'position': 2, 'quota_group': 'housing', 'lead_agency': '@ubnd', 'coordinating_agencies': ['mttq', 'tnmt'], 'indicators': {'housing_quality': 1, 'floor_area': 2}, 'sponsorship': False},
    {'code': 'housing_new', 'name': _noop('Xây dựng mới nhà ở'), 'position': 3, 'quota_group': 'housing', 'lead_agency': '@ubnd', 'coordinating_agencies': ['mttq', 'tnmt'], 'indicators': {'housing_quality': 2, 'floor_area': 1}, 'sponsorship': False},
    {'code': 'sponsorship', 'name': _noop('Nhận đỡ đầu trẻ em'), 'position': 4, 'quota_group': 'sponsorship', 'lead_agency': '@ubnd', 'coordinating_agencies': ['hoi-doan-the', 'mttq'], 'indicators': {'dependants': 2}, 'sponsorship': True},
    {'code': 'loan', 'name': _noop('Vay vốn ưu đãi'), 'position': 5, 'quota_group': 'loan', 'lead_agency': '@ubnd', 'coordinating_agencies': ['nhcsxh'], 'indicators': {}, 'sponsorship': False},
    {'code': 'vocational_training', 'name': _noop('Đào tạo nghề'), 'position': 6, 'quota_group': 'vocational_training', 'lead_agency': '@ubnd', 'coordinating_agencies': ['tnmt', 'gdnn-tinh', 'hoi-doan-the'], 'indicators': {'employment': 2, 'adult_education': 1}, 'sponsorship': False},
    {'code': 'job_placement', 'name': _noop('Giới thiệu việc làm'), 'position': 7, 'quota_group': 'job_placement', 'lead_agency': '@ubnd', 'coordinating_agencies': ['tnmt', 'hoi-doan-the'], 'indicators': {'employment': 1}, 'sponsorship': False},
    {'code': 'health_insurance', 'name': _noop('Cấp thẻ BHYT'), 'position': 8, 'quota_group': 'health_insurance', 'lead_agency': 'ttyt', 'coordinating_agencies': ['tnmt', '@ubnd'], 'indicators': {'health_insurance': 1}, 'sponsorship': False},
    {'code': 'nutrition', 'name': _noop('Hỗ trợ dinh dưỡng'), 'position': 9, 'quota_group': None, 'lead_agency': 'ttyt', 'coordinating_agencies': ['@ubnd', 'hoi-doan-the'], 'indicators': {'nutrition': 1}, 'sponsorship': False},
    {'code': 'education', 'name': _noop('Hỗ trợ giáo dục (miễn học phí, học bổng)'), 'position': 10, 'quota_group': 'education', 'lead_agency': 'gddt', 'coordinating_agencies': ['tnmt', 'khuyen-hoc', '@ubnd'], 'indicators': {'adult_education': 2, 'child_schooling': 1}, 'sponsorship': False},
    {'code': 'information', 'name': _noop('Hỗ trợ tiếp cận thông tin'), 'position': 11, 'quota_group': None, 'lead_agency': 'vhkhtt', 'coordinating_agencies': ['ttvhttt', '@ubnd'], 'indicators': {'telecom': 1, 'information_means': 1}, 'sponsorship': False},
    {'code': 'legal_aid', 'name': _noop('Trợ giúp pháp lý'), 'position': 12, 'quota_group': None, 'lead_agency': 'tuphap', 'coordinating_agencies': ['tnmt', '@ubnd'], 'indicators': {}, 'sponsorship': False},
    {'code': 'electricity', 'name': _noop('Hỗ trợ tiền điện'), 'position': 13, 'quota_group': None, 'lead_agency': 'tnmt', 'coordinating_agencies': ['@ubnd'], 'indicators': {}, 'sponsorship': False},
    {'code': 'social_allowance', 'name': _noop('Trợ cấp bảo trợ xã hội'), 'position': 14, 'quota_group': None, 'lead_agency': '@ubnd', 'coordinating_agencies': ['tnmt'], 'indicators': {'dependants': 1}, 'sponsorship': False},
]


def create_rows(apps, schema_editor):
    QuotaGroup = apps.get_model("support", "QuotaGroup")
    SupportKind = apps.get_model("support", "SupportKind")
    for row in QUOTA_GROUPS:
        QuotaGroup.objects.get_or_create(code=row["code"], defaults={k: v for k, v in row.items() if k != "code"})
    for row in SUPPORT_KINDS:
        values = {k: v for k, v in row.items() if k not in ("code", "quota_group")}
        SupportKind.objects.get_or_create(code=row["code"], defaults={**values, "quota_group_id": row["quota_group"]})


class Migration(migrations.Migration):

    dependencies = [
        ('support', '0004_support_catalogue'),
    ]

    operations = [
        migrations.RunPython(create_rows, migrations.RunPython.noop),
    ]
