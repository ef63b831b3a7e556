"""Calibration shown, not claimed: replay history. For each past closed round, the forecast made as of the
start of its first day (so from the records of the days before) with the round's own number of points per
type, against the round's actual mean point score; the error and whether the actual fell in the 80 % and
95 % intervals. A round with no observation recorded before it is skipped (nothing to forecast from). Stored as runs marked with their round, so the office page reads them."""

from __future__ import annotations

import datetime
import math
from collections import Counter
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from wenming.forecast import services
from wenming.forecast.models import ForecastRun
from wenming.scoring import live
from wenming.scoring.engine import roll_up

BACKTEST_SIMULATIONS = 2000


def closed_rounds():
    from wenming.inspections.models import Round

    return Round.objects.filter(state="closed").order_by("period_start", "pk")


def start_of(day: datetime.date) -> datetime.datetime:
    """Midnight that starts `day` in the office's time zone."""
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=ZoneInfo(settings.TIME_ZONE))


def actual(round_id: int) -> tuple[float | None, float | None, dict[str, int]]:
    """The round's mean point score and pass rate (the engine's roll-up), and its points per type code."""
    scored = live.score_round(round_id)
    whole = roll_up(scored.scored_points(), lambda item: "all").get("all")
    from wenming.standards.models import PointType

    codes = dict(PointType.objects.values_list("pk", "code"))
    per_type = Counter(
        codes.get(info.point_type_id, "")
        for info in (scored.points.get(r.point_id) for r in scored.inspections)
        if info
    )
    if whole is None:
        return None, None, dict(per_type)
    return whole.mean_score, whole.pass_rate, dict(per_type)


def run_backtest(*, simulations: int = BACKTEST_SIMULATIONS) -> list[ForecastRun]:
    """Recompute the backtest of every closed round (replacing the stored ones)."""
    row = services.parameters()
    runs = []
    for rnd in closed_rounds():
        mean, pass_rate, per_type = actual(rnd.pk)
        if mean is None or not per_type:
            continue
        as_of = start_of(rnd.period_start)
        result, _risks = services.compute(as_of, row, plan=per_type, simulations=simulations)
        if not result["observations"]:
            continue  # nothing was recorded before this round: there was nothing to forecast from
        band = result["score"]
        result["actual"] = {
            "round_id": rnd.pk, "round": rnd.name, "kind": rnd.get_kind_display(), "mean_score": round(mean, 4),
            "pass_rate": None if pass_rate is None else round(pass_rate, 4),
            "error": None if band["mean"] is None else round(band["mean"] - mean, 4),
            "in80": band["low80"] is not None and band["low80"] <= mean <= band["high80"],
            "in95": band["low95"] is not None and band["low95"] <= mean <= band["high95"],
        }  # fmt: skip
        with transaction.atomic():
            ForecastRun.objects.filter(backtest_round=rnd).delete()
            runs.append(
                ForecastRun.objects.create(
                    computed_at=timezone.now(), as_of=as_of, signature="backtest", backtest_round=rnd,
                    parameters={f: getattr(row, f) for f in services.EDITABLE}, result=result, risks={},
                )
            )  # fmt: skip
    return runs


def report() -> dict:
    """The stored backtest: one line per round, mean absolute error and the intervals' hit rates."""
    lines = [
        r.result["actual"] | {"forecast": r.result["score"], "as_of": r.as_of, "computed_at": r.computed_at}
        for r in ForecastRun.objects.filter(backtest_round__isnull=False).select_related("backtest_round")
        .order_by("as_of", "pk")
        if r.result.get("actual")
    ]  # fmt: skip
    errors = [abs(line["error"]) for line in lines if line["error"] is not None]
    return {
        "lines": lines,
        "rounds": len(lines),
        "mae": math.fsum(errors) / len(errors) if errors else None,
        "hit80": sum(1 for line in lines if line["in80"]) / len(lines) if lines else None,
        "hit95": sum(1 for line in lines if line["in95"]) / len(lines) if lines else None,
    }
