"""An inspection's score from the scoring engine (the engine is pure; this turns rows into its inputs)."""

from dataclasses import dataclass

from wenming.inspections.checklist import rule_params


@dataclass
class InspectionScore:
    earned: float
    possible: float
    score: float | None
    passed: bool
    grades: dict  # criterion id → engine Grade
    error: str = ""


def score_inspection(inspection, observations) -> InspectionScore:
    """Score one inspection's observations with `wenming.scoring.engine.score_point`."""
    from wenming.scoring.engine import CriterionSpec, ObservationValue, ScoringError, score_point

    criteria = {o.criterion_id: o.criterion for o in observations}
    specs = [
        CriterionSpec(
            id=c.pk,
            weight=float(c.weight),
            rule=c.rule,
            params=rule_params(c),
            category=str(c.category_id) if c.category_id else None,
            code=c.code,
        )
        for c in criteria.values()
    ]
    values = [
        ObservationValue(
            criterion_id=o.criterion_id,
            result=o.result,
            problems=o.problems,
            count=o.count,
            sub_results=o.sub_results,
            id=o.pk,
        )
        for o in observations
    ]
    try:
        result = score_point(specs, values)
    except ScoringError as exc:
        return InspectionScore(0.0, 0.0, None, False, {}, str(exc))
    return InspectionScore(
        earned=round(result.earned, 3),
        possible=round(result.possible, 3),
        score=None if result.score_0_100 is None else round(result.score_0_100, 1),
        passed=result.passed,
        grades=dict(result.grades),
    )
