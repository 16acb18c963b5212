"""django-import-export resources of the base's reference tables, for the admin's import and
export (with its preview): agencies and the units' yearly household totals. A row is validated
as the pages validate it — the same ``full_clean`` (clean-text validators included) and, for the
totals, the same service (``services.unit_year_figures_save``: the unit must exist in that year,
the change is audited under the importing user). The admin's preview runs the import in a
transaction that is rolled back, so it shows every refusal before anything is written."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from tamky_poverty import services
from tamky_poverty.models import AdministrativeUnit, Agency, UnitYearFigures
from tamky_poverty.text import spreadsheet_safe, spreadsheet_unescape

_UNIT = re.compile(r"^\s*(?P<code>\d{3,10})(?:\s+từ\s+(?P<day>\d{1,2}/\d{1,2}/\d{4}))?\s*$")


class UnitWidget(widgets.ForeignKeyWidget):
    """A unit written as its statistical code and, for a unit formed by a reorganisation, the day it
    started: "20356" (An Phú, before 2025) or "20356 từ 01/07/2025" (Quảng Phú). Codes are reused,
    so the code alone is not the unit."""

    def __init__(self, **kwargs):
        super().__init__(AdministrativeUnit, **kwargs)

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        match = _UNIT.match(str(value))
        if match is None:
            raise ValueError(_("Đơn vị “%(v)s” không đúng dạng: ghi mã, ví dụ 20356, hoặc mã và ngày bắt đầu hiệu "
                               "lực, ví dụ 20356 từ 01/07/2025.") % {"v": value})
        day = dt.datetime.strptime(match["day"], "%d/%m/%Y").date() if match["day"] else None
        unit = AdministrativeUnit.objects.filter(code=match["code"], valid_from=day).first()
        if unit is None:
            raise ValueError(_("Không có đơn vị “%(v)s”.") % {"v": value})
        return unit

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return f"{value.code} từ {value.valid_from:%d/%m/%Y}" if value.valid_from else value.code


class ReferenceResource(resources.ModelResource):
    """A reference table's resource: every exported text cell goes through the project's formula
    guard (``tamky_poverty.text.spreadsheet_safe``, the one the household exports use), and an
    imported cell loses that guard again."""

    def export_field(self, field, instance, **kwargs):
        return spreadsheet_safe(super().export_field(field, instance, **kwargs))

    def before_import_row(self, row, **kwargs):
        for key, value in list(row.items()):
            if isinstance(value, str):
                row[key] = spreadsheet_unescape(value)


class AgencyResource(ReferenceResource):
    unit = fields.Field(attribute="unit", column_name="unit", widget=UnitWidget())

    class Meta:
        model = Agency
        fields = ("code", "name", "short_name", "kind", "unit", "duties")
        import_id_fields = ("code",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class UnitYearFiguresResource(ReferenceResource):
    unit = fields.Field(attribute="unit", column_name="unit", widget=UnitWidget())
    unit_name = fields.Field(column_name="unit_name", readonly=True, dehydrate_method="dehydrate_unit_name")

    class Meta:
        model = UnitYearFigures
        fields = ("unit", "unit_name", "year", "total_households")
        import_id_fields = ("unit", "year")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def dehydrate_unit_name(self, obj):
        return str(obj.unit)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        super().validate_instance(instance, import_validation_errors, validate_unique)
        if instance.unit_id and instance.year and not AdministrativeUnit.objects.valid_during(
                dt.date(instance.year, 1, 1), dt.date(instance.year, 12, 31)).filter(pk=instance.unit_id).exists():
            raise ValidationError({"unit": _("%(u)s không có hiệu lực trong năm %(y)s.")
                                   % {"u": instance.unit, "y": instance.year}})

    def save_instance(self, instance, is_create, row, **kwargs):
        """Through the service that the yearly totals page uses (audit under the importing user)."""
        services.unit_year_figures_save(actor=kwargs.get("user"), year=instance.year,
                                        totals={instance.unit: instance.total_households})
        instance.pk = UnitYearFigures.objects.get(unit=instance.unit, year=instance.year).pk
