"""Writes of the dashboard app: the test dates the countdown targets (office only)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wenming.core.roles import is_office
from wenming.dashboard.models import TestDate


def _require_office(actor) -> None:
    if not is_office(actor):
        raise PermissionDenied(_("只有文明办可以设置测评日期。"))


@transaction.atomic
def add_test_date(*, actor, name: str, date: datetime.date, note: str = "") -> TestDate:
    _require_office(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写名称。")})
    if date is None:
        raise ValidationError({"date": _("请填写测评日期。")})
    return TestDate.objects.create(name=name, date=date, note=(note or "").strip())


@transaction.atomic
def delete_test_date(*, actor, test_date: TestDate) -> None:
    _require_office(actor)
    test_date.delete()
