"""Runs the demo steps and reports what the database holds afterwards."""

import sys
from typing import TextIO

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from wenming.accounts.models import User
from wenming.accounts.services import DemoAccountsNotAllowed, demo_accounts_allowed
from wenming.demo.context import DEFAULT_SEED, DemoContext
from wenming.geo.choices import AreaLevel, Post
from wenming.geo.models import Area, Duty, Point
from wenming.org.choices import UnitLevel
from wenming.org.models import Person, SpecialGroup, Unit
from wenming.standards.models import Criterion, PointType, ProblemCategory, StandardSet


def run(*, seed: int = DEFAULT_SEED, stdout: TextIO | None = None, steps=None) -> dict[str, int]:
    """Load the demo: every step in its own transaction, then print and return counts per model.

    Refused before anything is written when demo accounts are not allowed (they share a published password).
    """
    if not demo_accounts_allowed():
        raise DemoAccountsNotAllowed()
    from wenming.demo.steps import STEPS

    ctx = DemoContext(seed=seed, stdout=stdout or sys.stdout)
    steps = STEPS if steps is None else steps
    for number, step in enumerate(steps, start=1):
        ctx.reseed(step.__name__)
        with transaction.atomic():
            step(ctx)
        ctx.log(f"[{number}/{len(steps)}] {step.__name__} ✓")
    counts = count_models()
    ctx.log(_("湖里区演示数据已加载（随机种子 %(seed)s）：") % {"seed": seed})
    for line in summary_lines():
        ctx.log("  " + line)
    return counts


def count_models() -> dict[str, int]:
    """Rows per model (the whole database, not only the demo's)."""
    models = (
        Area,
        Unit,
        SpecialGroup,
        Person,
        Point,
        Duty,
        User,
        StandardSet,
        PointType,
        Criterion,
        ProblemCategory,
    )
    return {m._meta.label: m._default_manager.count() for m in models}


def _breakdown(model, field: str, choices) -> str:
    counts = dict(model._default_manager.values_list(field).annotate(n=Count("pk")).order_by())
    return " · ".join(f"{label} {counts[value]}" for value, label in choices if counts.get(value))


def summary_lines() -> list[str]:
    types_used = Point.objects.values("point_type").distinct().count()
    return [
        _("区域 %(n)d（%(by)s）") % {"n": Area.objects.count(), "by": _breakdown(Area, "level", AreaLevel.choices)},
        _("责任单位 %(n)d（%(by)s）") % {"n": Unit.objects.count(), "by": _breakdown(Unit, "level", UnitLevel.choices)},
        _("专项整治协调组 %(n)d") % {"n": SpecialGroup.objects.count()},
        _("人员 %(n)d") % {"n": Person.objects.count()},
        _("测评点位 %(n)d（%(t)d 种点位类型）") % {"n": Point.objects.count(), "t": types_used},
        _("岗位职责 %(n)d（%(by)s）") % {"n": Duty.objects.count(), "by": _breakdown(Duty, "post", Post.choices)},
        _("测评体系 %(s)d，点位类型 %(t)d，测评标准 %(c)d，问题分类 %(k)d")
        % {"s": StandardSet.objects.count(), "t": PointType.objects.count(), "c": Criterion.objects.count(),
           "k": ProblemCategory.objects.count()},
        _("演示账号 %(n)d（统一密码见 WENMING_DEMO_PASSWORD）") % {"n": User.objects.filter(is_demo=True).count()},
    ]  # fmt: skip
