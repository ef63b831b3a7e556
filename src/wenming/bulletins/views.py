"""Pages of bulletins (通报): the list and the archive, create, detail with the background job's progress,
edit, workflow actions, generation and the downloads. Every object is looked up through
`Bulletin.objects.restrict(user, …)` (outside the scope: 404); writes go through `bulletins.services`."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.generic import View

from wenming.bulletins import services, workflow
from wenming.bulletins.choices import BulletinKind, JobKind, JobState
from wenming.bulletins.filtersets import BulletinFilterSet
from wenming.bulletins.forms import BulletinCreateForm, BulletinEditForm, TransitionForm
from wenming.bulletins.models import Bulletin
from wenming.bulletins.querysets import can_sign
from wenming.core.media import open_or_404
from wenming.core.mixins import FilteredListView, OfficeRequiredMixin, apply_service_errors
from wenming.core.roles import is_office

PREVIEW_ROWS = 50
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _partial(request, template: str, name: str) -> str:
    return f"{template}#{name}" if getattr(request, "htmx", False) and not request.htmx.boosted else template


class BulletinListView(FilteredListView):
    """Bulletins in scope, newest first; drafts only for the office and leaders."""

    model = Bulletin
    filterset_class = BulletinFilterSet
    template_name = "bulletins/bulletin_list.html"
    paginate_by = 30

    def base_queryset(self):
        return Bulletin.objects.select_related("round")

    def get_queryset(self):
        return super().get_queryset().order_by("-created_at", "-pk")


class ArchiveView(LoginRequiredMixin, View):
    """The archive (归档): published bulletins by year, with their document numbers."""

    def get(self, request):
        qs = Bulletin.objects.restrict(request.user, "view").published().order_by("-doc_year", "-doc_seq")
        years = sorted({b.doc_year for b in qs if b.doc_year}, reverse=True)
        year = request.GET.get("year")
        year = int(year) if year and year.isdigit() else (years[0] if years else None)
        rows = [b for b in qs if b.doc_year == year] if year else []
        return TemplateResponse(
            request, "bulletins/archive.html", {"years": years, "year": year, "bulletins": rows}
        )


class BulletinCreateView(OfficeRequiredMixin, View):
    template = "bulletins/bulletin_form.html"

    def get(self, request):
        kind = (
            request.GET.get("kind")
            if request.GET.get("kind") in BulletinKind.values
            else BulletinKind.MONTHLY
        )
        initial = {"kind": kind, "round": request.GET.get("round")}
        form = BulletinCreateForm(initial=initial, user=request.user)
        return TemplateResponse(request, self.template, {"form": form, "creating": True})

    def post(self, request):
        form = BulletinCreateForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                bulletin = services.create_bulletin(
                    actor=request.user, kind=data["kind"], period_code=data["period_code"], round=data["round"],
                    theme=data["theme"], subject_unit=data["subject_unit"], title=data["title"], top_n=data["top_n"],
                    ranking_basis=data["ranking_basis"],
                )  # fmt: skip
                services.start_job(actor=request.user, bulletin=bulletin, kind=JobKind.GENERATE)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("通报已创建，正在后台生成数据和文件。"))
                return redirect(bulletin)
        return TemplateResponse(request, self.template, {"form": form, "creating": True}, status=400)


def _bulletin(request, pk: int) -> Bulletin:
    qs = Bulletin.objects.restrict(request.user, "view").select_related(
        "round", "theme", "subject_unit", "created_by", "signed_by", "published_by"
    )
    return get_object_or_404(qs, pk=pk)


class BulletinDetailView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        bulletin = _bulletin(request, pk)
        data = bulletin.data or {}
        job = bulletin.jobs.order_by("-pk").first()
        context = {
            "bulletin": bulletin,
            "data": data,
            "problems": (data.get("problems") or [])[:PREVIEW_ROWS],
            "problems_more": max(0, len(data.get("problems") or []) - PREVIEW_ROWS),
            "job": job,
            "transitions": workflow.available(bulletin, request.user),
            "can_change": is_office(request.user),
            "can_sign": can_sign(request.user),
            "events": bulletin.events.select_related("actor"),
            "recipients": bulletin.recipients.all(),
            "final": services.final_formats(bulletin),
        }
        return TemplateResponse(request, "bulletins/bulletin_detail.html", context)


class BulletinEditView(OfficeRequiredMixin, View):
    template = "bulletins/bulletin_form.html"

    def _form(self, request, bulletin, data=None):
        initial = {f: getattr(bulletin, f) for f in services.EDITABLE_FIELDS}
        initial["recipients"] = list(bulletin.recipients.values_list("pk", flat=True))
        return BulletinEditForm(data, initial=initial, user=request.user)

    def get(self, request, pk: int):
        bulletin = _bulletin(request, pk)
        if not bulletin.is_editable:
            messages.warning(request, _("只有草稿状态的通报可以修改。"))
            return redirect(bulletin)
        return TemplateResponse(
            request, self.template, {"form": self._form(request, bulletin), "bulletin": bulletin}
        )

    def post(self, request, pk: int):
        bulletin = _bulletin(request, pk)
        form = self._form(request, bulletin, request.POST)
        if form.is_valid():
            values = dict(form.cleaned_data)
            recipients = values.pop("recipients")
            try:
                services.update_bulletin(
                    actor=request.user, bulletin=bulletin, recipients=recipients, **values
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("通报已保存。"))
                return redirect(bulletin)
        return TemplateResponse(request, self.template, {"form": form, "bulletin": bulletin}, status=400)


class BulletinActionView(LoginRequiredMixin, View):
    """POST a workflow action (submit, return, sign, publish, archive)."""

    def post(self, request, pk: int, action: str):
        bulletin = _bulletin(request, pk)
        if action not in workflow.TRANSITIONS:
            raise Http404
        form = TransitionForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            services.transition_bulletin(actor=request.user, bulletin=bulletin, action=action, note=note)
        except PermissionDenied:
            raise
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已%(a)s。") % {"a": workflow.TRANSITIONS[action].label})
        return redirect(bulletin)


class BulletinGenerateView(OfficeRequiredMixin, View):
    """POST: queue a (re)generation of the data and files, a PDF, or the missing final files."""

    def post(self, request, pk: int, kind: str):
        bulletin = _bulletin(request, pk)
        if kind not in JobKind.values:
            raise Http404
        try:
            services.start_job(actor=request.user, bulletin=bulletin, kind=kind)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已开始生成，请稍候。"))
        return redirect(bulletin)


class BulletinJobView(LoginRequiredMixin, View):
    """The latest job's progress; htmx polls it every 2 s until the job is finished."""

    def get(self, request, pk: int):
        bulletin = _bulletin(request, pk)
        job = bulletin.jobs.order_by("-pk").first()
        response = TemplateResponse(request, "bulletins/_job.html", {"bulletin": bulletin, "job": job})
        if (
            job is not None
            and job.state == JobState.DONE
            and request.GET.get("was") in (JobState.PENDING, JobState.RUNNING)
        ):
            response["HX-Refresh"] = "true"  # the files and figures changed: reload the whole page once
        return response


class BulletinDownloadView(LoginRequiredMixin, View):
    """A generated file (Word, Excel or PDF), named after the bulletin."""

    def get(self, request, pk: int, fmt: str):
        bulletin = _bulletin(request, pk)
        if fmt not in CONTENT_TYPES:
            raise Http404
        field = getattr(bulletin, fmt)
        if not field or not field.storage.exists(field.name):
            raise Http404
        name = f"{bulletin.doc_number or _('草稿')} {bulletin.title}.{fmt}".strip()
        handle = open_or_404(field.storage, field.name)  # the disk or the bucket (wenming.core.storage)
        response = FileResponse(handle, as_attachment=True, content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return response
