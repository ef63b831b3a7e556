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

from wenming.core.policy import (
    OFFICE,
    SEES_ALL,
    SIGNED_IN,
    Policy,
    RestrictedQuerySet,
    both,
    everything,
    hook,
    owner,
    rows,
    through,
)
from wenming.core.roles import is_inspector, is_reader, signed_in


def _count_of(model, field: str, *, aggregate=Count, of: str = "pk"):
    rows = (
        model.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(v=aggregate(of))
        .values("v")
    )
    return Coalesce(Subquery(rows, output_field=models.IntegerField()), 0)


def _waves_seen(qs, user, scope) -> Q:
    """Hook: the questionnaires of the waves the user sees."""
    from wenming.surveys.models import Wave

    return Q(pk__in=Wave.objects.restrict(user, "view").values("questionnaire_id"))


class QuestionnaireQuerySet(RestrictedQuerySet):
    policy = Policy(view=[everything(SEES_ALL), rows(hook(_waves_seen))], otherwise=[everything(SEES_ALL)])

    def with_counts(self):
        from wenming.surveys.models import Question, Wave

        return self.annotate(
            question_count=_count_of(Question, "questionnaire"), wave_count=_count_of(Wave, "questionnaire")
        )


def _interviewer_q(user, scope) -> Q:
    q = Q(interviewers=user)
    if "inspector" in scope.roles:
        q |= Q(open_to_inspectors=True)
    return q


def interviewed_waves(qs, user, scope) -> Q:
    """Hook: the waves the user interviews for (named interviewer, or inspector on a wave open to inspectors),
    as a subquery so the many-valued join does not repeat rows."""
    return Q(pk__in=qs.model.objects.filter(_interviewer_q(user, scope)).values("pk"))


def _open() -> Q:
    from wenming.surveys.choices import WaveState

    return Q(state=WaveState.OPEN)


def _opened() -> Q:
    from wenming.surveys.choices import WaveState

    return ~Q(state=WaveState.DRAFT)


class WaveQuerySet(RestrictedQuerySet):
    # view: readers see all, interviewers their opened waves; collect: open waves, office or interviewers;
    # change: office.
    policy = Policy(
        view=[everything(SEES_ALL), rows(hook(interviewed_waves), only=_opened)],
        collect=[everything(OFFICE, only=_open), rows(hook(interviewed_waves), only=_open)],
        otherwise=[everything(SEES_ALL)],
    )

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


def may_use_surveys(user) -> bool:
    """Readers, the office, inspectors and named interviewers have survey pages; others get 403."""
    if not signed_in(user):
        return False
    if is_reader(user) or is_inspector(user):
        return True
    return user.survey_waves.exists()


class StratumQuerySet(models.QuerySet):
    def with_counts(self):
        """Annotate `responses_count`."""
        from wenming.surveys.models import Response

        return self.annotate(responses_count=_count_of(Response, "stratum"))


class ResponseQuerySet(RestrictedQuerySet):
    policy = Policy(view=[everything(SEES_ALL), rows(owner("interviewer"))], otherwise=[everything(SEES_ALL)])


def audience_sessions(qs, user, scope) -> Q:
    """Hook: sessions whose audience includes a unit the user may see (`Unit.restrict`) or their own unit, or
    that they attended (as a subquery: the audience is many-valued)."""
    from wenming.org.models import Person, Unit

    q = Q(audience_units__in=Unit.objects.restrict(user, "view").values("pk"))
    if scope.person_id:
        q |= Q(attendances__person_id=scope.person_id)
        q |= Q(audience_units__in=Person.objects.filter(pk=scope.person_id).values("unit_id"))
    return Q(pk__in=qs.model.objects.filter(q).values("pk"))


class TrainingSessionQuerySet(RestrictedQuerySet):
    policy = Policy(
        view=[everything(SEES_ALL), rows(hook(audience_sessions))], otherwise=[everything(SEES_ALL)]
    )

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


class AttendanceQuerySet(RestrictedQuerySet):
    # The attendance rows of the sessions and the people the user may see.
    policy = Policy(
        view=[everything(SEES_ALL), rows(both(through("session", "view"), through("person", "view")))],
        otherwise=[everything(SEES_ALL)],
    )

    def present(self):
        from wenming.surveys.choices import AttendanceStatus

        return self.filter(status=AttendanceStatus.PRESENT)


def _published_example() -> Q:
    return Q(is_published=True)


class ExampleQuerySet(RestrictedQuerySet):
    # Every signed-in user sees published examples; the office also sees drafts and changes them.
    policy = Policy(
        view=[everything(OFFICE), everything(SIGNED_IN, only=_published_example)],
        otherwise=[everything(OFFICE)],
    )

    def published(self):
        return self.filter(is_published=True)
