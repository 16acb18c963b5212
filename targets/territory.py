"""The plan follows a reorganisation: targets of plans for years that start on or after the
effective date pass from the dissolved units to the successor (summed). Targets of the year in
which the reorganisation happens stay with the units the plan was made for; reports of that year
show them under the successor (``households.movements``/reports group by unit in time)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum

from targets.models import UnitTarget


def move_future_targets(sender, reorganisation, actor, **kwargs) -> dict[str, int]:
    """Receiver of ``tamky_poverty.signals.units_reorganised``."""
    day = reorganisation.effective_date
    first_year = day.year if day == dt.date(day.year, 1, 1) else day.year + 1
    old = UnitTarget.objects.filter(plan__year__gte=first_year, unit__in=reorganisation.predecessors.all())
    sums = list(old.values("plan_id").annotate(poor=Sum("poor_exit_target"), near=Sum("near_poor_exit_target"))
                .order_by("plan_id"))
    moved = 0
    for row in sums:
        target, _created = UnitTarget.objects.get_or_create(plan_id=row["plan_id"], unit=reorganisation.successor)
        target.poor_exit_target += row["poor"]
        target.near_poor_exit_target += row["near"]
        target._history_user = actor
        target.full_clean()
        target.save()
    for target in old:
        target._history_user = actor
        target.delete()
        moved += 1
    return {"targets": moved}
