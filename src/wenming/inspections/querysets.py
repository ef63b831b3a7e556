"""Business reads for rounds, tasks, inspections and observations, scoped by `restrict(user, action)`.

Who sees what:
- admin/office (and leader/auditor for viewing) see every round, task, inspection and observation;
- an inspector sees the rounds they are an inspector of (once published), the tasks assigned to them, and
  the inspections of those rounds;
- street/community/grid staff and unit handlers see the inspections (and their observations) of the
  points in their scope — the drill-down behind their scores; they see no rounds or tasks;
- actions: "change" (plan, publish, close rounds) is the office's; "inspect" (submit an inspection for a
  task) is the assigned inspectors' and the office's.
"""

from django.db.models import Count, Q

from wenming.core.policy import (
    OFFICE,
    SEES_ALL,
    Policy,
    RestrictedQuerySet,
    everything,
    holds,
    hook,
    owner,
    rows,
    through,
)

INSPECTOR = holds("inspector")


def _not_draft() -> Q:
    from wenming.inspections.choices import RoundState

    return ~Q(state=RoundState.DRAFT)


def inspected_points(qs, user, scope) -> Q | None:
    """Hook: the inspections of the points in the user's point scope (`Point.restrict`) — for special-group
    leads, who see every point, only the points of their groups' units."""
    from wenming.geo.models import Point

    if not (scope.unit_ids or scope.area_ids or scope.group_unit_ids or scope.person_id):
        return None
    points = Point.objects.restrict(user, "view")
    if scope.sees_all_points:
        points = Point.objects.filter(
            Q(responsible_unit_id__in=scope.group_unit_ids) | Q(guarantor_unit_id__in=scope.group_unit_ids)
        )
    return Q(point__in=points.values("pk"))


class RoundQuerySet(RestrictedQuerySet):
    # Inspectors see the rounds they are an inspector of, once published.
    policy = Policy(
        view=[everything(SEES_ALL), rows(owner("inspectors__user"), who=INSPECTOR, only=_not_draft)],
        otherwise=[everything(SEES_ALL)],
        distinct=True,
    )

    def open(self):
        from wenming.inspections.choices import RoundState

        return self.filter(state=RoundState.PUBLISHED)

    def closed(self):
        from wenming.inspections.choices import RoundState

        return self.filter(state=RoundState.CLOSED)

    def with_progress(self):
        """Annotate `tasks_total` and `tasks_done` (points done / total)."""
        from wenming.inspections.choices import TaskState

        return self.annotate(
            tasks_total=Count("tasks", filter=~Q(tasks__state=TaskState.CANCELLED), distinct=True),
            tasks_done=Count("tasks", filter=Q(tasks__state=TaskState.DONE), distinct=True),
        )


class TaskQuerySet(RestrictedQuerySet):
    # view: office & co see all, inspectors their assigned tasks; inspect: office + assigned inspectors.
    policy = Policy(
        view=[everything(SEES_ALL), rows(owner("inspectors"), who=INSPECTOR)],
        inspect=[everything(OFFICE), rows(owner("inspectors"), who=INSPECTOR)],
        otherwise=[everything(SEES_ALL)],
    )

    def pending(self):
        from wenming.inspections.choices import TaskState

        return self.filter(state=TaskState.PENDING)

    def in_open_rounds(self):
        from wenming.inspections.choices import RoundState

        return self.filter(round__state=RoundState.PUBLISHED)

    def assigned_to(self, user):
        return self.filter(inspectors=user)


class InspectionQuerySet(RestrictedQuerySet):
    # Inspectors: their own inspections and those of their rounds; everyone else: the inspections of the
    # points in their scope (the drill-down behind their scores).
    policy = Policy(
        view=[
            everything(SEES_ALL),
            rows(owner("inspector"), who=INSPECTOR),
            rows(owner("co_inspectors"), who=INSPECTOR),
            rows(owner("round__inspectors__user"), who=INSPECTOR),
            rows(hook(inspected_points), who=~INSPECTOR),
        ],
        otherwise=[everything(SEES_ALL)],
        distinct=True,
    )

    def with_counts(self):
        from wenming.inspections.choices import ObservationResult

        return self.annotate(
            observations_total=Count("observations", distinct=True),
            noncompliant_total=Count(
                "observations", filter=Q(observations__result=ObservationResult.NONCOMPLIANT), distinct=True
            ),
        )

    def far_away(self):
        return self.filter(far_away=True)


class ObservationQuerySet(RestrictedQuerySet):
    policy = Policy(
        view=[everything(SEES_ALL), rows(through("inspection", "view"))], otherwise=[everything(SEES_ALL)]
    )

    def noncompliant(self):
        from wenming.inspections.choices import ObservationResult

        return self.filter(result=ObservationResult.NONCOMPLIANT)
