"""Waves (调查批次): the list, planning, the detail with design and progress per stratum, estimates, comparison,
responses, import and the anonymised export."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from wenming.geo.services import ImportRejected
from wenming.inspections.exports import XLSX, xlsx_response
from wenming.surveys import services
from wenming.surveys.choices import CHANNEL_BADGE, QUESTION_KIND_BADGE, WaveState
from wenming.surveys.estimates import compare_waves, indicators, wave_estimates
from wenming.surveys.exports import anonymised_xlsx
from wenming.surveys.filtersets import ResponseFilterSet, WaveFilterSet
from wenming.surveys.forms import ImportForm, WaveForm
from wenming.surveys.imports import import_responses, import_template
from wenming.surveys.models import Answer, Response, Stratum, Wave
from wenming.surveys.views.common import (
    ReaderMixin,
    ServiceCreatePage,
    ServiceUpdatePage,
    SurveyAccessMixin,
    error_text,
    is_office,
    is_reader,
    list_template,
    page_of,
    require_office,
    require_reader,
)


def visible_wave(request, pk) -> Wave:
    return get_object_or_404(
        Wave.objects.restrict(request.user, "view").select_related("questionnaire"), pk=pk
    )


def _attachment(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class WaveListView(SurveyAccessMixin, View):
    """问卷调查: the waves the user may see, with progress; interviewers see the waves they collect for."""

    template = "surveys/wave_list.html"

    def get(self, request):
        waves = (
            Wave.objects.restrict(request.user, "view")
            .with_progress()
            .select_related("questionnaire")
            .order_by("-period_start", "-pk")
        )
        filterset = WaveFilterSet(request.GET, queryset=waves)
        waves = filterset.qs
        if request.GET.get("export") == "xlsx":
            return xlsx_response(
                "survey-waves", _("调查批次"),
                [_("名称"), _("问卷"), _("状态"), _("开始日期"), _("结束日期"), _("分层单位"), _("样本量设计"), _("目标样本量"),
                 _("已收答卷")],
                ([w.name, w.questionnaire.title, w.get_state_display(), w.period_start, w.period_end,
                  w.get_stratum_level_display(), w.get_design_display(), w.target_total, w.responses_total]
                 for w in waves),
            )  # fmt: skip
        collectable = set(Wave.objects.restrict(request.user, "collect").values_list("pk", flat=True))
        context = {"filter": filterset, "page_obj": page_of(request, waves), "can_manage": is_office(request.user),
                   "is_reader": is_reader(request.user), "collectable": collectable}  # fmt: skip
        return render(request, list_template(request, self.template), context)


class WaveCreateView(ServiceCreatePage):
    template = "surveys/wave_form.html"
    form_class = WaveForm
    success_message = gettext_lazy("调查批次已创建，请核对样本设计后开始调查。")

    def initial(self, obj) -> dict:
        initial = {"stratum_level": "street", "design": "per_stratum"}
        if self.request.GET.get("questionnaire", "").isdigit():
            initial["questionnaire"] = int(self.request.GET["questionnaire"])
        return initial

    def save(self, request, form, obj):
        return services.create_wave(
            actor=request.user, areas=list(form.cleaned_data["areas"]),
            interviewers=list(form.cleaned_data["interviewers"]), **form.service_args(),
        )  # fmt: skip


class WaveUpdateView(ServiceUpdatePage):
    template = "surveys/wave_form.html"
    form_class = WaveForm
    success_message = gettext_lazy("调查批次已保存。")
    lookup = staticmethod(visible_wave)
    object_name = "wave"

    def save(self, request, form, wave):
        args = form.service_args()
        if not wave.is_draft:
            args = {k: v for k, v in args.items() if k in services.waves.OPEN_FIELDS}
        areas = list(form.cleaned_data["areas"]) if wave.is_draft else None
        services.update_wave(actor=request.user, wave=wave, areas=areas or None,
                             interviewers=list(form.cleaned_data["interviewers"]), **args)  # fmt: skip
        return wave


class WaveDetailView(LoginRequiredMixin, View):
    """调查批次详情: sample design, progress per stratum, public links, interviewers."""

    def get(self, request, pk):
        wave = get_object_or_404(
            Wave.objects.restrict(request.user, "view").with_progress().select_related("questionnaire"), pk=pk
        )
        strata = list(
            Stratum.objects.filter(wave=wave).with_counts().select_related("area").order_by("order", "pk")
        )
        by_channel = {}
        for stratum_id, channel, count in (
            Response.objects.filter(wave=wave)
            .values_list("stratum_id", "channel")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            by_channel.setdefault(stratum_id, {})[channel] = count
        pop_total = sum(s.population for s in strata) or 1
        for s in strata:
            s.weight = s.population / pop_total
            s.percent = min(100, round(100 * s.responses_count / s.target)) if s.target else 0
            s.channels = by_channel.get(s.pk, {})
            s.public_url = request.build_absolute_uri(s.public_path())
        mine_today = Response.objects.filter(
            wave=wave, interviewer=request.user, received_at__date=timezone.localdate()
        ).count()
        context = {
            "wave": wave, "strata": strata, "design": services.design_summary(wave),
            "can_manage": is_office(request.user), "is_reader": is_reader(request.user),
            "can_collect": Wave.objects.restrict(request.user, "collect").filter(pk=wave.pk).exists(),
            "percent": min(100, round(100 * wave.responses_total / wave.target_total)) if wave.target_total else 0,
            "interviewers": wave.interviewers.all(), "mine_today": mine_today, "channel_badges": CHANNEL_BADGE,
            "locked": services.is_locked(wave.questionnaire),
        }  # fmt: skip
        return render(request, "surveys/wave_detail.html", context)


class _WaveAction(LoginRequiredMixin, View):
    http_method_names = ["post"]
    success = ""

    def act(self, request, wave):
        raise NotImplementedError

    def post(self, request, pk):
        wave = visible_wave(request, pk)
        require_office(request.user)
        try:
            self.act(request, wave)
        except services.NotFound:
            raise Http404
        except services.SurveyError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, self.success)
        return redirect(wave.get_absolute_url())


class WaveOpenView(_WaveAction):
    success = _("调查已开始：调查员可以采集，扫码链接已开放。")

    def act(self, request, wave):
        return services.open_wave(actor=request.user, wave=wave)


class WaveCloseView(_WaveAction):
    success = _("调查已结束，估计结果已固化。")

    def act(self, request, wave):
        return services.close_wave(actor=request.user, wave=wave)


def _chart(data: dict) -> dict:
    """The estimates chart: each rate per stratum and overall, with the interval as error bars."""
    keys = [
        k
        for k in ("awareness", "support", "participation", "satisfaction")
        if data["indicators"][k]["estimate"] is not None
    ]
    names = [s["area_name"] for s in data["strata"]] + [_("全区（加权）")]
    series = []
    for key in keys:
        ind = data["indicators"][key]
        values = [None if r["estimate"] is None else round(100 * r["estimate"], 1) for r in ind["by_stratum"]]
        low = [None if r["ci_low"] is None else round(100 * r["ci_low"], 1) for r in ind["by_stratum"]]
        high = [None if r["ci_high"] is None else round(100 * r["ci_high"], 1) for r in ind["by_stratum"]]
        values.append(round(100 * ind["estimate"], 1))
        low.append(round(100 * ind["ci_low"], 1))
        high.append(round(100 * ind["ci_high"], 1))
        series.append({"name": ind["label"], "values": values, "low": low, "high": high})
    return {"categories": names, "series": series, "unit": "%"}


def _stratum_rows(data: dict) -> list[dict]:
    """Rows of the per-stratum table: each stratum with one cell per indicator."""
    rows = []
    for i, stratum in enumerate(data["strata"]):
        cells = []
        for ind in data["indicators"].values():
            by = ind.get("by_stratum") or []
            cells.append({"item": by[i] if i < len(by) else None, "kind": ind["kind"]})
        rows.append({"stratum": stratum, "cells": cells})
    return rows


class WaveEstimatesView(LoginRequiredMixin, View):
    """估计结果: the four rates and the satisfaction score per stratum and overall (population-weighted), 95 %
    intervals, design effects, per-question distributions, and a chart."""

    def get(self, request, pk):
        wave = visible_wave(request, pk)
        require_reader(request.user)
        live = request.GET.get("live") == "1"
        data = wave_estimates(wave, live=live)
        labels = {i.key: i.label for i in indicators()}  # frozen figures keep the language of their day
        for key, item in data["indicators"].items():
            item["label"] = labels.get(key, item["label"])
        if request.GET.get("format") == "json":
            from django.http import JsonResponse

            return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
        context = {"wave": wave, "data": data, "chart": _chart(data), "kind_badges": QUESTION_KIND_BADGE,
                   "live": live, "confidence_percent": round(100 * data["confidence"]),
                   "indicators": list(data["indicators"].values()), "rows": _stratum_rows(data)}  # fmt: skip
        return render(request, "surveys/wave_estimates.html", context)


class WaveCompareView(ReaderMixin, View):
    """Wave comparison: the indicators of several waves side by side with the change and its significance."""

    def get(self, request):
        available = list(
            Wave.objects.restrict(request.user, "view")
            .exclude(state=WaveState.DRAFT)
            .order_by("-period_start", "-pk")
        )
        chosen_ids = [int(x) for x in request.GET.getlist("waves") if x.isdigit()]
        by_id = {w.pk: w for w in available}
        chosen = [by_id[i] for i in chosen_ids if i in by_id] or available[:2]
        chosen.sort(key=lambda w: (w.period_start, w.pk))
        rows = compare_waves(chosen) if chosen else []
        chart = {
            "categories": [w.name for w in chosen],
            "series": [{"name": r["label"], "values": [None if c["estimate"] is None else round(100 * c["estimate"], 1)
                                                       for c in r["cells"]]}
                       for r in rows if r["kind"] == "rate"],
        }  # fmt: skip
        context = {"available": available, "chosen": chosen, "chosen_ids": {w.pk for w in chosen}, "rows": rows,
                   "chart": chart}  # fmt: skip
        return render(request, "surveys/wave_compare.html", context)


class ResponseListView(LoginRequiredMixin, View):
    """答卷: the wave's responses the user may see (interviewers: their own), filterable and exportable."""

    template = "surveys/response_list.html"

    def get(self, request, pk):
        wave = visible_wave(request, pk)
        responses = (
            Response.objects.restrict(request.user, "view")
            .filter(wave=wave)
            .select_related("stratum__area", "area", "interviewer")
            .order_by("-received_at", "-pk")
        )
        filterset = ResponseFilterSet(request.GET, queryset=responses)
        responses = filterset.qs
        if request.GET.get("export") == "xlsx":
            return xlsx_response(
                "survey-responses", _("答卷"),
                [_("编号"), _("提交时间"), _("分层"), _("居住街道/社区"), _("年龄段"), _("居住时间"), _("职业"), _("采集方式"),
                 _("调查员")],
                ([r.pk, r.received_at, r.stratum.area.name, r.area.name if r.area else "", r.get_age_band_display(),
                  r.get_residence_display(), r.get_occupation_display(), r.get_channel_display(),
                  str(r.interviewer or "")] for r in responses),
            )  # fmt: skip
        context = {"wave": wave, "filter": filterset, "page_obj": page_of(request, responses),
                   "strata": wave.strata.select_related("area").order_by("order")}  # fmt: skip
        return render(request, list_template(request, self.template), context)


class ResponseDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        response = get_object_or_404(
            Response.objects.restrict(request.user, "view").select_related(
                "wave__questionnaire", "stratum__area", "area", "interviewer"
            ),
            pk=pk,
        )
        answers = {a.question_id: a for a in Answer.objects.filter(response=response)}
        rows = []
        for q in response.wave.questionnaire.questions.order_by("order", "pk"):
            a = answers.get(q.pk)
            option = q.option_map().get(a.value) if a and a.value else None
            rows.append({"question": q, "answer": a, "option": option})
        return render(request, "surveys/response_detail.html", {"response": response, "rows": rows})


class WaveExportView(LoginRequiredMixin, View):
    """The wave's raw responses, anonymised (age bands, no interviewer, position or identifiers)."""

    def get(self, request, pk):
        wave = visible_wave(request, pk)
        require_reader(request.user)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return _attachment(anonymised_xlsx(wave), XLSX, f"survey-{wave.pk}-anonymised-{stamp}.xlsx")


class WaveImportView(LoginRequiredMixin, View):
    template = "surveys/wave_import.html"

    def _wave(self, request, pk):
        wave = visible_wave(request, pk)
        require_office(request.user)
        return wave

    def get(self, request, pk):
        wave = self._wave(request, pk)
        return render(request, self.template, {"wave": wave, "form": ImportForm()})

    def post(self, request, pk):
        wave = self._wave(request, pk)
        form = ImportForm(request.POST, request.FILES)
        context = {"wave": wave, "form": form}
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = import_responses(
                    actor=request.user, wave=wave, data=upload.read(), filename=upload.name
                )
            except ImportRejected as exc:
                context.update(import_errors=exc.errors[:200], error_count=len(exc.errors))
            except services.SurveyError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, result.summary())
                return redirect(wave.get_absolute_url())
        return render(request, self.template, context, status=400)


class WaveImportTemplateView(LoginRequiredMixin, View):
    def get(self, request, pk):
        wave = visible_wave(request, pk)
        require_office(request.user)
        return _attachment(import_template(wave), XLSX, f"survey-{wave.pk}-import-template.xlsx")


class StratumPosterView(LoginRequiredMixin, View):
    """A printable poster with the stratum's public QR code (扫码参与调查)."""

    def get(self, request, pk, stratum_pk):
        from wenming.geo.qr import qr_svg_inline

        wave = visible_wave(request, pk)
        if not is_reader(request.user):
            raise PermissionDenied
        stratum = get_object_or_404(Stratum.objects.select_related("area"), wave=wave, pk=stratum_pk)
        url = request.build_absolute_uri(stratum.public_path())
        context = {"wave": wave, "stratum": stratum, "url": url, "qr_svg": qr_svg_inline(url, scale=6)}
        return render(request, "surveys/stratum_poster.html", context)
