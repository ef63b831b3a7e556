"""Computing, caching and reading the forecast (预估测评得分); editing its parameters; opening a case from
the fix-first list. Writes are in one transaction each."""

from __future__ import annotations

import datetime
import math
import time

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.core.roles import is_office, is_reader
from wenming.forecast import data, model, signals, simulate
from wenming.forecast.models import ForecastParameters, ForecastRun
from wenming.scoring import live
from wenming.scoring.choices import Dimension

ENGINE_CHECK_DRAWS = 20  # simulated tests re-scored by the engine on every run
FIX_FIRST_KEEP = 500
MAX_AGE = datetime.timedelta(hours=24)


# --- parameters -------------------------------------------------------------------------------------------


def parameters() -> ForecastParameters:
    """The parameter row (created with the defaults the first time)."""
    row = ForecastParameters.objects.order_by("pk").first()
    return row if row is not None else ForecastParameters.objects.create()


def model_params(row: ForecastParameters) -> model.Params:
    return model.Params(
        half_life_days=row.half_life_days,
        prior_strength=row.prior_strength,
        open_case_odds=row.open_case_odds,
        recurrence_odds=row.recurrence_odds,
        closure_odds=row.closure_odds,
    )


EDITABLE = (
    "half_life_days", "prior_strength", "open_case_odds", "recurrence_odds", "closure_odds", "simulations",
    "target_score", "default_per_type", "sampling_plan", "seed", "fix_first_threshold",
)  # fmt: skip


def update_parameters(*, actor, **values) -> ForecastParameters:
    if not is_office(actor):
        raise PermissionDenied(_("只有文明办可以修改预估模型参数。"))
    errors = {}
    checks = {
        "half_life_days": (1, 3650, _("半衰期须在 1 到 3650 天之间。")),
        "open_case_odds": (1, 100, _("在办问题风险倍数须在 1 到 100 之间。")),
        "recurrence_odds": (1, 100, _("重复发生风险倍数须在 1 到 100 之间。")),
        "closure_odds": (0.01, 1, _("核查结案后风险倍数须在 0.01 到 1 之间。")),
        "simulations": (1000, 200_000, _("模拟次数须在 1000 到 200000 之间。")),
        "target_score": (0, 100, _("目标得分须在 0 到 100 之间。")),
        "fix_first_threshold": (0, 1, _("风险阈值须在 0 到 1 之间。")),
        "prior_strength": (0.1, 1000, _("先验强度须在 0.1 到 1000 之间，或留空。")),
    }
    for name, (low, high, message) in checks.items():
        value = values.get(name)
        if value is not None and not (low <= float(value) <= high):
            errors[name] = message
    plan = values.get("sampling_plan")
    if plan:
        per_type = plan.get("per_type") if isinstance(plan, dict) else None
        if not isinstance(per_type, dict) or any(
            not isinstance(v, int) or isinstance(v, bool) or v < 0 for v in per_type.values()
        ):
            errors["sampling_plan"] = _('抽样方案格式应为 {"per_type": {类型编码: 非负整数}}。')
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = ForecastParameters.objects.select_for_update().get(pk=parameters().pk)
        for name in EDITABLE:
            if name in values:
                setattr(row, name, values[name])
        row.save()
        ForecastRun.objects.current().update(stale=True)
    return row


# --- computing ------------------------------------------------------------------------------------------------


def _rounded(d: dict | None, digits: int = 4) -> dict | None:
    if d is None:
        return None
    return {k: (round(v, digits) if isinstance(v, float) else v) for k, v in d.items()}


def compute(as_of: datetime.datetime, row: ForecastParameters, *, plan: dict[str, int] | None = None,
            simulations: int | None = None) -> tuple[dict, dict]:  # fmt: skip
    """The forecast as of `as_of`: (result, per-point risks). Pure reads."""
    inputs = data.load(as_of, row, plan)
    params = model_params(row)
    est = model.estimate(inputs.history, params) if inputs.items else None
    n_items = len(inputs.items)
    p_fail = est.p_fail if est is not None else np.zeros(0)
    excess = est.excess if est is not None else np.zeros(0)
    district = data.district(inputs, p_fail, excess)
    if est is not None:
        for blk, (_t, _pids, _cids, first) in zip(district.blocks, inputs.blocks, strict=True):
            simulate.attach_pool(blk, est, first)
    sims = simulations or row.simulations
    result_sim = simulate.simulate(district, sims, seed=row.seed, trace=ENGINE_CHECK_DRAWS)
    checked = simulate.check_against_engine(district, result_sim)

    # Expected marks lost per item, and per point.
    lost = np.zeros(n_items)
    weight = np.zeros(n_items)
    for blk, (_t, pids, cids, first) in zip(district.blocks, inputs.blocks, strict=True):
        size = len(pids) * len(cids)
        table = np.repeat(blk.table[None], len(pids), axis=0).reshape(size, -1)
        lost[first : first + size] = model.expected_lost(p_fail[first : first + size],
                                                         excess[first : first + size], table)  # fmt: skip
        weight[first : first + size] = np.tile(blk.table[:, 0], len(pids))
    risks: dict[str, list[float]] = {}
    point_possible: dict[int, float] = {}
    drawn_share: dict[int, float] = {}
    drawn_total = max(district.drawn, 1)
    for blk, (_t, pids, cids, first) in zip(district.blocks, inputs.blocks, strict=True):
        n, c = len(pids), len(cids)
        share = min(blk.n_draw, n) / n if n else 0.0
        pf = p_fail[first : first + n * c].reshape(n, c)
        ls = lost[first : first + n * c].reshape(n, c).sum(axis=1)
        possible = blk.possible
        point_fail = 1.0 - np.prod(1.0 - pf, axis=1)
        for j, pid in enumerate(pids):
            risks[str(pid)] = [round(float(point_fail[j]), 6), round(float(ls[j]), 6), round(possible, 6)]
            point_possible[pid] = possible
            drawn_share[pid] = share

    # Expected district score without simulation (a check on the simulation, shown beside it).
    analytic = None
    if district.drawn:
        total = 0.0
        for blk, (_t, pids, _c, _f) in zip(district.blocks, inputs.blocks, strict=True):
            n = min(blk.n_draw, len(pids))
            if n and blk.possible > 0:
                mean_loss = np.mean([risks[str(p)][1] for p in pids]) / blk.possible
                total += n * (1 - mean_loss) * 100
            elif n:
                total += n * 100
        analytic = total / district.drawn

    fix_first = _fix_first(inputs, p_fail, lost, weight, point_possible, drawn_share, drawn_total, row)
    result = {
        "as_of": as_of.isoformat(),
        "standard_id": inputs.standard_id,
        # Nothing drawn (no points, no criteria or an empty plan): no score rather than a made-up one.
        "score": _rounded(
            simulate.summary(result_sim.scores if district.drawn else np.array([]), row.target_score)
        ),
        "pass_rate": _rounded(simulate.summary(result_sim.pass_rates if district.drawn else np.array([]))),
        "analytic_mean": None if analytic is None else round(analytic, 4),
        "target": row.target_score,
        "simulations": sims,
        "draws": result_sim.draws,
        "engine_checked": checked,
        "plan": inputs.plan,
        "plan_source": inputs.plan_source,
        "drawn": district.drawn,
        "points": district.points,
        "items": n_items,
        "observations": inputs.observations,
        "open_case_items": len(inputs.open_cases),
        "kappa": None if est is None else round(est.kappa, 4),
        "kappa_estimated": bool(est is not None and est.kappa_estimated),
        "district_rate": None if est is None else round(est.district_rate, 6),
        "by": {dim: _groups(district, result_sim, dim) for dim in data.DIMENSIONS},
        "fix_first": fix_first[:FIX_FIRST_KEEP],
        "fix_first_total": len(fix_first),
        "fix_first_gain": round(math.fsum(line["gain"] for line in fix_first), 6),
    }
    return result, risks


def _groups(district, sim, dim) -> list[dict]:
    names = live.labels({"street": Dimension.STREET, "type": Dimension.TYPE, "unit": Dimension.UNIT}[dim],
                        district.group_keys[dim])  # fmt: skip
    out = []
    for row in simulate.group_summaries(district, sim, dim):
        row["name"] = names.get(row["key"], str(row["key"]))
        row["score"] = _rounded(row["score"])
        if row.get("pass_rate") is not None:
            row["pass_rate"] = round(row["pass_rate"], 4)
        row["p_drawn"] = round(row["p_drawn"], 4)
        out.append(row)
    out.sort(key=lambda r: (r["score"]["mean"] is None, r["score"]["mean"] or 0, r["name"]))
    return out


def _fix_first(inputs, p_fail, lost, weight, point_possible, drawn_share, drawn_total, row) -> list[dict]:
    """Every open problem and at-risk point × criterion, by expected district-score gain if fixed:
    P(point drawn) × expected marks lost there ÷ the point's possible marks × 100 ÷ points drawn."""
    from wenming.geo.models import Point
    from wenming.org.models import SpecialGroup, Unit
    from wenming.standards.models import Criterion

    chosen = [
        i for i in range(len(inputs.items)) if i in inputs.open_cases or p_fail[i] >= row.fix_first_threshold
    ]
    if not chosen:
        return []
    pids = {inputs.items[i][0] for i in chosen}
    cids = {inputs.items[i][1] for i in chosen}
    points = {
        pk: (code, name, unit_id)
        for pk, code, name, unit_id in Point.objects.filter(pk__in=pids).values_list(
            "pk", "code", "name", "responsible_unit_id"
        )
    }
    crits = {
        pk: (code, text)
        for pk, code, text in Criterion.objects.filter(pk__in=cids).values_list("pk", "code", "text")
    }
    unit_ids = {points[p][2] for p in pids if p in points} | {c.unit_id for c in inputs.open_cases.values()}
    units = dict(Unit.objects.filter(pk__in={u for u in unit_ids if u}).values_list("pk", "name"))
    groups = dict(SpecialGroup.objects.values_list("pk", "name"))
    streets = live.labels(Dimension.STREET, {inputs.points[p].street_id for p in pids if p in inputs.points})
    lines = []
    for i in chosen:
        pid, cid = inputs.items[i]
        case = inputs.open_cases.get(i)
        code, name, point_unit = points.get(pid, ("", "", None))
        unit_id = case.unit_id if case and case.unit_id else point_unit
        possible = point_possible.get(pid, 0.0)
        share = drawn_share.get(pid, 0.0)
        gain = model.fix_gain(share, float(lost[i]), possible, drawn_total)
        spec = inputs.specs[cid]
        info = inputs.points.get(pid)
        lines.append(
            {
                "point_id": pid,
                "point_code": code,
                "point_name": name,
                "street": streets.get(info.street_id, "") if info else "",
                "unit_id": unit_id,
                "unit": units.get(unit_id, ""),
                "group_id": spec.group,
                "group": groups.get(spec.group, ""),
                "criterion_id": cid,
                "criterion_code": crits.get(cid, ("", ""))[0],
                "criterion_text": crits.get(cid, ("", ""))[1][:80],
                "p_fail": round(float(p_fail[i]), 4),
                "marks": round(float(weight[i]), 4),
                "expected_lost": round(float(lost[i]), 4),
                "p_drawn": round(share, 4),
                "gain": round(gain, 6),
                "case_id": case.id if case else None,
                "case_code": case.code if case else "",
                "case_url": reverse("cases:case_detail", args=[case.id]) if case else "",
            }
        )
    lines.sort(key=lambda x: (-x["gain"], -x["p_fail"], x["point_code"], x["criterion_code"]))
    return lines


def compute_run(*, as_of: datetime.datetime | None = None, simulations: int | None = None) -> ForecastRun:
    """Compute the forecast now and store it (the cache the pages read)."""
    as_of = as_of or timezone.now()
    row = parameters()
    start = time.perf_counter()
    sig = data.signature(as_of, row)
    result, risks = compute(as_of, row, simulations=simulations)
    seconds = time.perf_counter() - start
    stored_params = {f: getattr(row, f) for f in EDITABLE}
    stored_params.update(kappa_used=result["kappa"], kappa_estimated=result["kappa_estimated"])
    with transaction.atomic():
        run = ForecastRun.objects.create(
            computed_at=timezone.now(),
            as_of=as_of,
            signature=sig,
            parameters=stored_params,
            result=result,
            risks=risks,
            seconds=round(seconds, 3),
        )
        ForecastRun.objects.current().exclude(pk=run.pk).update(stale=True)
    signals.reset_throttle()
    return run


def latest_run() -> ForecastRun | None:
    return ForecastRun.objects.current().latest_first().first()


def refresh(now: datetime.datetime | None = None, *, force: bool = False) -> ForecastRun | None:
    """The scheduled job: recompute when the latest run is stale, older than a day, or made from other data.

    Returns the new run, or None when the cached one is still good."""
    now = now or timezone.now()
    run = latest_run()
    if (
        not force
        and run is not None
        and not run.stale
        and now - run.computed_at < MAX_AGE
        and run.signature == data.signature(now, parameters())
    ):
        return None
    return compute_run(as_of=now)


# --- opening a case from the list ---------------------------------------------------------------------------------


def open_case(*, actor, point_id: int, criterion_id: int):
    """Open a case (source 督查测评… here: 手工录入) for an at-risk point × criterion, through the cases service."""
    from wenming.cases.choices import CaseSource
    from wenming.cases.services import creating
    from wenming.geo.models import Point
    from wenming.standards.models import Criterion

    point = Point.objects.restrict(actor, "view").filter(pk=point_id).first()
    criterion = Criterion.objects.select_related("category").filter(pk=criterion_id).first()
    if point is None or criterion is None:
        raise ValidationError(_("点位或测评标准不存在。"))
    if criterion.category is None:
        raise ValidationError(
            _("测评标准「%(c)s」未对应问题分类，无法直接立案，请手工上报。") % {"c": criterion.code}
        )
    return creating.create_case(
        actor=actor,
        source=CaseSource.MANUAL,
        category=criterion.category,
        point=point,
        criterion=criterion,
        description=_("预估测评提示：%(p)s「%(c)s」失分风险高，请排查整改。")
        % {"p": point.name, "c": f"{criterion.code} {criterion.text[:60]}"},
        idempotency_key=f"forecast:{point.pk}:{criterion.pk}:{timezone.localdate().isoformat()}",
    )


# --- what other pages show -------------------------------------------------------------------------------------

HEADLINE_LINES = 5


def headline(user=None, lines: int = HEADLINE_LINES) -> dict | None:
    """The latest cached forecast in brief (leader view, big screen, weekly bulletin): score with its
    intervals, P(target), pass rate, when computed, and the top of the fix-first list in the user's scope."""
    run = latest_run()
    if run is None:
        return None
    fix_first = run.result.get("fix_first", [])
    if user is not None and not is_reader(user):
        from wenming.geo.models import Point

        visible = set(Point.objects.restrict(user, "view").values_list("pk", flat=True))
        fix_first = [line for line in fix_first if line["point_id"] in visible]
    return {
        "run": run,
        "computed_at": run.computed_at,
        "stale": run.stale,
        "score": run.result.get("score", {}),
        "pass_rate": run.result.get("pass_rate", {}),
        "target": run.result.get("target"),
        "simulations": run.result.get("simulations"),
        "top": fix_first[:lines],
        "url": reverse("forecast:forecast"),
    }


def bulletin_snapshot(lines: int = 10) -> dict | None:
    """The forecast block of a weekly bulletin, as plain JSON frozen into its data snapshot."""
    run = latest_run()
    if run is None:
        return None
    r = run.result
    score = r.get("score", {})
    return {
        "computed_at": timezone.localtime(run.computed_at).strftime("%Y-%m-%d %H:%M"),
        "run_id": run.pk,
        "mean": score.get("mean"),
        "low80": score.get("low80"),
        "high80": score.get("high80"),
        "low95": score.get("low95"),
        "high95": score.get("high95"),
        "p_target": score.get("p_target"),
        "target": r.get("target"),
        "pass_rate": (r.get("pass_rate") or {}).get("mean"),
        "simulations": r.get("simulations"),
        "top": [
            {
                k: line[k]
                for k in (
                    "point_code",
                    "point_name",
                    "street",
                    "criterion_code",
                    "criterion_text",
                    "p_fail",
                    "gain",
                    "unit",
                    "case_code",
                )
            }
            for line in r.get("fix_first", [])[:lines]
        ],  # fmt: skip
    }
