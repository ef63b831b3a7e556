"""Pages for cases, part 4: XLSX export of the filtered list — at once for small lists, as a background job
with a polled progress bar for large ones; the job's file is downloadable by its owner only."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.generic import View

from wenming.accounts import audit
from wenming.cases import exports
from wenming.cases.api.serializers import can_see_reporter
from wenming.cases.models import ExportJob
from wenming.core.media import open_or_404


def attachment(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


class CaseExportView(LoginRequiredMixin, View):
    """GET with the list's querystring: the XLSX itself, or (more than the limit) a job to watch."""

    def get(self, request):
        query = request.GET.urlencode()
        cases = exports.filtered_cases(request.user, query)
        if cases.count() <= exports.sync_limit():
            content = exports.write_xlsx(cases, with_reporter=can_see_reporter(request.user))
            audit.record(request.user, audit.EXPORT, "cases.Case", {"rows": cases.count(), "with_reporter": can_see_reporter(request.user), "query": query}, request=request)  # fmt: skip
            return attachment(content, exports.export_filename())
        job = exports.start_case_export(actor=request.user, query=query)
        audit.record(request.user, audit.EXPORT, "cases.Case", {"job": job.pk, "with_reporter": can_see_reporter(request.user), "query": query}, request=request)  # fmt: skip
        return redirect(job)


class ExportJobView(LoginRequiredMixin, View):
    """The job's progress page; htmx polls it and gets the progress partial until the file is ready."""

    def get(self, request, pk: int):
        job = get_object_or_404(ExportJob.objects.restrict(request.user), pk=pk)
        template = "cases/export_job.html"
        if getattr(request, "htmx", False) and not request.htmx.boosted:
            template += "#progress"
        return TemplateResponse(request, template, {"job": job})


class ExportDownloadView(LoginRequiredMixin, View):
    """The finished file — its owner only (anyone else: 404, so its existence is not revealed)."""

    def get(self, request, pk: int):
        job = get_object_or_404(ExportJob.objects.restrict(request.user), pk=pk)
        if not job.file:
            raise Http404
        return FileResponse(
            open_or_404(job.file.storage, job.file.name), as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1],
            content_type=exports.XLSX,
        )  # fmt: skip
