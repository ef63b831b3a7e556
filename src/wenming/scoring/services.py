"""Writes of the scoring app: freezing a round's scores, editing the frequent-deduction themes."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wenming.core.roles import is_office
from wenming.inspections.choices import RoundState
from wenming.inspections.models import Round
from wenming.scoring import live
from wenming.scoring.choices import Dimension
from wenming.scoring.figures import ranking_rows
from wenming.scoring.models import DeductionTheme, ScoreSnapshot, SnapshotLoss, SnapshotPoint, SnapshotRollup
from wenming.standards.models import ProblemCategory


def freeze_on_close(sender, *, actor, round, **kwargs) -> None:  # noqa: A002 - the signal's argument name
    """`inspections.signals.round_closed` receiver: a closed round's scores are frozen in its transaction."""
    freeze_round(actor=actor, round=round)


def freeze_round(*, actor, round) -> ScoreSnapshot:  # noqa: A002 - the name the round_closed signal uses
    """Freeze a round's scores into a snapshot (called when the round is closed).

    The snapshot records the latest inspection of every point, every observation used and a SHA-256 of their
    content, the per-point scores and losses, and the roll-ups with ranks for every dimension. Freezing
    again with unchanged data returns the same snapshot; changed data (a re-opened and re-closed round)
    gives a new version — published versions are never overwritten. `actor=None` is a system process
    (demo loader, management command); a person must be allowed to change the round.
    """
    with transaction.atomic():
        locked = Round.objects.select_for_update().filter(pk=round.pk).first()
        if locked is None:
            raise ValidationError(_("轮次不存在。"))
        if actor is not None and not Round.objects.restrict(actor, "change").filter(pk=round.pk).exists():
            raise PermissionDenied(_("您无权冻结该轮次的成绩。"))
        if locked.state == RoundState.DRAFT:
            raise ValidationError(_("草稿轮次尚未开展测评，不能冻结成绩。"))
        scored = live.score_round(locked.pk)
        data_hash = scored.digest()
        inspection_ids = sorted(ref.id for ref in scored.inspections)
        latest = ScoreSnapshot.objects.filter(round=locked).order_by("-version").first()
        if latest and latest.data_hash == data_hash and latest.inspection_ids == inspection_ids:
            return latest
        return _create_snapshot(actor, locked, scored, data_hash, inspection_ids, latest)


def _create_snapshot(actor, round_obj, scored, data_hash, inspection_ids, latest) -> ScoreSnapshot:
    whole = _whole(scored)
    snapshot = ScoreSnapshot.objects.create(
        round=round_obj,
        version=(latest.version + 1) if latest else 1,
        created_by=actor,
        inspection_ids=inspection_ids,
        observation_ids=scored.observation_ids(),
        data_hash=data_hash,
        points=whole["points"],
        passed=whole["passed"],
        unassessed=whole["unassessed"],
        mean_score=whole["mean_score"],
        pass_rate=whole["pass_rate"],
        earned=whole["earned"],
        possible=whole["possible"],
    )
    group_parts: dict[int, dict[str, list]] = {}
    for item in scored.group_slices():
        s = item.score
        group_parts.setdefault(int(item.ref), {})[str(item.keys[Dimension.GROUP])] = [
            s.earned,
            s.possible,
            s.score_0_100,
            s.passed,
            list(s.failing_criteria),
        ]
    point_rows = []
    for item in scored.scored_points():
        info = scored.points.get(item.point_id)
        s = item.score
        point_rows.append(
            SnapshotPoint(
                snapshot=snapshot,
                point_id=item.point_id,
                inspection_id=item.ref,
                point_type_id=info.point_type_id if info else None,
                street_id=info.street_id if info else None,
                community_id=info.community_id if info else None,
                unit_id=info.unit_id if info else None,
                earned=s.earned,
                possible=s.possible,
                score=s.score_0_100,
                passed=s.passed,
                failing_criteria=list(s.failing_criteria),
                group_scores=group_parts.get(int(item.ref), {}),
            )
        )
    SnapshotPoint.objects.bulk_create(point_rows, batch_size=1000)
    by_inspection = {row.inspection_id: row for row in SnapshotPoint.objects.filter(snapshot=snapshot)}
    losses = []
    for ref in scored.inspections:
        for cid, g in scored.scores[ref.id].grades.items():
            if g.applicable and (not g.compliant or g.lost > 0):
                losses.append(
                    SnapshotLoss(
                        snapshot=snapshot,
                        snapshot_point=by_inspection[ref.id],
                        criterion_id=cid,
                        category_code=scored.criteria[cid].category or "",
                        lost=g.lost,
                        problems=g.problems,
                        grade_letter=g.grade_letter or "",
                    )
                )
    SnapshotLoss.objects.bulk_create(losses, batch_size=1000)
    rollups = [
        SnapshotRollup(
            snapshot=snapshot,
            dimension=row.dimension,
            key_id=row.key_id,
            label=row.label[:160],
            points=row.points,
            passed=row.passed,
            unassessed=row.unassessed,
            mean_score=row.mean_score,
            pass_rate=row.pass_rate,
            earned=row.earned,
            possible=row.possible,
            observations=row.observations,
            compliant_observations=row.compliant_observations,
            rank=row.rank,
            tied=row.tied,
        )
        for dimension in Dimension.values
        for row in ranking_rows(scored, dimension)
    ]
    SnapshotRollup.objects.bulk_create(rollups, batch_size=1000)
    return snapshot


def _whole(scored) -> dict:
    from wenming.scoring.engine import roll_up

    rolled = roll_up(scored.scored_points(), key=lambda item: "all").get("all")
    if rolled is None:
        return dict(
            points=0, passed=0, unassessed=0, mean_score=None, pass_rate=None, earned=0.0, possible=0.0
        )
    return dict(
        points=rolled.points,
        passed=rolled.passed,
        unassessed=rolled.unassessed,
        mean_score=rolled.mean_score,
        pass_rate=rolled.pass_rate,
        earned=rolled.earned,
        possible=rolled.possible,
    )


# --- frequent-deduction themes (易扣分点主题) -----------------------------------------------------------


def _clean_codes(codes) -> list[str]:
    if isinstance(codes, str):
        codes = codes.replace("，", ",").replace("、", ",").replace(" ", ",").split(",")
    cleaned = []
    for code in codes or []:
        code = str(code).strip()
        if code and code not in cleaned:
            cleaned.append(code)
    if not cleaned:
        raise ValidationError({"category_codes": _("请至少填写一个问题分类编码。")})
    known = set(ProblemCategory.objects.filter(code__in=cleaned).values_list("code", flat=True))
    unknown = [c for c in cleaned if c not in known]
    if unknown:
        raise ValidationError(
            {"category_codes": _("未知的问题分类编码：%(codes)s") % {"codes": "、".join(unknown)}}
        )
    return cleaned


def _require_change(actor) -> None:
    if not is_office(actor):
        raise PermissionDenied(_("只有文明办可以维护易扣分点主题。"))


def save_deduction_theme(
    *,
    actor,
    theme: DeductionTheme | None = None,
    name: str,
    category_codes,
    description: str = "",
    order: int = 0,
    is_active: bool = True,
) -> DeductionTheme:
    """Create or edit a theme; its codes must be existing problem category codes."""
    _require_change(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写主题名称。")})
    with transaction.atomic():
        codes = _clean_codes(category_codes)
        clash = DeductionTheme.objects.filter(name=name)
        if theme is not None:
            clash = clash.exclude(pk=theme.pk)
        if clash.exists():
            raise ValidationError({"name": _("已有同名主题。")})
        theme = theme or DeductionTheme()
        theme.name, theme.category_codes, theme.description = name, codes, description.strip()
        theme.order, theme.is_active = order, is_active
        theme.save()
        return theme


def delete_deduction_theme(*, actor, theme: DeductionTheme) -> None:
    _require_change(actor)
    with transaction.atomic():
        DeductionTheme.objects.filter(pk=theme.pk).delete()
