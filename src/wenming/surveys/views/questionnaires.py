"""The questionnaire builder (问卷设计): questionnaires, their questions, options with the score mapping."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from wenming.inspections.exports import xlsx_response
from wenming.surveys import services
from wenming.surveys.choices import QUESTION_KIND_BADGE, QuestionKind
from wenming.surveys.filtersets import QuestionnaireFilterSet
from wenming.surveys.forms import QuestionCreateForm, QuestionEditForm, QuestionnaireForm
from wenming.surveys.models import Question, Questionnaire
from wenming.surveys.views.common import (
    ReaderMixin,
    ServiceCreatePage,
    ServiceUpdatePage,
    error_text,
    is_office,
    list_template,
    page_of,
    require_office,
    require_reader,
)


def _questionnaire(request, pk) -> Questionnaire:
    questionnaire = get_object_or_404(Questionnaire.objects.restrict(request.user, "view"), pk=pk)
    require_reader(request.user)
    return questionnaire


class QuestionnaireListView(ReaderMixin, View):
    template = "surveys/questionnaire_list.html"

    def get(self, request):
        queryset = (
            Questionnaire.objects.restrict(request.user, "view").with_counts().order_by("-created_at", "-pk")
        )
        filterset = QuestionnaireFilterSet(request.GET, queryset=queryset)
        if request.GET.get("export") == "xlsx":
            return xlsx_response(
                "questionnaires",
                _("调查问卷"),
                [_("问卷名称"), _("调查对象"), _("题目数"), _("调查批次数"), _("创建时间")],
                (
                    [q.title, q.eligibility_text, q.question_count, q.wave_count, q.created_at]
                    for q in filterset.qs
                ),
            )
        context = {
            "filter": filterset,
            "page_obj": page_of(request, filterset.qs),
            "can_manage": is_office(request.user),
        }
        return render(request, list_template(request, self.template), context)


class QuestionnaireCreateView(ServiceCreatePage):
    template = "surveys/questionnaire_form.html"
    form_class = QuestionnaireForm
    success_message = gettext_lazy("问卷已创建，请添加题目。")

    def save(self, request, form, obj):
        return services.create_questionnaire(actor=request.user, **form.cleaned_data)


class QuestionnaireUpdateView(ServiceUpdatePage):
    template = "surveys/questionnaire_form.html"
    form_class = QuestionnaireForm
    success_message = gettext_lazy("问卷已保存。")
    lookup = staticmethod(_questionnaire)
    object_name = "questionnaire"

    def initial(self, q) -> dict:
        return {f: getattr(q, f) for f in services.questionnaires.QUESTIONNAIRE_FIELDS}

    def save(self, request, form, q):
        services.update_questionnaire(actor=request.user, questionnaire=q, **form.cleaned_data)
        return q


class QuestionnaireDetailView(LoginRequiredMixin, View):
    """The builder: questions in order with their options and scores; the office adds, edits and moves them."""

    def get(self, request, pk):
        questionnaire = _questionnaire(request, pk)
        questions = list(questionnaire.questions.order_by("order", "pk"))
        kinds = {k: [q for q in questions if q.kind == k] for k in QuestionKind.rates()}
        context = {
            "questionnaire": questionnaire, "questions": questions, "can_manage": is_office(request.user),
            "locked": services.is_locked(questionnaire), "create_form": QuestionCreateForm(initial={
                "code": f"Q{len(questions) + 1}", "required": True}),
            "kind_badges": QUESTION_KIND_BADGE, "missing_kinds": [QuestionKind(k).label for k, qs in kinds.items() if not qs],
            "waves": questionnaire.waves.order_by("-period_start"),
        }  # fmt: skip
        return render(request, "surveys/questionnaire_detail.html", context)


class QuestionnaireCopyView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        questionnaire = _questionnaire(request, pk)
        require_office(request.user)
        copy = services.copy_questionnaire(actor=request.user, questionnaire=questionnaire)
        messages.success(request, _("已复制为新问卷，可以修改题目。"))
        return redirect(copy.get_absolute_url())


class QuestionCreateView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        questionnaire = _questionnaire(request, pk)
        require_office(request.user)
        form = QuestionCreateForm(request.POST)
        if form.is_valid():
            try:
                question = services.add_question(
                    actor=request.user, questionnaire=questionnaire, **form.cleaned_data
                )
            except services.SurveyError as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(
                    request, _("已添加第 %(c)s 题，可在下方修改选项与分值。") % {"c": question.code}
                )
                return redirect("surveys:question_update", question.pk)
        else:
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(questionnaire.get_absolute_url())


def _question(request, pk) -> Question:
    question = get_object_or_404(Question.objects.select_related("questionnaire"), pk=pk)
    if not Questionnaire.objects.restrict(request.user, "view").filter(pk=question.questionnaire_id).exists():
        raise Http404
    require_office(request.user)
    return question


class QuestionUpdateView(LoginRequiredMixin, View):
    template = "surveys/question_form.html"

    def get(self, request, pk):
        question = _question(request, pk)
        initial = {
            f: getattr(question, f) for f in ("code", "text", "kind", "scale", "required", "help_text")
        }
        form = QuestionEditForm(initial=initial, question=question)
        return render(request, self.template, {"form": form, "question": question,
                                               "locked": services.is_locked(question.questionnaire)})  # fmt: skip

    def post(self, request, pk):
        question = _question(request, pk)
        form = QuestionEditForm(request.POST, question=question)
        if form.is_valid():
            data = {
                k: form.cleaned_data[k] for k in ("code", "text", "kind", "scale", "required", "help_text")
            }
            options = form.options()
            rescaled = data["kind"] != question.kind or data["scale"] != question.scale
            if rescaled and [o["label"] for o in options or []] == [o["label"] for o in question.options]:
                options = None  # a new kind or scale with untouched options: start from its default set
            try:
                services.update_question(actor=request.user, question=question, options=options, **data)
            except services.SurveyError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("第 %(c)s 题已保存。") % {"c": question.code})
                return redirect(question.questionnaire.get_absolute_url())
        return render(request, self.template, {"form": form, "question": question,
                                               "locked": services.is_locked(question.questionnaire)}, status=400)  # fmt: skip


class QuestionDeleteView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        question = _question(request, pk)
        try:
            questionnaire = services.delete_question(actor=request.user, question=question)
        except services.SurveyError as exc:
            messages.error(request, error_text(exc))
            return redirect(question.questionnaire.get_absolute_url())
        messages.success(request, _("题目已删除。"))
        return redirect(questionnaire.get_absolute_url())


class QuestionMoveView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        question = _question(request, pk)
        try:
            services.move_question(
                actor=request.user, question=question, direction=request.POST.get("direction", "")
            )
        except services.SurveyError as exc:
            messages.error(request, error_text(exc))
        return redirect(question.questionnaire.get_absolute_url() + f"#q-{question.pk}")
