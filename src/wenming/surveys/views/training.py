"""Training (培训指导): sessions, attendance sheet, materials, quizzes, coverage per unit."""

import datetime
import uuid

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from wenming.core.media import open_or_404
from wenming.core.roles import is_reader
from wenming.inspections.exports import xlsx_response
from wenming.surveys import services
from wenming.surveys.choices import ATTENDANCE_BADGE, EXAMPLE_KIND_BADGE, AttendanceStatus
from wenming.surveys.coverage import coverage
from wenming.surveys.filtersets import TrainingFilterSet
from wenming.surveys.forms import MaterialForm, QuizForm, SessionForm
from wenming.surveys.models import (
    Attendance,
    Example,
    ExamplePhoto,
    Quiz,
    QuizAttempt,
    TrainingMaterial,
    TrainingSession,
)
from wenming.surveys.views.common import (
    ServiceCreatePage,
    ServiceDeletePage,
    ServiceUpdatePage,
    error_text,
    is_office,
    list_template,
    page_of,
    require_office,
)


def visible_session(request, pk) -> TrainingSession:
    return get_object_or_404(TrainingSession.objects.restrict(request.user, "view"), pk=pk)


class TrainingListView(LoginRequiredMixin, View):
    """培训: sessions the user may see, with attendance counts; exportable."""

    template = "surveys/training_list.html"

    def get(self, request):
        sessions = (
            TrainingSession.objects.restrict(request.user, "view").with_counts().order_by("-date", "-pk")
        )
        filterset = TrainingFilterSet(request.GET, queryset=sessions)
        sessions = filterset.qs
        if request.GET.get("export") == "xlsx":
            return xlsx_response(
                "training", _("培训"),
                [_("日期"), _("主题"), _("形式"), _("地点"), _("主讲/带队"), _("出席人数"), _("登记人数")],
                ([s.date, s.topic, s.get_kind_display(), s.place, s.trainer, s.present_count, s.attendance_count]
                 for s in sessions),
            )  # fmt: skip
        context = {
            "filter": filterset,
            "page_obj": page_of(request, sessions),
            "can_manage": is_office(request.user),
        }
        return render(request, list_template(request, self.template), context)


class TrainingCreateView(ServiceCreatePage):
    template = "surveys/training_form.html"
    form_class = SessionForm
    success_message = gettext_lazy("培训已创建。")

    def initial(self, obj) -> dict:
        return {"date": timezone.localdate()}

    def save(self, request, form, obj):
        return services.create_session(actor=request.user, **form.cleaned_data)


class TrainingUpdateView(ServiceUpdatePage):
    template = "surveys/training_form.html"
    form_class = SessionForm
    success_message = gettext_lazy("培训已保存。")
    lookup = staticmethod(visible_session)
    object_name = "session"

    def save(self, request, form, session):
        data = dict(form.cleaned_data)
        services.update_session(actor=request.user, session=session, audience_units=data.pop("audience_units"),
                                point_types=data.pop("point_types"), **data)  # fmt: skip
        return session


class TrainingDeleteView(ServiceDeletePage):
    lookup = staticmethod(visible_session)
    success_message = gettext_lazy("培训已删除。")
    success_url = "surveys:training_list"

    def delete_object(self, request, session) -> None:
        services.delete_session(actor=request.user, session=session)


class TrainingDetailView(LoginRequiredMixin, View):
    """培训详情: audience, attendance, materials, quizzes and, for field visits, the example points by type."""

    def get(self, request, pk):
        session = visible_session(request, pk)
        attendances = list(
            Attendance.objects.restrict(request.user, "view")
            .filter(session=session)
            .select_related("person__unit")
            .order_by("person__unit__code", "person__name")
        )
        quizzes = list(session.quizzes.order_by("pk"))
        person_id = request.user.person_id
        best = {}
        if person_id:
            best = dict(QuizAttempt.objects.filter(quiz__in=quizzes, person_id=person_id).values_list("quiz_id")
                        .annotate(b=Max("score")).order_by())  # fmt: skip
        for quiz in quizzes:
            quiz.my_best = best.get(quiz.pk)
        point_types = list(session.point_types.order_by("order", "code"))
        examples = list(
            Example.objects.restrict(request.user, "view")
            .filter(point_type__in=point_types)
            .select_related("point_type", "criterion")
            .prefetch_related(Prefetch("photos", queryset=ExamplePhoto.objects.order_by("pk")))
            .order_by("point_type__order", "kind", "-pk")
        )
        counts = {s: sum(1 for a in attendances if a.status == s) for s in AttendanceStatus.values}
        context = {
            "session": session, "attendances": attendances, "counts": counts, "quizzes": quizzes,
            "materials": session.materials.order_by("pk"), "units": session.audience_units.order_by("level", "code"),
            "point_types": point_types, "examples": examples, "can_manage": is_office(request.user),
            "material_form": MaterialForm(), "attendance_badges": ATTENDANCE_BADGE, "example_badges": EXAMPLE_KIND_BADGE,
        }  # fmt: skip
        return render(request, "surveys/training_detail.html", context)


class AttendanceView(LoginRequiredMixin, View):
    """The attendance sheet (签到表): every active person of the audience units, plus anyone already recorded."""

    template = "surveys/attendance_form.html"

    def _session(self, request, pk):
        session = visible_session(request, pk)
        require_office(request.user)
        return session

    def _people(self, session):
        from wenming.org.models import Person

        recorded = {a.person_id: a for a in session.attendances.all()}
        people = Person.objects.filter(
            unit__in=session.audience_units.all(), is_active=True
        ) | Person.objects.filter(pk__in=list(recorded))
        people = list(people.select_related("unit").order_by("unit__code", "name").distinct())
        for person in people:
            row = recorded.get(person.pk)
            person.status = row.status if row else ""
            person.note = row.note if row else ""
        return people

    def get(self, request, pk):
        session = self._session(request, pk)
        return render(request, self.template, {"session": session, "people": self._people(session),
                                               "statuses": AttendanceStatus.choices})  # fmt: skip

    def post(self, request, pk):
        session = self._session(request, pk)
        people = {p.pk: p for p in self._people(session)}
        entries = []
        for key in request.POST:
            if not key.startswith("status_"):
                continue
            suffix = key[len("status_") :]
            person = people.get(int(suffix)) if suffix.isdigit() else None
            if person is None:
                messages.error(request, _("签到表包含不属于参训单位的人员，未保存。"))
                return redirect("surveys:training_attendance", session.pk)
            entries.append((person, request.POST.get(key, ""), request.POST.get(f"note_{suffix}", "")))
        try:
            saved = services.record_attendance(actor=request.user, session=session, entries=entries)
        except services.SurveyError as exc:
            messages.error(request, error_text(exc))
            return redirect("surveys:training_attendance", session.pk)
        messages.success(request, _("签到已保存（登记 %(n)d 人）。") % {"n": len(saved)})
        return redirect(session.get_absolute_url())


class MaterialUploadView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        session = visible_session(request, pk)
        require_office(request.user)
        form = MaterialForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("请选择要上传的文件。"))
            return redirect(session.get_absolute_url())
        try:
            services.upload_material(actor=request.user, session=session, title=form.cleaned_data["title"],
                                     upload=form.cleaned_data["file"])  # fmt: skip
        except services.SurveyError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("材料已上传。"))
        return redirect(session.get_absolute_url())


def _material(request, pk) -> TrainingMaterial:
    material = get_object_or_404(TrainingMaterial.objects.select_related("session"), pk=pk)
    if not TrainingSession.objects.restrict(request.user, "view").filter(pk=material.session_id).exists():
        raise Http404
    return material


class MaterialDownloadView(LoginRequiredMixin, View):
    """Materials are served as attachments through this view (scoped), never from a public URL."""

    def get(self, request, pk):
        material = _material(request, pk)
        if not material.file:
            raise Http404(_("文件不存在。"))
        handle = open_or_404(material.file.storage, material.file.name)  # the disk or the bucket
        name = material.original_name or f"material-{material.pk}.{material.extension}"
        return FileResponse(
            handle, as_attachment=True, filename=name, content_type="application/octet-stream"
        )


class MaterialDeleteView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        material = _material(request, pk)
        require_office(request.user)
        session = services.delete_material(actor=request.user, material=material)
        messages.success(request, _("材料已删除。"))
        return redirect(session.get_absolute_url())


class QuizEditView(LoginRequiredMixin, View):
    """Create (session pk) or edit (quiz pk) a quiz from the plain-text editor."""

    template = "surveys/quiz_form.html"

    def _targets(self, request, session_pk=None, pk=None):
        if pk is not None:
            quiz = get_object_or_404(Quiz.objects.select_related("session"), pk=pk)
            session = visible_session(request, quiz.session_id)
        else:
            quiz, session = None, visible_session(request, session_pk)
        require_office(request.user)
        return session, quiz

    def get(self, request, session_pk=None, pk=None):
        session, quiz = self._targets(request, session_pk, pk)
        initial = {"title": _("%(t)s 测验") % {"t": session.topic}, "pass_score": 60, "is_open": True}
        if quiz:
            initial = {"title": quiz.title, "pass_score": quiz.pass_score, "is_open": quiz.is_open,
                       "text": services.quiz_text(quiz)}  # fmt: skip
        return render(
            request, self.template, {"form": QuizForm(initial=initial), "session": session, "quiz": quiz}
        )

    def post(self, request, session_pk=None, pk=None):
        session, quiz = self._targets(request, session_pk, pk)
        form = QuizForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                questions = services.parse_quiz_text(d["text"])
                quiz = services.save_quiz(actor=request.user, session=session, title=d["title"], questions=questions,
                                          pass_score=d["pass_score"], is_open=d["is_open"], quiz=quiz)  # fmt: skip
            except services.SurveyError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("测验已保存。"))
                return redirect(session.get_absolute_url())
        return render(request, self.template, {"form": form, "session": session, "quiz": quiz}, status=400)


class QuizTakeView(LoginRequiredMixin, View):
    """A trainee answers the quiz; the office sees the results table."""

    template = "surveys/quiz_take.html"

    def _quiz(self, request, pk) -> Quiz:
        quiz = get_object_or_404(Quiz.objects.select_related("session"), pk=pk)
        visible_session(request, quiz.session_id)
        return quiz

    def _context(self, request, quiz, **extra):
        mine = []
        if request.user.person_id:
            mine = list(
                QuizAttempt.objects.filter(quiz=quiz, person_id=request.user.person_id).order_by(
                    "-submitted_at"
                )
            )
        results = []
        if is_office(request.user) or is_reader(request.user):
            results = list(quiz.attempts.select_related("person__unit").order_by("-submitted_at")[:500])
        return {"quiz": quiz, "session": quiz.session, "questions": quiz.questions.order_by("order", "pk"),
                "mine": mine, "results": results, "client_id": uuid.uuid4(), **extra}  # fmt: skip

    def get(self, request, pk):
        quiz = self._quiz(request, pk)
        return render(request, self.template, self._context(request, quiz))

    def post(self, request, pk):
        quiz = self._quiz(request, pk)
        answers = {q.pk: request.POST.getlist(f"a_{q.pk}") for q in quiz.questions.all()}
        try:
            client_id = uuid.UUID(request.POST.get("client_id", ""))
        except ValueError:
            client_id = None
        try:
            attempt = services.submit_quiz(
                actor=request.user, quiz=quiz, answers=answers, client_id=client_id
            )
        except PermissionDenied:
            raise
        except services.SurveyError as exc:
            return render(
                request, self.template, self._context(request, quiz, error=error_text(exc)), status=400
            )
        verdict = _("及格") if attempt.passed else _("未及格")
        messages.success(request, _("测验已提交：%(s)s 分（%(v)s）。") % {"s": attempt.score, "v": verdict})
        return redirect("surveys:quiz_take", quiz.pk)


class CoverageView(LoginRequiredMixin, View):
    """培训覆盖: per unit the user may see, how many of its people were trained in the year, and who was not."""

    def get(self, request):
        from wenming.org.choices import UnitLevel
        from wenming.org.models import Unit

        year_text = request.GET.get("year", "")
        year = int(year_text) if year_text.isdigit() else timezone.localdate().year
        units = Unit.objects.restrict(request.user, "view").active().order_by("level", "code")
        level = request.GET.get("level", "")
        if level in UnitLevel.values:
            units = units.filter(level=level)
        rows = coverage(units, year=year)
        if request.GET.get("only_gaps") == "1":
            rows = [r for r in rows if r.untrained]
        if request.GET.get("export") == "xlsx":
            return xlsx_response(
                "training-coverage", _("培训覆盖"),
                [_("单位"), _("人数"), _("已培训"), _("覆盖率"), _("培训场次"), _("未培训人员")],
                ([r.unit.name, r.people, r.trained, None if r.rate is None else round(100 * r.rate, 1), r.sessions,
                  "、".join(p.name for p in r.untrained)] for r in rows),
            )  # fmt: skip
        people = sum(r.people for r in rows)
        trained = sum(r.trained for r in rows)
        this_year = timezone.localdate().year
        context = {"rows": rows, "year": year, "years": range(this_year, this_year - 5, -1), "level": level,
                   "levels": UnitLevel.choices, "people": people, "trained": trained,
                   "rate": trained / people if people else None, "only_gaps": request.GET.get("only_gaps") == "1",
                   "today": datetime.date.today()}  # fmt: skip
        return render(request, "surveys/training_coverage.html", context)
