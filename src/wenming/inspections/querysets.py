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

from django.db import models
from django.db.models import Count, Q


def _is_inspector(scope) -> bool:
    return "inspector" in scope.roles


class RoundQuerySet(models.QuerySet):
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

    def restrict(self, user, action: str = "view"):
        from wenming.inspections.choices import RoundState

        scope = user.scope()
        if scope.sees_all(action):
            return self
        if action == "view" and _is_inspector(scope):
            return self.filter(inspectors__user=user).exclude(state=RoundState.DRAFT).distinct()
        return self.none()


class TaskQuerySet(models.QuerySet):
    def pending(self):
        from wenming.inspections.choices import TaskState

        return self.filter(state=TaskState.PENDING)

    def in_open_rounds(self):
        from wenming.inspections.choices import RoundState

        return self.filter(round__state=RoundState.PUBLISHED)

    def assigned_to(self, user):
        return self.filter(inspectors=user)

    def restrict(self, user, action: str = "view"):
        """view: office & co see all, inspectors their assigned tasks; inspect: office + assigned inspectors."""
        scope = user.scope()
        if action == "inspect":
            if scope.sees_all("change"):
                return self
            if _is_inspector(scope):
                return self.filter(inspectors=user)
            return self.none()
        if scope.sees_all(action):
            return self
        if action == "view" and _is_inspector(scope):
            return self.filter(inspectors=user)
        return self.none()


class InspectionQuerySet(models.QuerySet):
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

    def restrict(self, user, action: str = "view"):
        scope = user.scope()
        if scope.sees_all(action):
            return self
        if action != "view":
            return self.none()
        if _is_inspector(scope):
            return self.filter(
                Q(inspector=user) | Q(co_inspectors=user) | Q(round__inspectors__user=user)
            ).distinct()
        from wenming.geo.models import Point

        points = Point.objects.restrict(user, "view")
        if scope.sees_all_points:  # special-group leads: the points of their groups' units
            points = Point.objects.filter(
                Q(responsible_unit_id__in=scope.group_unit_ids)
                | Q(guarantor_unit_id__in=scope.group_unit_ids)
            )
        if not (scope.unit_ids or scope.area_ids or scope.group_unit_ids or scope.person_id):
            return self.none()
        return self.filter(point__in=points.values("pk"))


class ObservationQuerySet(models.QuerySet):
    def noncompliant(self):
        from wenming.inspections.choices import ObservationResult

        return self.filter(result=ObservationResult.NONCOMPLIANT)

    def restrict(self, user, action: str = "view"):
        from wenming.inspections.models import Inspection

        scope = user.scope()
        if scope.sees_all(action):
            return self
        if action != "view":
            return self.none()
        return self.filter(inspection__in=Inspection.objects.restrict(user, action).values("pk"))
