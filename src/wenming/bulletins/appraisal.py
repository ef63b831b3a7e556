"""Appraisal (考核): evaluating a scheme for a period, the shipped templates, publication, appeals, export.

A subject's score = clamp(formula + capped bonuses − capped deductions, min, max):

* the **formula** (`core.formulas`, never `eval`) over the variables of `bulletins/variables.py`, by code or
  Chinese label; a rate without a denominator (no case due) follows the scheme's `missing_rate`: the
  subject gets no score ("—") and no rank, with the reason (default), or the rate counts at its best value
  (处置率 100 %, 返工率 0 %) or its worst;
* each **rule** adds or subtracts `points × variable`, capped at the rule's `cap`; all bonuses together are
  capped at `max_bonus`, all deductions at `max_deduction`;
* ranks are competition ranks of the final score (ties share a rank);
* **reward and penalty amounts** (考核奖惩): the scheme's bands map a rank range or a score range to an amount
  in yuan (negative = penalty); the first band that matches the result's final rank / final score applies,
  and the result keeps the amount with its basis (which band, which rank or score), so every amount can be
  traced to the score and through it to the records.

A run keeps a copy of the scheme as it was and every figure with its records, so a result can be explained
long after the scheme or the cases changed. Writes are `verb_noun(*, actor, …)` in one transaction.
"""

from __future__ import annotations

import math
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.bulletins import variables
from wenming.bulletins.choices import AppealState, MissingRate, RuleKind, RunState, Subject
from wenming.bulletins.models import Appeal, AppraisalResult, AppraisalRule, AppraisalRun, AppraisalScheme
from wenming.bulletins.periods import window_of
from wenming.core.formulas import FormulaError, evaluate, validate_formula
from wenming.core.roles import is_office
from wenming.scoring.engine import rank


class AppraisalError(ValidationError):
    """A refused appraisal operation; the message says why, in Chinese."""


def _require_office(actor) -> None:
    if not is_office(actor):
        raise PermissionDenied(_("只有文明办可以配置和计算考核。"))


# --- schemes ---------------------------------------------------------------------------------------------


def _clean_rules(rules) -> list[dict]:
    out = []
    for i, rule in enumerate(rules or []):
        kind = rule.get("kind")
        if kind not in RuleKind.values:
            raise AppraisalError({"rules": _("第 %(n)d 条规则：类型应为加分或扣分。") % {"n": i + 1}})
        var = variables.resolve(str(rule.get("variable", "")).strip())
        if var is None:
            raise AppraisalError(
                {
                    "rules": _("第 %(n)d 条规则：未知的计分变量“%(v)s”。")
                    % {"n": i + 1, "v": rule.get("variable")}
                }
            )
        try:
            points = float(rule.get("points"))
            cap = None if rule.get("cap") in (None, "") else float(rule.get("cap"))
        except (TypeError, ValueError):
            raise AppraisalError({"rules": _("第 %(n)d 条规则：分值和上限应为数字。") % {"n": i + 1}})
        if (
            not math.isfinite(points)
            or points <= 0
            or (cap is not None and (not math.isfinite(cap) or cap <= 0))
        ):
            raise AppraisalError({"rules": _("第 %(n)d 条规则：分值和上限应为正数。") % {"n": i + 1}})
        out.append({"kind": kind, "variable": var.code, "points": points, "cap": cap,
                    "note": str(rule.get("note", "") or "")[:200], "order": i})  # fmt: skip
    return out


def _check_numbers(values: dict) -> None:
    if values.get("missing_rate", MissingRate.SKIP) not in MissingRate.values:
        raise AppraisalError({"missing_rate": _("未知的处理方式。")})
    for name in ("max_bonus", "max_deduction", "min_score", "max_score"):
        value = values.get(name)
        if value is not None and not math.isfinite(float(value)):
            raise AppraisalError({name: _("应为有限的数字。")})
    for name in ("max_bonus", "max_deduction"):
        if values.get(name) is not None and values[name] < 0:
            raise AppraisalError({name: _("上限不能为负数。")})
    lo, hi = values.get("min_score"), values.get("max_score")
    if lo is not None and hi is not None and lo > hi:
        raise AppraisalError({"max_score": _("最高分不能低于最低分。")})


def validate_scheme_formula(formula: str) -> None:
    try:
        validate_formula(formula, variables.allowed_names())
    except FormulaError as exc:
        raise AppraisalError({"formula": exc.messages})


SCHEME_FIELDS = ("name", "subject", "formula", "description", "missing_rate", "max_bonus", "max_deduction",
                 "min_score", "max_score", "is_active", "order", "reward_bands")  # fmt: skip

# --- reward and penalty bands (考核奖惩) ----------------------------------------------------------------------

BAND_BY = {"rank": "名次", "score": "得分"}
_BAND_LINE = re.compile(
    r"^\s*(名次|得分)\s*(-?\d+(?:\.\d+)?)\s*(?:~|～|至|-|—|–)\s*(-?\d+(?:\.\d+)?)\s*[=＝:：]\s*"
    r"([-+−]?\d+(?:\.\d+)?)\s*(?:元)?\s*(.*)$"
)


def parse_bands(text: str) -> list[dict]:
    """Bands from lines like "名次 1-3 = 5000 红榜奖励" or "得分 0~60 = -2000 扣罚"; a bad line → AppraisalError."""
    bands = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        m = _BAND_LINE.match(line)
        if m is None:
            raise AppraisalError(
                {
                    "reward_bands": _("第 %(n)d 行格式应为“名次 1-3 = 5000 说明”或“得分 0-60 = -2000 说明”。")
                    % {"n": n}
                }
            )
        by = "rank" if m[1] == "名次" else "score"
        bands.append({"by": by, "low": float(m[2]), "high": float(m[3]), "amount": float(m[4].replace("−", "-")),
                      "note": m[5].strip()[:100]})  # fmt: skip
    return clean_bands(bands)


def clean_bands(bands) -> list[dict]:
    out = []
    for i, band in enumerate(bands or [], start=1):
        try:
            by, low, high = band["by"], float(band["low"]), float(band["high"])
            amount = float(band["amount"])
        except (KeyError, TypeError, ValueError):
            raise AppraisalError({"reward_bands": _("第 %(n)d 个奖惩档次不完整。") % {"n": i}})
        if by not in BAND_BY or not all(math.isfinite(x) for x in (low, high, amount)):
            raise AppraisalError(
                {"reward_bands": _("第 %(n)d 个奖惩档次应按名次或得分，数值应为有限数字。") % {"n": i}}
            )
        if low > high:
            raise AppraisalError({"reward_bands": _("第 %(n)d 个奖惩档次的下限高于上限。") % {"n": i}})
        if by == "rank" and (low < 1 or not low.is_integer() or not high.is_integer()):
            raise AppraisalError(
                {"reward_bands": _("第 %(n)d 个奖惩档次：名次应为从 1 开始的整数。") % {"n": i}}
            )
        out.append(
            {"by": by, "low": low, "high": high, "amount": amount, "note": str(band.get("note", ""))[:100]}
        )
    return out


def _g(value: float) -> str:
    return f"{value:g}"


def bands_text(bands) -> str:
    """The bands as the form shows them (one per line), the inverse of `parse_bands`."""
    return "\n".join(
        f"{BAND_BY[b['by']]} {_g(b['low'])}-{_g(b['high'])} = {_g(b['amount'])}" + (f" {b['note']}" if b.get("note") else "")
        for b in bands or []
    )  # fmt: skip


def band_label(band: dict) -> str:
    return f"{BAND_BY[band['by']]} {_g(band['low'])}–{_g(band['high'])}"


def amount_for(bands, *, score: float | None, rank_no: int | None) -> tuple[float | None, str]:
    """The amount of one result and why: the first band whose range holds the final rank (or final score)."""
    if not bands:
        return None, ""
    if score is None:
        return None, _("无得分，不计奖惩")
    for band in bands:
        value = rank_no if band["by"] == "rank" else round(score, 2)
        if value is not None and band["low"] <= value <= band["high"]:
            what = (
                _("名次 %(v)s") % {"v": value}
                if band["by"] == "rank"
                else _("最终得分 %(v).2f") % {"v": value}
            )
            kind = _("奖励") if band["amount"] >= 0 else _("扣罚")
            text = _("%(what)s 属“%(band)s”档：%(kind)s %(amount)s 元") % {
                "what": what, "band": band_label(band), "kind": kind, "amount": _g(abs(band["amount"])),
            }  # fmt: skip
            if band.get("note"):
                text += f"（{band['note']}）"
            return band["amount"], text[:300]
    return 0.0, _("不在任何奖惩档次，金额为 0")


def _set_amounts(results, bands) -> None:
    for r in results:
        r.amount, r.amount_basis = amount_for(bands, score=r.final_score, rank_no=r.rank)


@transaction.atomic
def save_scheme(*, actor, scheme: AppraisalScheme | None = None, rules=None, **values) -> AppraisalScheme:
    """Create or update a scheme and replace its rules; a refused formula or rule changes nothing."""
    _require_office(actor)
    unknown = set(values) - set(SCHEME_FIELDS)
    if unknown:
        raise ValueError(f"unknown scheme fields: {sorted(unknown)}")
    name = (values.get("name", scheme.name if scheme else "") or "").strip()
    if not name:
        raise AppraisalError({"name": _("请填写方案名称。")})
    if AppraisalScheme.objects.filter(name=name).exclude(pk=getattr(scheme, "pk", None)).exists():
        raise AppraisalError({"name": _("已有同名考核方案。")})
    subject = values.get("subject", scheme.subject if scheme else "")
    if subject not in Subject.values:
        raise AppraisalError({"subject": _("请选择考核对象。")})
    formula = (values.get("formula", scheme.formula if scheme else "") or "").strip()
    validate_scheme_formula(formula)
    _check_numbers(values)
    if "reward_bands" in values:
        values["reward_bands"] = clean_bands(values["reward_bands"])
    cleaned = _clean_rules(rules) if rules is not None else None
    scheme = scheme or AppraisalScheme()
    for field, value in values.items():
        setattr(scheme, field, value.strip() if isinstance(value, str) else value)
    scheme.name, scheme.formula, scheme.subject = name, formula, subject
    scheme.save()
    if cleaned is not None:
        scheme.rules.all().delete()
        AppraisalRule.objects.bulk_create(AppraisalRule(scheme=scheme, **rule) for rule in cleaned)
    return scheme


def scheme_snapshot(scheme: AppraisalScheme) -> dict:
    return {
        "name": scheme.name, "subject": scheme.subject, "formula": scheme.formula,
        "description": scheme.description, "missing_rate": scheme.missing_rate, "max_bonus": scheme.max_bonus,
        "max_deduction": scheme.max_deduction, "min_score": scheme.min_score, "max_score": scheme.max_score,
        "reward_bands": list(scheme.reward_bands or []),
        "rules": [
            {"kind": r.kind, "variable": r.variable, "points": r.points, "cap": r.cap, "note": r.note}
            for r in scheme.rules.all()
        ],
    }  # fmt: skip


TEMPLATES = (
    {
        "key": "street_competition",
        "name": "街道（社区）创建竞赛",
        "subject": Subject.STREET,
        "formula": "100",
        "min_score": None,
        "description": (
            "各街道基础分 100 分：市级测评每发现一个问题扣 2 分、区级扣 1 分（按问题计：一条测评结果记录几个问题计几个），"
            "当场整改的减半扣分；市级测评每个无问题点位加 2 分、区级加 1 分；重复发现的问题每次均扣分；"
            "超期案件每件扣 2 分，计入案件的责任方（街道办事处及其下属社区等单位，区直部门的超期案件不计入所在街道），"
            "只在超期当期扣一次。不设最低分（可在方案中设置“最低分”）。"
        ),
        "rules": [
            ("deduction", "city_problems_open", 2, "市级测评问题 −2"),
            ("deduction", "city_problems_on_spot", 1, "市级测评当场整改 −1（减半）"),
            ("deduction", "district_problems_open", 1, "区级测评问题 −1"),
            ("deduction", "district_problems_on_spot", 0.5, "区级测评当场整改 −0.5（减半）"),
            ("bonus", "city_clean_points", 2, "市级测评无问题点位 +2"),
            ("bonus", "district_clean_points", 1, "区级测评无问题点位 +1"),
            ("deduction", "overdue_new", 2, "超期案件 −2（计入责任方，超期当期计一次）"),
        ],
    },
    {
        "key": "unit_handling",
        "name": "责任单位处置综合考核",
        "subject": Subject.UNIT,
        "formula": "处置率*30 + 按期处置率*20 + (1-返工率)*20 + (1-超期待处置率)*20 + (1-延期率)*10",
        "description": "处置率×30 + 按期处置率×20 + (1−返工率)×20 + (1−超期待处置率)×20 + (1−延期率)×10（满分 100）；本期无应处置案件的单位不计分、不排名。",
        "rules": [],
    },
    {
        "key": "unit_closing",
        "name": "责任单位结案综合考核",
        "subject": Subject.UNIT,
        "formula": "((按期结案率 + 0.4*超期结案率)*0.8 + (1-延期率)*0.1 + (1-返工率)*0.1) * 100",
        "description": "(按期结案率 + 0.4×超期结案率)×80% + (1−延期率)×10% + (1−返工率)×10%，换算为百分制；本期无应结案案件的单位不计分、不排名。",
        "rules": [],
    },
)  # fmt: skip


def ensure_template_schemes() -> int:
    """Create the shipped templates that do not exist yet (by template key); returns how many were made."""
    made = 0
    for order, t in enumerate(TEMPLATES, start=1):
        if AppraisalScheme.objects.filter(template_key=t["key"]).exists():
            continue
        name = t["name"]
        if AppraisalScheme.objects.filter(name=name).exists():
            continue
        scheme = AppraisalScheme.objects.create(
            name=name, subject=t["subject"], formula=t["formula"], description=t["description"],
            min_score=t.get("min_score"), template_key=t["key"], order=order,
        )  # fmt: skip
        AppraisalRule.objects.bulk_create(
            AppraisalRule(scheme=scheme, kind=k, variable=v, points=p, note=note, order=i)
            for i, (k, v, p, note) in enumerate(t["rules"])
        )
        made += 1
    return made


# --- evaluation ----------------------------------------------------------------------------------------------


def formula_values(figures: dict, missing_rate: str = MissingRate.SKIP) -> dict[str, float]:
    """Names → numbers for the formula: every variable by code and label. A rate without a denominator is
    left out (SKIP: the formula then cannot be evaluated) or takes its best / worst value."""
    out: dict[str, float] = {}
    for code, var in variables.registry().items():
        value = (figures.get(code) or {}).get("value")
        if value is None and var.is_rate and missing_rate in (MissingRate.BEST, MissingRate.WORST):
            good = missing_rate == MissingRate.BEST
            value = 1.0 if good == var.higher_is_better else 0.0
        if value is not None:
            out[code] = out[var.label] = float(value)
    return out


def evaluate_subject(snapshot: dict, figures: dict) -> dict:
    """The score of one subject under a scheme snapshot: base, contributions, bonus, deduction, score, error."""
    values = formula_values(figures, snapshot.get("missing_rate") or MissingRate.SKIP)
    out = {"base": None, "bonus": 0.0, "deduction": 0.0, "contributions": [], "score": None, "error": ""}
    try:
        out["base"] = round(evaluate(snapshot["formula"], values), 4)
    except FormulaError as exc:
        reason = " ".join(exc.messages)
        if "缺少变量的值" in reason:
            reason = _("本期无应处置（应结案）案件，比率无法计算，不计分、不排名（%(r)s）") % {"r": reason}
        out["error"] = _("基础公式无法计算：%(e)s") % {"e": reason}
        return out
    reg = variables.registry()
    for i, rule in enumerate(snapshot.get("rules", [])):
        var = reg.get(rule["variable"])
        value = values.get(rule["variable"], 0.0)
        amount = rule["points"] * value
        if rule.get("cap") is not None:
            amount = min(amount, rule["cap"])
        out["contributions"].append(
            {"rule": i, "kind": rule["kind"], "variable": rule["variable"], "label": var.label if var else rule["variable"],
             "value": value, "points": rule["points"], "cap": rule.get("cap"), "amount": round(amount, 4),
             "note": rule.get("note", "")}
        )  # fmt: skip
        if rule["kind"] == RuleKind.BONUS:
            out["bonus"] += amount
        else:
            out["deduction"] += amount
    if snapshot.get("max_bonus") is not None:
        out["bonus"] = min(out["bonus"], snapshot["max_bonus"])
    if snapshot.get("max_deduction") is not None:
        out["deduction"] = min(out["deduction"], snapshot["max_deduction"])
    score = out["base"] + out["bonus"] - out["deduction"]
    if snapshot.get("min_score") is not None:
        score = max(score, snapshot["min_score"])
    if snapshot.get("max_score") is not None:
        score = min(score, snapshot["max_score"])
    out["bonus"], out["deduction"], out["score"] = (
        round(out["bonus"], 4),
        round(out["deduction"], 4),
        round(score, 2),
    )
    return out


def _subjects(subject: str, figures: dict) -> list[tuple[int, str]]:
    if subject == Subject.STREET:
        from wenming.geo.choices import AreaLevel
        from wenming.geo.models import Area

        return list(Area.objects.filter(level=AreaLevel.STREET).order_by("code").values_list("pk", "name"))
    from wenming.org.models import Unit

    return list(
        Unit.objects.filter(pk__in=figures.keys()).order_by("level", "code").values_list("pk", "name")
    )


def _rank(results: list[AppraisalResult]) -> None:
    for r in rank(results, key=lambda x: x.final_score):
        r.item.rank, r.item.tied = r.rank, r.tied


@transaction.atomic
def run_appraisal(
    *, actor, scheme: AppraisalScheme, period_code: str, now=None, note: str = ""
) -> AppraisalRun:
    """Compute every unit's / street's result of the scheme for the period, frozen in a new run."""
    _require_office(actor)
    try:
        window = window_of(period_code)
    except ValidationError as exc:
        raise AppraisalError({"period_code": exc.messages})
    now = now or timezone.now()
    snapshot = scheme_snapshot(scheme)
    validate_scheme_formula(snapshot["formula"])
    figures = variables.compute(scheme.subject, window, now=now)
    run = AppraisalRun.objects.create(
        scheme=scheme, period_code=window.code, period_start=window.first_day, period_end=window.last_day,
        scheme_snapshot=snapshot, computed_at=now, computed_by=actor, note=note,
    )  # fmt: skip
    field = "unit_id" if scheme.subject == Subject.UNIT else "area_id"
    results = []
    for key, label in _subjects(scheme.subject, figures):
        values = variables.complete(figures.get(key, {}))
        scored = evaluate_subject(snapshot, values)
        results.append(
            AppraisalResult(
                run=run, label=label, figures=values, base=scored["base"], bonus=scored["bonus"],
                deduction=scored["deduction"], contributions=scored["contributions"], score=scored["score"],
                final_score=scored["score"], error=scored["error"][:300], **{field: key},
            )
        )  # fmt: skip
    _rank(results)
    _set_amounts(results, snapshot["reward_bands"])
    AppraisalResult.objects.bulk_create(results, batch_size=500)
    return run


def _require_run(actor, run: AppraisalRun, action: str = "change") -> AppraisalRun:
    if not AppraisalRun.objects.restrict(actor, "view").filter(pk=run.pk).exists():
        raise Http404
    if not AppraisalRun.objects.restrict(actor, action).filter(pk=run.pk).exists():
        raise PermissionDenied(_("您没有权限执行此操作。"))
    return AppraisalRun.objects.select_for_update().get(pk=run.pk)


@transaction.atomic
def publish_run(*, actor, run: AppraisalRun) -> AppraisalRun:
    """Publish to the units: each sees its own result and may appeal."""
    locked = _require_run(actor, run)
    if locked.state == RunState.PUBLISHED:
        raise AppraisalError(_("该考核结果已公布。"))
    locked.state, locked.published_at = RunState.PUBLISHED, timezone.now()
    locked.save(update_fields=["state", "published_at"])
    _notify_units(locked)
    return locked


def _notify_units(run: AppraisalRun) -> None:
    from wenming.accounts.models import Membership, User

    unit_ids = set(run.results.exclude(unit__isnull=True).values_list("unit_id", flat=True))
    unit_ids |= set(run.results.exclude(area__unit__isnull=True).values_list("area__unit_id", flat=True))
    holders = Membership.objects.active().filter(unit_id__in=unit_ids).values("user_id")
    ids = list(User.objects.filter(pk__in=holders, is_active=True).values_list("pk", flat=True))
    if not ids:
        return
    title = _("考核结果已公布：%(s)s（%(p)s）") % {"s": run.scheme.name, "p": run.period_code}
    url = run.get_absolute_url()

    def send():
        from wenming.core.notify import notify

        notify(list(User.objects.filter(pk__in=ids)), kind="appraisal.published", title=title, url=url)

    transaction.on_commit(send)


# --- appeals ----------------------------------------------------------------------------------------------


@transaction.atomic
def file_appeal(*, actor, result: AppraisalResult, reason: str, at=None) -> Appeal:
    """A handler of the result's own unit (or street) appeals it; one pending appeal per result."""
    if not AppraisalResult.objects.restrict(actor, "view").filter(pk=result.pk).exists():
        raise Http404
    if not AppraisalResult.objects.restrict(actor, "appeal").filter(pk=result.pk).exists():
        raise PermissionDenied(_("只有本单位（街道）的经办人可以对本单位结果提出申诉。"))
    locked = AppraisalResult.objects.select_for_update().get(pk=result.pk)
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise AppraisalError({"reason": _("请写明申诉理由（至少 5 个字）。")})
    if locked.appeals.filter(state=AppealState.PENDING).exists():
        raise AppraisalError(_("本结果已有待答复的申诉。"))
    appeal = Appeal.objects.create(
        result=locked, filed_by=actor, filed_at=at or timezone.now(), reason=reason[:4000]
    )
    from wenming.accounts.models import User

    ids = list(User.objects.with_role("office").filter(is_active=True).values_list("pk", flat=True))
    title = _("考核申诉：%(l)s（%(s)s）") % {"l": locked.label, "s": locked.run.scheme.name}
    url = locked.get_absolute_url()

    def send():
        from wenming.core.notify import notify

        notify(list(User.objects.filter(pk__in=ids)), kind="appraisal.appeal", title=title, url=url)

    if ids:
        transaction.on_commit(send)
    return appeal


@transaction.atomic
def answer_appeal(
    *, actor, appeal: Appeal, upheld: bool, answer: str, adjustment: float = 0.0, at=None
) -> Appeal:
    """The office answers; an upheld appeal may adjust the score (ranks of the run are recomputed)."""
    _require_office(actor)
    locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if locked.state != AppealState.PENDING:
        raise AppraisalError(_("该申诉已答复。"))
    answer = (answer or "").strip()
    if not answer:
        raise AppraisalError({"answer": _("请填写答复意见。")})
    adjustment = float(adjustment or 0)
    if not math.isfinite(adjustment) or abs(adjustment) > 100:
        raise AppraisalError({"adjustment": _("调整分值应在 −100 到 100 之间。")})
    if adjustment and not upheld:
        raise AppraisalError({"adjustment": _("申诉不成立时不能调整分值。")})
    locked.state = AppealState.UPHELD if upheld else AppealState.REJECTED
    locked.answer, locked.adjustment = answer[:4000], adjustment
    locked.answered_by, locked.answered_at = actor, at or timezone.now()
    locked.save()
    if adjustment:
        result = AppraisalResult.objects.select_for_update().get(pk=locked.result_id)
        if result.score is None:
            raise AppraisalError({"adjustment": _("该结果没有得分，无法调整。")})
        result.adjustment = round(result.adjustment + adjustment, 4)
        result.final_score = round(result.score + result.adjustment, 2)
        result.save(update_fields=["adjustment", "final_score"])
        results = list(AppraisalResult.objects.filter(run_id=result.run_id).order_by("pk"))
        _rank(results)
        _set_amounts(results, locked.result.run.scheme_snapshot.get("reward_bands"))
        AppraisalResult.objects.bulk_update(results, ["rank", "tied", "amount", "amount_basis"])
    from wenming.accounts.models import User

    title = _("考核申诉已答复：%(l)s") % {"l": locked.result.label}
    url = locked.result.get_absolute_url()
    filer = locked.filed_by_id

    def send():
        from wenming.core.notify import notify

        notify(list(User.objects.filter(pk=filer)), kind="appraisal.answered", title=title, url=url)

    transaction.on_commit(send)
    return locked


# --- export for the third-party appraiser ------------------------------------------------------------------------


def export_xlsx(run: AppraisalRun, results) -> bytes:
    """Results with every figure (one column per variable, code in the second header row), the rules applied,
    and the scheme as computed."""
    from openpyxl.styles import Font

    from wenming.core.spreadsheets import SafeWorkbook, workbook_bytes

    reg = variables.registry()
    workbook = SafeWorkbook()
    sheet = workbook.active
    sheet.title = _("考核结果")
    snapshot = run.scheme_snapshot
    head = [
        _("名次"),
        _("名称"),
        _("基础分"),
        _("加分"),
        _("扣分"),
        _("得分"),
        _("申诉调整"),
        _("最终得分"),
        _("说明"),
        _("奖惩金额（元）"),
        _("奖惩依据"),
    ]
    codes = list(reg)
    sheet.append(head + [reg[c].label for c in codes])
    sheet.append([""] * len(head) + codes)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r in results:
        sheet.append(
            [
                r.rank,
                r.label,
                r.base,
                r.bonus,
                r.deduction,
                r.score,
                r.adjustment,
                r.final_score,
                r.error,
                r.amount,
                r.amount_basis,
            ]
            + [(r.figures.get(c) or {}).get("value") for c in codes]
        )
    rules = workbook.create_sheet(_("加扣分明细"))
    rules.append([_("名称"), _("规则"), _("计分变量"), _("变量值"), _("每项分值"), _("上限"), _("加/扣分")])
    for r in results:
        for c in r.contributions:
            rules.append(
                [
                    r.label,
                    c.get("note") or "",
                    c["label"],
                    c["value"],
                    c["points"] if c["kind"] == RuleKind.BONUS else -c["points"],
                    c["cap"],
                    c["amount"],
                ]
            )
    info = workbook.create_sheet(_("考核方案"))
    for label, value in (
        (_("方案"), snapshot.get("name")), (_("考核期间"), f"{run.period_code}（{run.period_start} ~ {run.period_end}）"),
        (_("基础公式"), snapshot.get("formula")),
        (_("无分母比率的处理"), str(dict(MissingRate.choices).get(snapshot.get("missing_rate"), ""))),
        (_("加分上限"), snapshot.get("max_bonus")), (_("扣分上限"), snapshot.get("max_deduction")),
        (_("最低分"), snapshot.get("min_score")), (_("最高分"), snapshot.get("max_score")),
        (_("说明"), snapshot.get("description")), (_("计算时间"), timezone.localtime(run.computed_at).strftime("%Y-%m-%d %H:%M")),
    ):  # fmt: skip
        info.append([label, value])
    info.append([_("奖惩档次"), bands_text(snapshot.get("reward_bands")) or _("（未设）")])
    info.append([])
    info.append([_("变量"), _("代码"), _("口径")])
    for code, var in reg.items():
        info.append([var.label, code, var.description])
    return workbook_bytes(workbook)
