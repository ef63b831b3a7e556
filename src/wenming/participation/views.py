"""Office pages of citizen participation (/participation/): the triage queue, the report list and export, a
report's triage page (suggested category, duplicate candidates, moderation, accept/reject/merge/spam), the
classifier page, and Open311 clients (issue and revoke API keys). One POST view per action → the service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView

from wenming.accounts import audit
from wenming.cases.models import Case
from wenming.core.media import file_response
from wenming.core.mixins import FilteredListView
from wenming.core.roles import holds, is_reader
from wenming.participation import classifier, exports, public, services
from wenming.participation.choices import ReportState
from wenming.participation.duplicates import duplicate_candidates, duplicate_threshold
from wenming.participation.filtersets import ReportFilterSet
from wenming.participation.forms import (
    AcceptForm,
    ClientForm,
    MergeForm,
    ModerateForm,
    RedactForm,
    RejectForm,
    SpamForm,
)
from wenming.participation.models import ClassifierModel, Open311Client, Report, ReportPhoto
from wenming.participation.querysets import can_see_contact, can_triage


def _errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class TriagerRequiredMixin(LoginRequiredMixin):
    """Admin and office only; others get 403 (before any lookup, so nothing's existence is revealed)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_triage(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ReaderRequiredMixin(LoginRequiredMixin):
    """Roles whose scope may contain reports (district readers, street/community/grid staff); others 403."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated:
            if not (is_reader(user) or holds(user, "street", "community", "grid")):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# --- lists ---------------------------------------------------------------------------------------------------


class ReportListView(ReaderRequiredMixin, FilteredListView):
    """All reports in the user's scope, filtered; htmx gets the table only."""

    model = Report
    filterset_class = ReportFilterSet
    template_name = "participation/report_list.html"
    paginate_by = 30
    title = gettext_lazy("群众上报")

    def base_queryset(self):
        return Report.objects.with_list_related().prefetch_related("photos").order_by("-submitted_at", "-id")

    def get_context_data(self, **kwargs):
        from wenming.geo.choices import AreaLevel
        from wenming.geo.models import Area

        context = super().get_context_data(**kwargs)
        context.update(
            streets=Area.objects.filter(level=AreaLevel.STREET).order_by("code"),
            show_contact=can_see_contact(self.request.user),
            can_triage=can_triage(self.request.user),
            page_title=self.title,
            is_queue=False,
        )
        return context


class TriageQueueView(TriagerRequiredMixin, ReportListView):
    """群众上报审核: pending reports, oldest first."""

    title = gettext_lazy("群众上报审核")

    def base_queryset(self):
        return super().base_queryset().pending().order_by("submitted_at", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_queue"] = True
        context["low_confidence"] = classifier.low_confidence()  # below it: flagged 需人工判断
        return context


class ReportExportView(ReaderRequiredMixin, View):
    def get(self, request):
        base = Report.objects.restrict(request.user, "view")
        filterset = ReportFilterSet(request.GET or None, queryset=base)
        qs = filterset.qs if not filterset.is_bound or filterset.is_valid() else base.none()
        audit.record(request.user, audit.EXPORT, "participation.Report", {"rows": qs.count(), "with_contact": can_see_contact(request.user), "query": request.GET.urlencode()}, request=request)  # fmt: skip
        body = exports.export_reports_xlsx(
            qs.order_by("-submitted_at", "-id"), with_contact=can_see_contact(request.user)
        )
        response = HttpResponse(
            body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="reports-{timezone.localdate():%Y%m%d}.xlsx"'
        return response


# --- one report ---------------------------------------------------------------------------------------------


def _suggestions(report):
    from wenming.standards.models import ProblemCategory

    _model_id, ranked = classifier.suggest(report.description, limit=3)
    categories = ProblemCategory.objects.select_related("parent").in_bulk([s.category_id for s in ranked])
    return [(categories[s.category_id], s.confidence) for s in ranked if s.category_id in categories]


class ReportDetailView(LoginRequiredMixin, DetailView):
    model = Report
    template_name = "participation/report_detail.html"
    context_object_name = "report"

    def get_queryset(self):
        return Report.objects.with_list_related().restrict(self.request.user, "view")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        user = self.request.user
        triager = can_triage(user)
        chain = public.case_chain(report)
        case = chain[-1] if chain else None
        status = public.status_of(report, case)
        if can_see_contact(user) and (report.reporter_name or report.reporter_phone):
            audit.record(user, audit.PERSONAL_VIEW, report, {"fields": "reporter"}, request=self.request)
        context.update(
            show_contact=can_see_contact(user),
            can_triage=triager and report.state == ReportState.PENDING,
            can_moderate=triager and report.state != ReportState.SPAM,
            case=case,
            public_status=public.status_label(status),
            # what the public sees once the report is triaged (masked; empty when hidden)
            public_text=""
            if report.description_hidden
            else public.mask_for(report, report.public_description or report.description),
            events=report.events.select_related("actor").order_by("at", "id"),
            photos=list(report.photos.all()),
        )
        if triager:
            context.update(
                suggestions=_suggestions(report),
                candidates=duplicate_candidates(report) if report.state == ReportState.PENDING else [],
                duplicate_threshold=duplicate_threshold(),
                accept_form=kwargs.get("accept_form") or AcceptForm(initial={
                    "category": report.category or report.suggested_category, "area": report.area, "dispatch": True}),
                reject_form=kwargs.get("reject_form") or RejectForm(),
                merge_form=kwargs.get("merge_form") or MergeForm(),
                spam_form=kwargs.get("spam_form") or SpamForm(),
                moderate_form=kwargs.get("moderate_form") or ModerateForm(initial={
                    "public_description": report.public_description, "description_hidden": report.description_hidden}),
                redact_form=RedactForm(),
            )  # fmt: skip
        return context


class ReportActionView(TriagerRequiredMixin, View):
    """POST → one triage service; refusals are shown on the report's page with the form."""

    action = ""
    forms = {
        "accept": AcceptForm, "reject": RejectForm, "merge": MergeForm, "spam": SpamForm, "moderate": ModerateForm,
    }  # fmt: skip

    def post(self, request, pk: int):
        report = get_object_or_404(Report.objects.restrict(request.user, "change"), pk=pk)
        form = self.forms[self.action](request.POST)
        if form.is_valid():
            try:
                message = self.run(report, form.cleaned_data, request.user)
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, message)
                if request.POST.get("next") == "queue":  # the queue's one-click accept goes back to the queue
                    return redirect("participation:triage")
                if self.action == "moderate" or not request.POST.get("next_pending"):
                    return redirect("participation:report_detail", pk=report.pk)
                following = Report.objects.pending().order_by("submitted_at", "id").first()
                return redirect(following or "participation:triage")
        view = ReportDetailView()
        view.request, view.kwargs, view.object = request, {"pk": pk}, report
        context = view.get_context_data(**{f"{self.action}_form": form})
        return TemplateResponse(request, ReportDetailView.template_name, context, status=400)

    def run(self, report, data, actor) -> str:
        if self.action == "accept":
            report = services.accept_report(
                report, actor=actor, category=data["category"], area=data["area"], dispatch=data["dispatch"],
                note=data["note"],
            )  # fmt: skip
            message = _("已受理，生成案件 %(code)s。") % {"code": report.case.code}
            if getattr(report, "routing_message", ""):
                message += " " + _("未能自动派遣：%(why)s 请在派遣队列中处理。") % {
                    "why": report.routing_message
                }
            return message
        if self.action == "reject":
            services.reject_report(report, actor=actor, reason=data["reason"])
            return _("已不予受理，理由将告知上报人。")
        if self.action == "merge":
            case = Case.objects.restrict(actor, "change").filter(code=data["case"].strip()).first()
            if case is None:
                raise ValidationError({"case": _("案件不存在：%(code)s") % {"code": data["case"]}})
            services.merge_report(report, actor=actor, case=case, note=data["note"])
            return _("已合并到案件 %(code)s。") % {"code": case.code}
        if self.action == "spam":
            services.mark_spam(report, actor=actor, note=data["note"])
            return _("已标记为无效信息。")
        services.moderate_report(
            report, actor=actor, public_description=data["public_description"],
            description_hidden=data["description_hidden"],
        )  # fmt: skip
        return _("公开内容已更新。")


class PhotoRedactView(TriagerRequiredMixin, View):
    def post(self, request, pk: int):
        photo = get_object_or_404(
            ReportPhoto.objects.filter(report__in=Report.objects.restrict(request.user, "change")), pk=pk
        )
        form = RedactForm(request.POST)
        if form.is_valid():
            try:
                services.redact_photo(photo, actor=request.user, hidden=form.cleaned_data["hidden"],
                                      boxes=form.cleaned_data["boxes"])  # fmt: skip
                messages.success(request, _("照片公开设置已更新。"))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("participation:report_detail", pk=photo.report_id)


class PhotoView(LoginRequiredMixin, View):
    """A report photo for staff who may see the report (the original, or `?v=redacted` / `?v=thumb`)."""

    def get(self, request, pk: int):
        photo = get_object_or_404(
            ReportPhoto.objects.filter(report__in=Report.objects.restrict(request.user, "view")), pk=pk
        )
        variant = request.GET.get("v")
        field = {"redacted": photo.redacted, "thumb": photo.thumbnail}.get(variant) or photo.image
        return file_response(field)


# --- classifier --------------------------------------------------------------------------------------------------


def classifier_eval_context(current, *, lexicon_text=None) -> dict:
    """The independent evaluation's figures of the current model, laid out for the page (see classifier.py)."""
    from wenming.participation.models import ClassifierLexicon
    from wenming.standards.models import ProblemCategory

    evaluation = (current.metrics.get("eval") or {}) if current else {}
    names = dict(ProblemCategory.objects.values_list("code", "name"))
    test = evaluation.get("test") or {}
    confusion = test.get("confusion") or {}
    labels = confusion.get("labels") or []
    matrix = [
        {"label": names.get(code, code), "cells": [{"n": n, "diag": i == j} for j, n in enumerate(row)]}
        for i, (code, row) in enumerate(zip(labels, confusion.get("rows") or [], strict=False))
    ]
    per_top = [{"name": names.get(code, code), **v} for code, v in (test.get("per_top_level") or {}).items()]
    per_leaf = [
        {"code": code, "name": names.get(code, code), **v} for code, v in (test.get("per_leaf") or {}).items()
    ]
    if lexicon_text is None:
        edited = ClassifierLexicon.objects.order_by("-created_at", "-id").first()
        lexicon_text = edited.text if edited else classifier.LEXICON_PATH.read_text(encoding="utf-8")
    return {
        "eval_test": test, "eval_dev": evaluation.get("dev") or {}, "confusion_labels": [names.get(c, c) for c in labels],
        "confusion": matrix, "per_top": per_top, "per_leaf": per_leaf, "lexicon_text": lexicon_text,
        "low_confidence": classifier.low_confidence(),
        "duplicate_eval": [(split, (current.metrics.get("duplicates") or {}).get(split)) for split in ("test", "dev")]
        if current and current.metrics.get("duplicates") else [],
    }  # fmt: skip


class ClassifierView(TriagerRequiredMixin, View):
    def get(self, request, lexicon_text=None):
        models_ = ClassifierModel.objects.restrict(request.user).defer("blob")[:20]
        current = ClassifierModel.objects.active().defer("blob").order_by("-created_at", "-id").first()
        return TemplateResponse(request, "participation/classifier.html", {
            "models": models_, "current": current, "algorithm": classifier.ALGORITHM,
            **classifier_eval_context(current, lexicon_text=lexicon_text),
        })  # fmt: skip

    def post(self, request):
        if "lexicon" in request.POST:
            try:
                services.save_lexicon(actor=request.user, text=request.POST["lexicon"])
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return self.get(request, lexicon_text=request.POST["lexicon"])
            messages.success(request, _("分类词表已保存，下次训练时生效。"))
            return redirect("participation:classifier")
        services.retrain_classifier(actor=request.user)
        messages.success(request, _("已提交重新训练任务，完成后此页显示新的评估结果。"))
        return redirect("participation:classifier")


# --- Open311 clients ------------------------------------------------------------------------------------------


class ClientListView(TriagerRequiredMixin, View):
    template = "participation/client_list.html"

    def context(self, request, form=None, **extra):
        clients = Open311Client.objects.restrict(request.user).order_by("-is_active", "name")
        return {"clients": clients, "form": form or ClientForm(), **extra}

    def get(self, request):
        return TemplateResponse(request, self.template, self.context(request))

    def post(self, request):
        form = ClientForm(request.POST)
        if form.is_valid():
            try:
                client, key = services.issue_client(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                # The key is shown once, on this response only; it is never stored in the clear.
                response = TemplateResponse(
                    request, self.template, self.context(request, new_client=client, new_key=key)
                )
                response["Cache-Control"] = "no-store"
                return response
        return TemplateResponse(request, self.template, self.context(request, form), status=400)


class ClientRevokeView(TriagerRequiredMixin, View):
    def post(self, request, pk: int):
        client = get_object_or_404(Open311Client.objects.restrict(request.user, "change"), pk=pk)
        try:
            services.revoke_client(client, actor=request.user)
            messages.success(request, _("已吊销“%(name)s”的密钥。") % {"name": client.name})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("participation:client_list")
