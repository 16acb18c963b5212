"""One full-name field for users, filled from the former first/last name pair in Vietnamese
order (family name, middle name, given name): "Nguyễn" + "Thị Hồng" → "Nguyễn Thị Hồng"."""

from django.db import migrations, models


def join_names(apps, schema_editor):
    User = apps.get_model("tamky_poverty", "User")
    for user in User.objects.only("pk", "first_name", "last_name"):
        name = " ".join(f"{user.last_name} {user.first_name}".split())
        if name:
            User.objects.filter(pk=user.pk).update(full_name=name)


def split_names(apps, schema_editor):
    """Back to the pair: the first word is the family name, the rest the given names."""
    User = apps.get_model("tamky_poverty", "User")
    for user in User.objects.exclude(full_name="").only("pk", "full_name"):
        family, _, given = user.full_name.partition(" ")
        User.objects.filter(pk=user.pk).update(last_name=family, first_name=given)


class Migration(migrations.Migration):

    dependencies = [
        ('tamky_poverty', '0006_access_record_search_citizen_id'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='full_name',
            field=models.CharField(blank=True, help_text='Viết đầy đủ theo thứ tự Họ, tên đệm, tên.', max_length=150, verbose_name='họ và tên'),
        ),
        migrations.RunPython(join_names, split_names, elidable=False),
        migrations.RemoveField(
            model_name='user',
            name='first_name',
        ),
        migrations.RemoveField(
            model_name='user',
            name='last_name',
        ),
    ]
