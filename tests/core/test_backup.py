"""Backups (issue 7): a dump made by ``backup_register`` restores with ``restore_register`` into a
freshly emptied database as an identical register — every row of every project model, the audit
history included."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from households.models import Assessment, Household, Member
from households.services import assessment_record, household_soft_delete, member_save
from reports.models import MonthlyReport
from support.models import ActionStatus, SupportAction
from tests.factories import MemberFactory, household_with_head

PROJECT_APPS = ("tamky_poverty", "households", "support", "targets", "reports")


def register_snapshot() -> dict[str, list[dict]]:
    """Every row of every project model (historical tables too), ordered by key."""
    snapshot = {}
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            rows = list(model._base_manager.order_by("pk").values())
            snapshot[model._meta.label] = rows
    for model_name in ("tamky_poverty.User_groups", "tamky_poverty.User_user_permissions"):
        snapshot.pop(model_name, None)
    return snapshot


def build_register(ref, ward_officer, tnmt):
    households = []
    for n, unit in enumerate([ref.an_phu, ref.an_phu, ref.tam_thang]):
        household = household_with_head(unit, code=f"SB-{n}", head_name=f"Trần Thị Sao Lưu {n}")
        child = MemberFactory.build(household=household, full_name=f"Con {n}", relation=Member.Relation.CHILD,
                                    date_of_birth=dt.date(2015, 1, 1), citizen_id=None)
        member_save(actor=ward_officer, member=child)
        first = assessment_record(
            actor=ward_officer, household=household, kind="annual", year=2024, income_per_capita=1_000_000,
            indicators={"employment": True, "health_insurance": True, "telecom": True},
            decision_number=f"QĐ-{n}/2024", decision_date=dt.date(2024, 12, 10), suggestions={},
        )
        second = assessment_record(
            actor=ward_officer, household=household, kind="regular", year=2025, income_per_capita=2_600_000,
            indicators={"telecom": True}, decision_number=f"QĐ-{n}/2025", decision_date=dt.date(2025, 6, 1),
            suggestions={},
        )
        assert first.pk and second.pk
        SupportAction.objects.create(
            household=household, kind_id="livelihood", household_class=household.current_class,
            description="Bò giống sinh sản", lead_agency=ref.agencies["ttyt"], plan_year=2025,
            amount=15_000_000, status=ActionStatus.COMPLETED, completed_date=dt.date(2025, 5, 1),
            created_by=tnmt,
        )
        households.append(household)
    household_soft_delete(actor=ward_officer, household=households[-1], reason="Chuyển hộ khẩu")
    MonthlyReport.objects.create(unit=ref.an_phu, year=2025, month=5, status="approved",
                                 snapshot={"poor": 2, "rows": [["An Phú", 2]]}, prepared_by=ward_officer,
                                 reviewed_by=tnmt, difficulties="Thiếu vốn <b>đối ứng</b>")


@pytest.mark.django_db(transaction=True)
def test_backup_restores_to_an_identical_register(ref, ward_officer, tnmt, admin_user, tmp_path):
    build_register(ref, ward_officer, tnmt)
    before = register_snapshot()
    assert len(before["households.Household"]) == 3
    assert len(before["households.Member"]) == 6
    assert len(before["households.Assessment"]) == 6
    assert len(before["households.Deprivation"]) == 72
    assert len(before["support.SupportAction"]) == 1 * 3
    assert before["households.HistoricalHousehold"]

    backup = tmp_path / "dang-ky.json.gz"
    call_command("backup_register", output=str(backup))
    assert backup.stat().st_size > 0

    call_command("flush", interactive=False, verbosity=0)  # a new, empty, migrated database
    assert not Household.objects.exists() and not Assessment.objects.exists()

    call_command("restore_register", str(backup))
    after = register_snapshot()
    assert after.keys() == before.keys()
    for label in before:
        assert after[label] == before[label], label

    # the restored register works: the officer still logs in, decisions are still frozen
    restored = Household.objects.get(code="SB-0")
    assert restored.current_assessment.decision_number == "QĐ-0/2025"
    assert restored.members.count() == 2
    assert Household.objects.get(code="SB-2").deleted_reason == "Chuyển hộ khẩu"


@pytest.mark.django_db
def test_restore_refuses_a_database_that_already_has_data(ref, ward_officer, tmp_path):
    backup = tmp_path / "b.json"
    call_command("backup_register", output=str(backup))
    with pytest.raises(CommandError, match="đã có dữ liệu"):
        call_command("restore_register", str(backup))


# --- Issue 15: hostile strings round-trip byte for byte; a failed backup leaves nothing ----------

# Strings a register may hold from before the text rules (issue 15) or from a script: control
# characters the XML serializer could not write, spaces it stripped on restore, markup, overrides.
HOSTILE = [
    "tab\tvertical\x0bform\x0cunit\x1fdel\x7fnel\x85",
    "  hai dấu cách đầu và cuối  ",
    "dòng 1\r\ndòng 2\rdòng 3\n",
    "\u202eđảo chiều\u202c \u200bvô hình\ufeff",
    "]]><![CDATA[ <b>&amp;</b> \"ngoặc\" 'đơn' \\ gạch",
    "Nguye\u0302\u0303n (NFD) 👪 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    " ",
]


def _plant_hostile_strings(ref, ward_officer, tnmt):
    """Hostile values saved without validation (as legacy data would be), each save writing an
    audit-history row that carries the value too."""
    from tamky_poverty.models import AccessRecord

    household = household_with_head(ref.an_phu, code="HOSTILE")
    for n, value in enumerate(HOSTILE):
        household.address = value
        household.village = value[:100]
        household._history_user = ward_officer
        household.save()
        member = household.members.get()
        member.full_name = value[:100]
        member.ethnicity = value[:40]
        member._history_user = ward_officer
        member.save()
        SupportAction.objects.create(
            household=household, kind_id="livelihood", household_class="poor", description=value,
            notes=value, sponsor=value[:200], lead_agency=ref.agencies["ttyt"], plan_year=2025,
            amount=10**15 + n, created_by=tnmt)
        AccessRecord.objects.create(user=tnmt, action="export", object_repr=value, detail={"filter": {"q": value}})
    MonthlyReport.objects.create(unit=ref.an_phu, year=2025, month=7, status="draft", difficulties="\n".join(HOSTILE),
                                 proposals=HOSTILE[1], prepared_by=ward_officer,
                                 snapshot={"rows": [[value, 1.5] for value in HOSTILE]})


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_keep_hostile_strings_byte_for_byte(ref, ward_officer, tnmt, tmp_path):
    build_register(ref, ward_officer, tnmt)
    _plant_hostile_strings(ref, ward_officer, tnmt)
    before = register_snapshot()
    assert any(row["address"] == HOSTILE[0] for row in before["households.HistoricalHousehold"])

    backup = tmp_path / "dang-ky.json.gz"
    call_command("backup_register", output=str(backup))
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore_register", str(backup))
    after = register_snapshot()
    for label in before:
        assert after[label] == before[label], label
    restored = Household.objects.get(code="HOSTILE")
    assert restored.address == HOSTILE[-1]
    assert MonthlyReport.objects.get(month=7).proposals == "  hai dấu cách đầu và cuối  "  # not stripped


@pytest.mark.django_db
def test_a_failed_backup_leaves_no_file_and_keeps_the_previous_one(ref, ward_officer, tnmt, tmp_path, monkeypatch):
    from tamky_poverty.management.commands import backup_register

    build_register(ref, ward_officer, tnmt)
    backup = tmp_path / "dang-ky.json.gz"
    call_command("backup_register", output=str(backup))
    previous = backup.read_bytes()

    real_objects = backup_register._objects

    def breaks_halfway(using):
        for n, obj in enumerate(real_objects(using)):
            if n == 40:
                raise OSError("Ổ đĩa đầy")
            yield obj

    monkeypatch.setattr(backup_register, "_objects", breaks_halfway)
    with pytest.raises(CommandError, match="Sao lưu thất bại, không tệp nào được ghi: Ổ đĩa đầy"):
        call_command("backup_register", output=str(backup))
    assert [p.name for p in tmp_path.iterdir()] == ["dang-ky.json.gz"]  # no partial file left
    assert backup.read_bytes() == previous  # the earlier backup is untouched

    fresh = tmp_path / "moi.json.gz"
    with pytest.raises(CommandError):
        call_command("backup_register", output=str(fresh))
    assert not fresh.exists()


@pytest.mark.django_db
def test_backup_file_is_readable_by_its_owner_only(ref, tmp_path):
    backup = tmp_path / "b.json.xz"
    call_command("backup_register", output=str(backup))
    assert backup.stat().st_mode & 0o777 == 0o600


@pytest.mark.django_db
def test_restore_of_a_damaged_file_writes_nothing(ref, tmp_path):
    from tamky_poverty.models import User

    damaged = tmp_path / "hong.json"
    damaged.write_text('[{"model": "tamky_poverty.user", "pk": 1, "fields": {"username": "a"', encoding="utf-8")
    User.objects.all().delete()
    with pytest.raises(CommandError, match="không dữ liệu nào được ghi"):
        call_command("restore_register", str(damaged))
    assert not User.objects.exists()
