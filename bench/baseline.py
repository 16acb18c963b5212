"""The benchmark's reference import: django-import-export's default row-by-row settings on the
household file (no bulk, one ``get_instance`` query and one save per row, the household fetched
or created per row). ``bench/run.py`` compares ``households.io.importer.import_file`` (bulk,
validated, audited — what users run) with ``baseline_import`` on the same file; it is not part of
the application."""

from __future__ import annotations

from import_export import fields, resources, widgets

from households.io import columns as C
from households.io.parsing import CellError, choice_index, parse_choice, parse_citizen_id, parse_date, parse_text
from households.io.reader import read_sheet, to_dataset
from households.models import Household, Member
from households.services import build_search_text
from tamky_poverty.models import AdministrativeUnit


class ChoiceLabelWidget(widgets.Widget):
    """Vietnamese labels (“Nam”, “Chủ hộ”, “Có”) ↔ stored codes."""

    def __init__(self, column: C.Column, **kwargs):
        super().__init__(**kwargs)
        self.column = column
        self.index = choice_index(column)

    def clean(self, value, row=None, **kwargs):
        if value is None or value == "":
            return C.DEFAULTS.get(self.column.key)
        try:
            return parse_choice(value, self.column, self.index)
        except CellError as error:
            raise ValueError(error.message)

    def render(self, value, obj=None, **kwargs):
        return dict(self.column.choices).get(value, "")


class TextCellWidget(widgets.Widget):
    def __init__(self, column: C.Column, **kwargs):
        super().__init__(**kwargs)
        self.column = column

    def clean(self, value, row=None, **kwargs):
        text = parse_text(value)
        if not text:
            return C.DEFAULTS.get(self.column.key, "")
        if self.column.kind == "citizen_id":
            try:
                return parse_citizen_id(value)
            except CellError as error:
                raise ValueError(error.message)
        return text


class DateCellWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value is None or value == "":
            return None
        try:
            return parse_date(value)
        except CellError as error:
            raise ValueError(error.message)


class HouseholdWidget(widgets.ForeignKeyWidget):
    """The household of a row, found by unit code + household code — or created (row by row)."""

    def __init__(self, actor=None, **kwargs):
        super().__init__(Household, **kwargs)
        self.actor = actor

    def clean(self, value, row=None, **kwargs):
        code = parse_text(value)
        unit_code = parse_text(row.get(C.BY_KEY["unit_code"].heading))
        unit_name = parse_text(row.get(C.BY_KEY["unit_name"].heading))
        units = AdministrativeUnit.objects.filter(code=unit_code) if unit_code else AdministrativeUnit.objects.all()
        if unit_name:
            units = units.filter(name=unit_name)
        unit = units.order_by("valid_from").first()
        if unit is None:
            raise ValueError(f"Không có phường/xã “{unit_code or unit_name}”.")
        household, _ = Household.objects.get_or_create(
            unit=unit, code=code,
            defaults={"village": parse_text(row.get(C.BY_KEY["village"].heading)),
                      "address": parse_text(row.get(C.BY_KEY["address"].heading))},
        )
        return household


def _field(key, **kwargs):
    column = C.BY_KEY[key]
    if column.kind in ("choice", "yesno"):
        kwargs.setdefault("widget", ChoiceLabelWidget(column))
    elif column.kind == "date":
        kwargs.setdefault("widget", DateCellWidget())
    else:
        kwargs.setdefault("widget", TextCellWidget(column))
    return fields.Field(attribute=key, column_name=column.heading, **kwargs)


class BaselineMemberResource(resources.ModelResource):
    """Default settings on purpose (``use_bulk=False``, ``skip_unchanged=False``)."""

    household = fields.Field(attribute="household", column_name=C.BY_KEY["code"].heading, widget=HouseholdWidget())
    full_name = _field("full_name")
    sex = _field("sex")
    date_of_birth = _field("date_of_birth")
    citizen_id = _field("citizen_id")
    relation = _field("relation")
    ethnicity = _field("ethnicity")
    has_health_insurance = _field("has_health_insurance")
    schooling = _field("schooling")
    highest_diploma = _field("highest_diploma")
    employment = _field("employment")
    has_disability = _field("has_disability")
    social_allowance = _field("social_allowance")
    nutrition = _field("nutrition")

    class Meta:
        model = Member
        import_id_fields = ("household", "full_name", "date_of_birth")
        fields = ("household", *C.MEMBER_FIELDS)

    def __init__(self, actor=None, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor

    def before_save_instance(self, instance, row, **kwargs):
        instance._history_user = self.actor

    def after_save_instance(self, instance, row, **kwargs):
        household = instance.household
        Household.objects.filter(pk=household.pk).update(search_text=build_search_text(household))


def baseline_import(source, *, actor, dry_run: bool = False):
    """django-import-export's default row-by-row import of ``source`` (the benchmark's
    reference). Returns the ``import_export`` result."""
    dataset = to_dataset(read_sheet(source))
    return BaselineMemberResource(actor=actor).import_data(dataset, dry_run=dry_run)
