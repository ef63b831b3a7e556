"""Estimates of a wave (知晓率, 支持率, 参与率, 满意率) per stratum and overall, weighted by population.

For the bulletins / appraisal / dashboard helpers — the contract:

    from wenming.surveys.estimates import wave_estimates
    data = wave_estimates(wave)          # a closed wave: the figures frozen when it closed; else computed now
    data["indicators"]["satisfaction"]["estimate"]        # 0.873 (a share 0–1), or None without data
    data["indicators"]["satisfaction_score"]["estimate"]  # 84.2 (mean on the 100/60/0 mapping, 0–100)
    for row in data["indicators"]["awareness"]["by_stratum"]:
        row["area_id"], row["area_code"], row["estimate"], row["ci_low"], row["ci_high"], row["n"]

The returned dict (JSON-serialisable):

    {"wave": {"id", "name", "period_start", "period_end", "state"},    # dates as ISO strings
     "computed_at": ISO datetime, "frozen": bool, "confidence": 0.95, "fpc": bool,
     "weighting": "population", "responses": int,
     "strata": [{"id", "area_id", "area_code", "area_name", "population", "weight", "target", "responses"}],
     "indicators": {key: {"label", "kind": "rate" | "score", "questions": [question codes],
                          "estimate", "se", "ci_low", "ci_high", "n", "deff", "unweighted", "unweighted_se",
                          "by_stratum": [{"area_id", "area_code", "area_name", "population", "weight", "n",
                                          "estimate", "se", "ci_low", "ci_high"}],
                          "warnings": [str]}},
     "questions": [{"id", "code", "text", "kind", "n", "rate": {...} | None, "score": {...} | None,
                    "distribution": [{"value", "label", "count", "share", "positive", "valid"}]}],
     "warnings": [str]}

Indicator keys: "awareness", "support", "participation", "satisfaction" (rates) and "satisfaction_score".
A respondent's value for an indicator with several questions is the share of their valid answers that are
positive (the correct answer; 支持/基本支持; 参与; 满意/基本满意), or the mean of their scores; answers
marked not valid ("说不清") are left out. See `wenming.surveys.stats` for the estimator and its variance.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.surveys import stats
from wenming.surveys.choices import QuestionKind, WaveState


@dataclass(frozen=True)
class Indicator:
    key: str
    kind: str  # question kind it reads
    measure: str  # "rate" or "score"
    label: str


def indicators() -> list[Indicator]:
    return [
        Indicator("awareness", QuestionKind.AWARENESS, "rate", _("知晓率")),
        Indicator("support", QuestionKind.SUPPORT, "rate", _("支持率")),
        Indicator("participation", QuestionKind.PARTICIPATION, "rate", _("参与率")),
        Indicator("satisfaction", QuestionKind.SATISFACTION, "rate", _("满意率")),
        Indicator("satisfaction_score", QuestionKind.SATISFACTION, "score", _("满意度得分")),
    ]


BOUNDS = {"rate": (0.0, 1.0), "score": (0.0, 100.0)}


def wave_estimates(wave, *, live: bool = False) -> dict:
    """The wave's estimates: frozen at closing for a closed wave (unless `live`), computed now otherwise."""
    if wave.state == WaveState.CLOSED and wave.estimates_snapshot and not live:
        return wave.estimates_snapshot
    return compute_estimates(wave)


def _r(value, digits: int = 6):
    return None if value is None else round(value, digits)


def _estimate_dict(estimate: stats.Estimate, strata_info: dict) -> dict:
    out = {k: _r(v) if isinstance(v, float) else v for k, v in estimate.as_dict().items()}
    out["by_stratum"] = [
        {**strata_info[s.key], "weight": _r(s.weight), "n": s.n, "estimate": _r(s.mean), "se": _r(s.se),
         "ci_low": _r(s.ci_low), "ci_high": _r(s.ci_high)}
        for s in estimate.strata
    ]  # fmt: skip
    out["warnings"] = estimate.warnings
    return out


class _Collected:
    """Per respondent: stratum and answers; read in one query."""

    def __init__(self, wave, questions):
        from wenming.surveys.models import Answer, Response

        self.stratum_of: dict[int, int] = dict(
            Response.objects.filter(wave=wave).values_list("pk", "stratum_id")
        )
        self.answers: dict[int, dict[int, str]] = defaultdict(dict)
        rows = Answer.objects.filter(response__wave=wave, question__in=[q.pk for q in questions]).values_list(
            "response_id", "question_id", "value"
        )
        for response_id, question_id, value in rows.iterator(chunk_size=5000):
            self.answers[response_id][question_id] = value


def _values_by_stratum(collected: _Collected, strata, value_of) -> list[stats.StratumData]:
    """One StratumData per stratum with each respondent's value (respondents without one are skipped)."""
    values: dict[int, list[float]] = defaultdict(list)
    for response_id, stratum_id in collected.stratum_of.items():
        value = value_of(collected.answers.get(response_id, {}))
        if value is not None:
            values[stratum_id].append(value)
    return [stats.StratumData(s.pk, s.population, values.get(s.pk, [])) for s in strata]


def _respondent_value(questions, measure: str):
    maps = {q.pk: q.option_map() for q in questions}

    def value_of(answers: dict[int, str]):
        got = []
        for qid, options in maps.items():
            option = options.get(answers.get(qid, ""))
            if option is None or not option.get("valid", True):
                continue
            if measure == "rate":
                got.append(1.0 if option.get("positive") else 0.0)
            elif option.get("score") is not None:
                got.append(float(option["score"]))
        return sum(got) / len(got) if got else None

    return value_of


def _distribution(question, collected: _Collected) -> tuple[list[dict], int]:
    counts: dict[str, int] = defaultdict(int)
    for answers in collected.answers.values():
        value = answers.get(question.pk)
        if value:
            counts[value] += 1
    total = sum(counts.values())
    rows = [
        {"value": o["value"], "label": o["label"], "count": counts.get(o["value"], 0),
         "share": _r(counts.get(o["value"], 0) / total) if total else None,
         "positive": bool(o.get("positive")), "valid": bool(o.get("valid", True))}
        for o in question.options
    ]  # fmt: skip
    return rows, total


def compute_estimates(wave) -> dict:
    """Compute the estimates from the responses now (see the module docstring for the dict)."""
    from wenming.surveys.models import Stratum

    strata = list(
        Stratum.objects.filter(wave=wave).with_counts().select_related("area").order_by("order", "pk")
    )
    questions = list(wave.questionnaire.questions.order_by("order", "pk"))
    collected = _Collected(wave, questions)
    confidence = float(wave.confidence)
    pop_total = sum(s.population for s in strata) or 1
    info = {
        s.pk: {
            "area_id": s.area_id,
            "area_code": s.area.code,
            "area_name": s.area.name,
            "population": s.population,
        }
        for s in strata
    }

    def estimate(qs, measure: str) -> dict:
        data = _values_by_stratum(collected, strata, _respondent_value(qs, measure))
        result = stats.stratified_mean(data, confidence=confidence, fpc=wave.use_fpc, bounds=BOUNDS[measure])
        return _estimate_dict(result, info)

    out_indicators = {}
    for ind in indicators():
        qs = [q for q in questions if q.kind == ind.kind and (ind.measure == "rate" or q.has_scores)]
        body = (
            estimate(qs, ind.measure) if qs else {"estimate": None, "by_stratum": [], "warnings": [], "n": 0}
        )
        out_indicators[ind.key] = {
            "label": ind.label,
            "kind": ind.measure,
            "questions": [q.code for q in qs],
            **body,
        }
    out_questions = []
    for q in questions:
        distribution, answered = _distribution(q, collected)
        rate = estimate([q], "rate") if q.kind in QuestionKind.rates() else None
        score = estimate([q], "score") if not q.is_text and q.has_scores else None
        out_questions.append({"id": q.pk, "code": q.code, "text": q.text, "kind": q.kind, "n": answered,
                              "rate": rate, "score": score, "distribution": distribution})  # fmt: skip
    warnings = []
    short = [s.area.name for s in strata if s.responses_count < s.target]
    if short and wave.state != WaveState.DRAFT:
        warnings.append(_("以下分层未达到目标样本量：%(a)s") % {"a": "、".join(short)})
    return {
        "wave": {"id": wave.pk, "name": wave.name, "period_start": wave.period_start.isoformat(),
                 "period_end": wave.period_end.isoformat(), "state": wave.state},
        "computed_at": timezone.now().isoformat(),
        "frozen": False,
        "confidence": confidence,
        "fpc": wave.use_fpc,
        "weighting": "population",
        "responses": len(collected.stratum_of),
        "strata": [{"id": s.pk, **info[s.pk], "weight": _r(s.population / pop_total), "target": s.target,
                    "responses": s.responses_count} for s in strata],
        "indicators": out_indicators,
        "questions": out_questions,
        "warnings": warnings,
    }  # fmt: skip


def compare_waves(waves) -> list[dict]:
    """Indicator rows across waves (oldest first): each wave's estimate and the change from the previous wave
    with a z test (independent samples at the later wave's confidence)."""
    data = [(w, wave_estimates(w)) for w in waves]
    rows = []
    for ind in indicators():
        cells, previous = [], None
        for wave, est in data:
            item = est["indicators"].get(ind.key) or {}
            cell = {"wave": wave, "estimate": item.get("estimate"), "ci_low": item.get("ci_low"),
                    "ci_high": item.get("ci_high"), "se": item.get("se"), "n": item.get("n", 0), "change": None}  # fmt: skip
            if previous and previous["estimate"] is not None and cell["estimate"] is not None:
                d = stats.difference(previous["estimate"], previous["se"] or 0.0, cell["estimate"], cell["se"] or 0.0,
                                     est.get("confidence", 0.95))  # fmt: skip
                cell["change"] = {"diff": d.diff, "se": d.se, "z": d.z, "significant": d.significant}
            cells.append(cell)
            previous = cell
        rows.append({"key": ind.key, "label": ind.label, "kind": ind.measure, "cells": cells})
    return rows


def latest_wave_summary(user) -> dict | None:
    """For the leadership view: the latest closed wave the user may see, its headline figures and the change
    since the closed wave before it. None when there is none."""
    from wenming.surveys.models import Wave

    closed = list(Wave.objects.restrict(user, "view").closed().order_by("-period_end", "-pk")[:2])
    if not closed:
        return None
    latest = closed[0]
    rows = compare_waves(list(reversed(closed)))
    return {
        "wave": latest,
        "indicators": [
            {"key": r["key"], "label": r["label"], "kind": r["kind"], **r["cells"][-1]} for r in rows
        ],
    }
