"""factory_boy factories for tests. Units, standards and indicators come from the reference
data (the ``ref`` fixture); these build what users create."""

from __future__ import annotations

import datetime as dt

import factory

from households.models import Household, Member


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
            from households.services import household_refresh_search_text

            household_refresh_search_text(household=obj)


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
            from households.services import household_refresh_search_text

            household_refresh_search_text(household=obj.household)


def household_with_head(unit, **kwargs) -> Household:
    head_name = kwargs.pop("head_name", None)
    household = HouseholdFactory(unit=unit, **kwargs)
    MemberFactory(household=household, **({"full_name": head_name} if head_name else {}))
    return household
