"""Filters shared by every app's FilterSet (HTML lists and API alike).

Query strings are hostile input: `?round=-1.79e308`, `?year=0.0` or `?unit=99999999999999999999` must answer
400 with a clear message, never reach the database as an out-of-range number (a 500). Ids and years are
therefore cleaned by integer form fields with a range:

* `IdFilter` — a positive integer id (1 … 2⁶³−1, the range of a 64-bit primary key);
* `IdOrNoneFilter` — the same, or the word `none` for rows without a value (a KPI row "未指定");
* `YearFilter` — a calendar year 1 … 9999 (the range of Python's and the databases' dates).
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

MAX_ID = 2**63 - 1


class IdField(forms.IntegerField):
    default_error_messages = {"invalid": _("应为编号（正整数）。")}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class YearField(forms.IntegerField):
    default_error_messages = {"invalid": _("应为年份（整数）。")}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(**kwargs)


class IdOrNoneField(forms.CharField):
    """An id, or "none"; cleaned to an int, the string "none", or None when empty."""

    def clean(self, value):
        value = (super().clean(value) or "").strip()
        if not value:
            return None
        if value.lower() == "none":
            return "none"
        return IdField(required=False, error_messages={"invalid": _("应为编号或 none。")}).clean(value)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A positive integer id; anything else (decimals, exponents, out of range) is a 400."""

    field_class = IdField


@extend_schema_field(OpenApiTypes.INT)
class YearFilter(django_filters.NumberFilter):
    """A calendar year 1 … 9999; anything else is a 400."""

    field_class = YearField


@extend_schema_field(OpenApiTypes.STR)
class IdOrNoneFilter(django_filters.Filter):
    """An id, or "none" for rows without a value, on the foreign key `field_name`."""

    field_class = IdOrNoneField

    def filter(self, qs, value):
        if value is None:
            return qs
        if value == "none":
            return qs.filter(**{f"{self.field_name}__isnull": True})
        return qs.filter(**{f"{self.field_name}_id": value})
