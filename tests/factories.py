"""factory_boy factories for tests. Units, standards, indicators, agencies, the support catalogue
and the 2025 plan come from the reference data (the ``ref`` fixture); these build what users
create. Where a service writes a model, its factory goes through that service (so a factory-made
row passes the same validation, audit and events as one made on the pages):

- ``AssessmentFactory`` → ``households.services.assessment_record``;
- ``SupportActionFactory`` → ``support.services.action_create`` then ``action_transition``;
- ``PlanFactory``, ``UnitTargetFactory``, ``SupportQuotaFactory`` → ``targets.services``;
- ``MonthlyReportFactory`` → ``reports.services.monthly_report_prepare``.

Their ``actor`` defaults to an administrator (``UserFactory(role=ADMINISTRATOR)``). Users,
households, members and catalogue rows have no service of their own and are saved directly."""

from __future__ import annotations

import datetime as dt

import factory

from households import services as household_services
from households.models import Assessment, Household, Member
from reports import services as report_services
from reports.models import MonthlyReport
from support import services as support_services
from support.models import ActionStatus, QuotaGroup, SupportAction, SupportKind
from tamky_poverty.models import Agency, Role, User
from targets import services as target_services
from targets.models import Plan, SupportQuota, UnitTarget

PASSWORD = "Mat-khau-thu-nghiem-2025"  # the one tests/conftest.py logs in with


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"nguoidung{n}")
    role = Role.ADMINISTRATOR
    is_staff = factory.LazyAttribute(lambda o: o.role == Role.ADMINISTRATOR)
    is_superuser = factory.LazyAttribute(lambda o: o.role == Role.ADMINISTRATOR)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def _admin():
    return UserFactory(username="nhamay.quantri", role=Role.ADMINISTRATOR)


def _agency(value) -> Agency:
    """An agency given as itself or as its code."""
    return Agency.objects.get(code=value) if isinstance(value, str) else value


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household
        skip_postgeneration_save = True  # the hook below writes what it changes itself

    code = factory.Sequence(lambda n: f"HO{n:05d}")
    village = "Khối phố 1"
    address = factory.Sequence(lambda n: f"{n} Phan Chu Trinh")
    group = Household.Group.OTHER

    @factory.post_generation
    def search(obj, create, extracted, **kwargs):
        if create:
            household_services.household_refresh_search_text(household=obj)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        skip_postgeneration_save = True

    household = factory.SubFactory(HouseholdFactory)
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    sex = Member.Sex.MALE
    date_of_birth = dt.date(1980, 5, 17)
    citizen_id = factory.Sequence(lambda n: f"049{n:09d}")
    relation = Member.Relation.HEAD

    @factory.post_generation
    def search(obj, create, extracted, **kwargs):
        if create:
            household_services.household_refresh_search_text(household=obj.household)


def household_with_head(unit, **kwargs) -> Household:
    head_name = kwargs.pop("head_name", None)
    household = HouseholdFactory(unit=unit, **kwargs)
    MemberFactory(household=household, **({"full_name": head_name} if head_name else {}))
    return household


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A review recorded by ``assessment_record``: ``deprived`` lists the indicator codes the
    household lacks (the others are met); ``day`` is the decision and effective date."""

    class Meta:
        model = Assessment

    household = factory.SubFactory(HouseholdFactory)
    kind = Assessment.Kind.ANNUAL
    day = dt.date(2024, 12, 1)
    year = factory.LazyAttribute(lambda o: o.day.year)
    income_per_capita = 1_000_000
    deprived = ()
    decision_number = factory.Sequence(lambda n: f"QĐ-{n:03d}")

    @classmethod
    def _create(cls, model_class, *, actor=None, household, day, deprived=(), **kwargs):
        kwargs.setdefault("decision_date", day)
        kwargs.setdefault("effective_date", day)
        return household_services.assessment_record(
            actor=actor or _admin(), household=household, indicators={c: True for c in deprived},
            suggestions={}, **kwargs)


class QuotaGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuotaGroup
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"nhom-{n}")
    name = factory.Sequence(lambda n: f"Nhóm hỗ trợ {n}")
    position = factory.Sequence(lambda n: 100 + n)


class SupportKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportKind
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"loai-{n}")
    name = factory.Sequence(lambda n: f"Loại hỗ trợ {n}")
    position = factory.Sequence(lambda n: 100 + n)


class SupportActionFactory(factory.django.DjangoModelFactory):
    """An action planned by ``action_create`` (``kind`` and ``lead_agency`` as rows or codes),
    then moved to ``status`` by ``action_transition`` (completed on ``completed_date``, cancelled
    with ``cancel_reason``). The class is the household's current class, as on the pages."""

    class Meta:
        model = SupportAction

    household = factory.SubFactory(HouseholdFactory)
    kind = "livelihood"
    lead_agency = "tnmt"
    plan_year = 2025
    description = "Bò giống"
    status = ActionStatus.PLANNED

    @classmethod
    def _create(cls, model_class, *, actor=None, status=ActionStatus.PLANNED, completed_date=None,
                cancel_reason="Không còn nhu cầu", kind, lead_agency, **kwargs):
        actor = actor or _admin()
        action = support_services.action_create(
            actor=actor, kind=kind, lead_agency=_agency(lead_agency), **kwargs)
        if status in (ActionStatus.IN_PROGRESS, ActionStatus.COMPLETED, ActionStatus.CANCELLED):
            day = completed_date or action.planned_date or dt.date(action.plan_year, 6, 1)
            action = support_services.action_transition(
                actor=actor, action=action, to_status=status, date=day,
                reason=cancel_reason if status == ActionStatus.CANCELLED else "")
        return action


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    year = factory.Sequence(lambda n: 2030 + n)
    title = factory.LazyAttribute(lambda o: f"Kế hoạch giảm nghèo năm {o.year}")
    issuer = "UBND thành phố Tam Kỳ"

    @classmethod
    def _create(cls, model_class, *, actor=None, **kwargs):
        return target_services.plan_save(actor=actor or _admin(), **kwargs)


class UnitTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitTarget

    plan = factory.SubFactory(PlanFactory)
    poor_exit_target = 1
    near_poor_exit_target = 1

    @classmethod
    def _create(cls, model_class, *, actor=None, **kwargs):
        return target_services.unit_target_save(actor=actor or _admin(), **kwargs)


class SupportQuotaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportQuota

    plan = factory.SubFactory(PlanFactory)
    kind = "livelihood"
    household_class = "poor"
    households = 1
    items = 1

    @classmethod
    def _create(cls, model_class, *, actor=None, **kwargs):
        return target_services.quota_save(actor=actor or _admin(), **kwargs)


class MonthlyReportFactory(factory.django.DjangoModelFactory):
    """A monthly report prepared by ``monthly_report_prepare`` (by ``actor``) and, for a later
    ``status``, submitted by ``monthly_report_submit`` (its figures frozen) then approved or
    returned (with ``review_comment``) by ``reviewer``."""

    class Meta:
        model = MonthlyReport

    year = 2025
    month = 3
    status = MonthlyReport.Status.DRAFT

    @classmethod
    def _create(cls, model_class, *, actor=None, reviewer=None, status=MonthlyReport.Status.DRAFT,
                review_comment="", **kwargs):
        Status = MonthlyReport.Status
        actor = actor or _admin()
        report = report_services.monthly_report_prepare(actor=actor, **kwargs)
        if status != Status.DRAFT:
            report = report_services.monthly_report_submit(actor=actor, report=report)
        if status == Status.APPROVED:
            report = report_services.monthly_report_approve(actor=reviewer or _admin(), report=report,
                                                           comment=review_comment)
        elif status == Status.RETURNED:
            report = report_services.monthly_report_return(actor=reviewer or _admin(), report=report,
                                                          comment=review_comment or "Cần bổ sung số liệu")
        return report
