"""Waves: plan (questionnaire, period, sample design over strata), open, close (estimates frozen)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.surveys import stats
from wenming.surveys.choices import DesignMode, StratumLevel, WaveState
from wenming.surveys.models import Questionnaire, Stratum, Wave
from wenming.surveys.services.common import SurveyError, require_office, visible

DESIGN_FIELDS = ("stratum_level", "design", "margin", "confidence", "expected_p", "quota", "use_fpc")
WAVE_FIELDS = ("name", "questionnaire", "period_start", "period_end", "note", "open_to_inspectors", "public_link",
               *DESIGN_FIELDS)  # fmt: skip
# Changeable after the wave has opened (the design and the questionnaire are fixed by then).
OPEN_FIELDS = ("name", "period_end", "note", "open_to_inspectors", "public_link")


@dataclass(frozen=True)
class Design:
    stratum_level: str
    design: str
    margin: Decimal
    confidence: Decimal
    expected_p: Decimal
    quota: int | None
    use_fpc: bool

    @classmethod
    def of(cls, wave: Wave) -> "Design":
        return cls(*(getattr(wave, name) for name in DESIGN_FIELDS))


def _clean_design(d: Design) -> None:
    if d.stratum_level not in StratumLevel.values:
        raise SurveyError(_("分层单位无效。"), code="invalid")
    if d.design not in DesignMode.values:
        raise SurveyError(_("样本量设计方式无效。"), code="invalid")
    if d.design == DesignMode.QUOTA:
        if not d.quota or d.quota < 1:
            raise SurveyError(_("固定配额方式须填写每区域配额（至少 1）。"), code="invalid")
        return
    if not Decimal("0.005") <= Decimal(d.margin) <= Decimal("0.2"):
        raise SurveyError(_("允许误差须在 0.5%–20% 之间。"), code="invalid")
    if not Decimal("0.8") <= Decimal(d.confidence) <= Decimal("0.999"):
        raise SurveyError(_("置信度须在 80%–99.9% 之间。"), code="invalid")
    if not Decimal("0.01") <= Decimal(d.expected_p) <= Decimal("0.99"):
        raise SurveyError(_("预估比例须在 1%–99% 之间。"), code="invalid")


def plan_targets(d: Design, populations: list[int]) -> list[tuple[int, int]]:
    """(target with the finite-population correction when asked, target without it) per stratum."""
    if d.design == DesignMode.QUOTA:
        return [(min(d.quota, p) if p else d.quota, d.quota) for p in populations]
    margin, confidence, p = float(d.margin), float(d.confidence), float(d.expected_p)
    if d.design == DesignMode.PER_STRATUM:
        out = []
        for population in populations:
            size = stats.sample_size(margin, confidence, p, population if d.use_fpc else None)
            out.append((size.n, size.n0))
        return out
    overall = stats.sample_size(margin, confidence, p, sum(populations) if d.use_fpc else None)
    return list(
        zip(stats.allocate(overall.n, populations), stats.allocate(overall.n0, populations), strict=True)
    )


def default_areas(level: str):
    from wenming.geo.models import Area

    return list(Area.objects.filter(level=level).order_by("code"))


def _clean_areas(level: str, areas) -> list:
    areas = list(areas) if areas else default_areas(level)
    if not areas:
        raise SurveyError(
            _("没有可作为分层的区域（%(l)s）。") % {"l": StratumLevel(level).label}, code="invalid"
        )
    wrong = [a.name for a in areas if a.level != level]
    if wrong:
        raise SurveyError(
            _("分层区域必须都是%(l)s：%(a)s") % {"l": StratumLevel(level).label, "a": "、".join(wrong)},
            code="invalid",
        )
    missing = [a.name for a in areas if not a.population]
    if missing:
        raise SurveyError(
            _("以下区域没有人口数据，无法按人口加权：%(a)s。请先在区域台账中填写人口。")
            % {"a": "、".join(missing)},
            code="invalid",
        )
    return sorted({a.pk: a for a in areas}.values(), key=lambda a: a.code)


def _set_strata(wave: Wave, areas: list) -> None:
    """Strata for `areas` (existing ones keep their token), targets from the design and populations."""
    d = Design.of(wave)
    targets = plan_targets(d, [a.population for a in areas])
    existing = {s.area_id: s for s in wave.strata.all()}
    keep = set()
    for order, (area, (target, target_srs)) in enumerate(zip(areas, targets, strict=True), start=1):
        stratum = existing.get(area.pk) or Stratum(wave=wave, area=area)
        stratum.population, stratum.target, stratum.target_srs, stratum.order = (
            area.population,
            target,
            target_srs,
            order,
        )
        stratum.save()
        keep.add(stratum.pk)
    wave.strata.exclude(pk__in=keep).delete()


def _check_period(start: datetime.date, end: datetime.date) -> None:
    if not start or not end:
        raise SurveyError(_("请填写开始和结束日期。"), code="invalid")
    if end < start:
        raise SurveyError(_("结束日期不能早于开始日期。"), code="invalid")


def create_wave(
    *, actor, name: str, questionnaire: Questionnaire, period_start: datetime.date, period_end: datetime.date,
    stratum_level: str = StratumLevel.STREET, design: str = DesignMode.PER_STRATUM, margin=Decimal("0.05"),
    confidence=Decimal("0.95"), expected_p=Decimal("0.5"), quota: int | None = None, use_fpc: bool = True,
    open_to_inspectors: bool = True, public_link: bool = True, areas=None, interviewers=(), note: str = "",
) -> Wave:  # fmt: skip
    """Plan a wave (draft) with one stratum per area (default: every area of the level)."""
    require_office(actor, _("只有文明办可以管理问卷调查。"))
    if not (name or "").strip():
        raise SurveyError(_("请填写调查批次名称。"), code="invalid")
    _check_period(period_start, period_end)
    d = Design(stratum_level, design, Decimal(str(margin)), Decimal(str(confidence)), Decimal(str(expected_p)),
               quota, use_fpc)  # fmt: skip
    _clean_design(d)
    if not questionnaire.questions.exists():
        raise SurveyError(_("问卷还没有题目。"), code="invalid")
    areas = _clean_areas(stratum_level, areas)
    with transaction.atomic():
        wave = Wave.objects.create(
            name=name.strip(), questionnaire=questionnaire, period_start=period_start, period_end=period_end,
            stratum_level=d.stratum_level, design=d.design, margin=d.margin, confidence=d.confidence,
            expected_p=d.expected_p, quota=d.quota, use_fpc=d.use_fpc, open_to_inspectors=open_to_inspectors,
            public_link=public_link, note=note, created_by=actor,
        )  # fmt: skip
        wave.interviewers.set(interviewers)
        _set_strata(wave, areas)
    return wave


def update_wave(*, actor, wave: Wave, areas=None, interviewers=None, **fields) -> Wave:
    """Change a wave: everything while it is a draft (strata re-planned); name, end date, note and who may
    collect while it is open; nothing once closed."""
    require_office(actor, _("只有文明办可以管理问卷调查。"))
    visible(Wave, actor, wave)
    unknown = set(fields) - set(WAVE_FIELDS)
    if unknown:
        raise SurveyError(_("不能修改：%(f)s") % {"f": "、".join(sorted(unknown))}, code="invalid")
    with transaction.atomic():
        w = Wave.objects.select_for_update().get(pk=wave.pk)
        if w.state == WaveState.CLOSED:
            raise SurveyError(_("调查已结束，不能修改。"), code="closed")
        changed = {k for k, v in fields.items() if getattr(w, k) != v}
        if w.state == WaveState.OPEN and (changed - set(OPEN_FIELDS) or areas is not None):
            raise SurveyError(_("调查已开始，只能修改名称、结束日期、备注和采集人员。"), code="state")
        for name, value in fields.items():
            setattr(w, name, value.strip() if name == "name" else value)
        if not w.name:
            raise SurveyError(_("请填写调查批次名称。"), code="invalid")
        _check_period(w.period_start, w.period_end)
        for name in ("margin", "confidence", "expected_p"):
            setattr(w, name, Decimal(str(getattr(w, name))))
        _clean_design(Design.of(w))
        w.save()
        if interviewers is not None:
            w.interviewers.set(interviewers)
        if w.state == WaveState.DRAFT:
            level_changed = "stratum_level" in changed
            current = None if level_changed else [s.area for s in w.strata.select_related("area")]
            _set_strata(w, _clean_areas(w.stratum_level, areas if areas is not None else current))
    return w


def open_wave(*, actor, wave: Wave) -> Wave:
    """Start collecting: interviewers see the wave, the public links answer."""
    require_office(actor, _("只有文明办可以管理问卷调查。"))
    visible(Wave, actor, wave)
    with transaction.atomic():
        w = Wave.objects.select_for_update().get(pk=wave.pk)
        if w.state != WaveState.DRAFT:
            raise SurveyError(_("只有草稿状态的调查可以开始。"), code="state")
        if not w.questionnaire.questions.exists():
            raise SurveyError(_("问卷还没有题目。"), code="invalid")
        if not w.strata.exists():
            raise SurveyError(_("调查还没有样本分层。"), code="invalid")
        w.state, w.opened_at = WaveState.OPEN, timezone.now()
        w.save(update_fields=["state", "opened_at", "updated_at"])
    return w


def close_wave(*, actor, wave: Wave) -> Wave:
    """Stop collecting and freeze the estimates (appraisal and bulletins read the frozen figures)."""
    from wenming.surveys.estimates import compute_estimates

    require_office(actor, _("只有文明办可以管理问卷调查。"))
    visible(Wave, actor, wave)
    with transaction.atomic():
        w = Wave.objects.select_for_update().get(pk=wave.pk)
        if w.state != WaveState.OPEN:
            raise SurveyError(_("只有调查中的批次可以结束。"), code="state")
        w.state, w.closed_at = WaveState.CLOSED, timezone.now()
        snapshot = compute_estimates(w)
        snapshot["frozen"] = True
        w.estimates_snapshot = snapshot
        w.save(update_fields=["state", "closed_at", "estimates_snapshot", "updated_at"])
    return w


def design_summary(wave: Wave) -> dict:
    """What the design means, for the wave page: n without/with the correction, overall and per stratum."""
    d = Design.of(wave)
    strata = list(wave.strata.all())
    populations = [s.population for s in strata]
    summary = {"total_target": sum(s.target for s in strata), "total_srs": sum(s.target_srs for s in strata),
               "population": sum(populations), "strata": len(strata), "overall": None}  # fmt: skip
    if d.design != DesignMode.QUOTA:
        summary["z"] = stats.z_value(float(d.confidence))
        if d.design == DesignMode.PROPORTIONAL:
            summary["overall"] = stats.sample_size(
                float(d.margin),
                float(d.confidence),
                float(d.expected_p),
                sum(populations) if d.use_fpc else None,
            )
    return summary
