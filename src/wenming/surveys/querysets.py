"""Business reads of the surveys app, scoped by `restrict(user, action)`.

Who sees what:
* surveys — admin/office see and change everything; leader and auditor read everything (waves, questionnaires,
  responses, estimates). Interviewers are users with the inspector role (for waves "open to inspectors") and
  the users named as a wave's interviewers (the dedicated flag): they see those waves once opened, their
  questionnaires and the responses they collected themselves. Action "collect" (submit responses) is theirs
  and the office's, on open waves only. Nobody else sees surveys; the public link needs no account.
* training — office, leader and auditor see every session; others see the sessions whose audience includes
  a unit they may see (`Unit.restrict`) or their own unit, or that they attended; attendance rows of the
  people they may see (`Person.restrict`). Changes are the office's.
* examples — every signed-in user sees published examples; the office also sees drafts and changes them.
"""

from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _count_of(model, field: str, *, aggregate=Count, of: str = "pk"):
    rows = (
        model.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(v=aggregate(of))
        .values("v")
    )
    return Coalesce(Subquery(rows, output_field=models.IntegerField()), 0)


class QuestionnaireQuerySet(models.QuerySet):
    def with_counts(self):
        from wenming.surveys.models import Question, Wave

        return self.annotate(
            question_count=_count_of(Question, "questionnaire"), wave_count=_count_of(Wave, "questionnaire")
        )

    def restrict(self, user, action: str = "view"):
        if not _signed_in(user):
            return self.none()
        scope = user.scope()
        if scope.sees_all(action):
            return self
        if action == "view":
            from wenming.surveys.models import Wave

            return self.filter(pk__in=Wave.objects.restrict(user, "view").values("questionnaire_id"))
        return self.none()


def _interviewer_q(user, scope) -> Q:
    q = Q(interviewers=user)
    if "inspector" in scope.roles:
        q |= Q(open_to_inspectors=True)
    return q


class WaveQuerySet(models.QuerySet):
    def open(self):
        from wenming.surveys.choices import WaveState

        return self.filter(state=WaveState.OPEN)

    def closed(self):
        from wenming.surveys.choices import WaveState

        return self.filter(state=WaveState.CLOSED)

    def with_progress(self):
        """Annotate `responses_total` and `target_total` (sum of the strata's targets)."""
        from wenming.surveys.models import Response, Stratum

        return self.annotate(
            responses_total=_count_of(Response, "wave"),
            target_total=_count_of(Stratum, "wave", aggregate=Sum, of="target"),
        )

    def restrict(self, user, action: str = "view"):
        """view: readers see all, interviewers their opened waves; collect: open waves, office or interviewers;
        change: office."""
        from wenming.surveys.choices import WaveState

        if not _signed_in(user):
            return self.none()
        scope = user.scope()
        if action == "collect":
            base = self.filter(state=WaveState.OPEN)
            if scope.sees_all("change"):
                return base
            mine = self.model.objects.filter(_interviewer_q(user, scope)).values("pk")
            return base.filter(pk__in=mine)
        if scope.sees_all(action):
            return self
        if action == "view":
            mine = (
                self.model.objects.exclude(state=WaveState.DRAFT)
                .filter(_interviewer_q(user, scope))
                .values("pk")
            )
            return self.filter(pk__in=mine)
        return self.none()


def may_use_surveys(user) -> bool:
    """Readers, the office, inspectors and named interviewers have survey pages; others get 403."""
    if not _signed_in(user):
        return False
    scope = user.scope()
    if scope.sees_all("view") or "inspector" in scope.roles:
        return True
    return user.survey_waves.exists()


class StratumQuerySet(models.QuerySet):
    def with_counts(self):
        """Annotate `responses_count`."""
        from wenming.surveys.models import Response

        return self.annotate(responses_count=_count_of(Response, "stratum"))


class ResponseQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        if not _signed_in(user):
            return self.none()
        scope = user.scope()
        if scope.sees_all(action):
            return self
        if action == "view":
            return self.filter(interviewer=user)
        return self.none()


class TrainingSessionQuerySet(models.QuerySet):
    def with_counts(self):
        """Annotate `present_count` and `attendance_count`."""
        from wenming.surveys.choices import AttendanceStatus
        from wenming.surveys.models import Attendance

        present = (
            Attendance.objects.filter(session=OuterRef("pk"), status=AttendanceStatus.PRESENT)
            .order_by()
            .values("session")
            .annotate(v=Count("pk"))
            .values("v")
        )
        return self.annotate(
            present_count=Coalesce(Subquery(present, output_field=models.IntegerField()), 0),
            attendance_count=_count_of(Attendance, "session"),
        )

    def in_year(self, year: int):
        return self.filter(date__year=year)

    def restrict(self, user, action: str = "view"):
        if not _signed_in(user):
            return self.none()
        scope = user.scope()
        if scope.sees_all(action):
            return self
        if action != "view":
            return self.none()
        from wenming.org.models import Person, Unit

        q = Q(audience_units__in=Unit.objects.restrict(user, "view").values("pk"))
        if scope.person_id:
            q |= Q(attendances__person_id=scope.person_id)
            q |= Q(audience_units__in=Person.objects.filter(pk=scope.person_id).values("unit_id"))
        return self.filter(pk__in=self.model.objects.filter(q).values("pk"))


class AttendanceQuerySet(models.QuerySet):
    def present(self):
        from wenming.surveys.choices import AttendanceStatus

        return self.filter(status=AttendanceStatus.PRESENT)

    def restrict(self, user, action: str = "view"):
        if not _signed_in(user):
            return self.none()
        scope = user.scope()
        if scope.sees_all(action):
            return self
        if action != "view":
            return self.none()
        from wenming.org.models import Person
        from wenming.surveys.models import TrainingSession

        return self.filter(
            session__in=TrainingSession.objects.restrict(user, "view").values("pk"),
            person__in=Person.objects.restrict(user, "view").values("pk"),
        )


class ExampleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def restrict(self, user, action: str = "view"):
        if not _signed_in(user):
            return self.none()
        scope = user.scope()
        if scope.sees_all("change"):
            return self
        if action == "view":
            return self.published()
        return self.none()
