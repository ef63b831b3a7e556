"""Pages of appraisal (考核): schemes, runs with ranked results, a result with every figure drilling down to its
records, appeals and their answers, and the XLSX export for the third-party appraiser."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.generic import View

from wenming.bulletins import appraisal, variables
from wenming.bulletins.choices import AppealState, RuleKind
from wenming.bulletins.forms import AnswerForm, AppealForm, RuleFormSet, RunForm, SchemeForm
from wenming.bulletins.models import Appeal, AppraisalResult, AppraisalRun, AppraisalScheme
from wenming.core.formulas import parse
from wenming.core.mixins import OfficeRequiredMixin, apply_service_errors
from wenming.core.roles import is_office

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def scheme_codes(snapshot: dict) -> list[str]:
    """The variables a scheme uses (formula first, then rules), as codes, in order of first use."""
    out: list[str] = []
    try:
        _tree, names = parse(snapshot.get("formula") or "0")
    except ValidationError:
        names = []
    for name in names:
        var = variables.resolve(name)
        if var and var.code not in out:
            out.append(var.code)
    for rule in snapshot.get("rules", []):
        if rule["variable"] not in out:
            out.append(rule["variable"])
    return out


class AppraisalListView(LoginRequiredMixin, View):
    """Runs in scope (published ones for the units), the schemes, and the office's run form."""

    def get(self, request, form=None):
        runs = AppraisalRun.objects.restrict(request.user, "view").select_related("scheme", "computed_by")[
            :100
        ]
        schemes = AppraisalScheme.objects.restrict(request.user, "view").prefetch_related("rules")
        context = {
            "runs": runs,
            "schemes": schemes,
            "can_change": is_office(request.user),
            "form": form or RunForm(),
            "pending_appeals": Appeal.objects.restrict(request.user, "view").pending().count(),
        }
        return TemplateResponse(
            request, "bulletins/appraisal_list.html", context, status=400 if form else 200
        )


class AppraisalRunCreateView(OfficeRequiredMixin, View):
    def post(self, request):
        form = RunForm(request.POST)
        if form.is_valid():
            try:
                run = appraisal.run_appraisal(
                    actor=request.user, scheme=form.cleaned_data["scheme"],
                    period_code=form.cleaned_data["period_code"], note=form.cleaned_data["note"],
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("考核结果已计算。"))
                return redirect(run)
        return AppraisalListView().get(request, form=form)


def _run(request, pk: int) -> AppraisalRun:
    return get_object_or_404(
        AppraisalRun.objects.restrict(request.user, "view").select_related("scheme"), pk=pk
    )


class AppraisalRunDetailView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        run = _run(request, pk)
        results = (
            AppraisalResult.objects.restrict(request.user, "view")
            .filter(run=run)
            .select_related("unit", "area")
        )
        codes = scheme_codes(run.scheme_snapshot)
        reg = variables.registry()
        columns = [reg[c] for c in codes if c in reg]
        rows = [{"result": r, "cells": [(c.code, r.value(c.code)) for c in columns]} for r in results]
        context = {
            "run": run, "rows": rows, "columns": columns, "snapshot": run.scheme_snapshot,
            "can_change": is_office(request.user), "rule_kinds": dict(RuleKind.choices),
        }  # fmt: skip
        return TemplateResponse(request, "bulletins/appraisal_detail.html", context)


class AppraisalPublishView(OfficeRequiredMixin, View):
    def post(self, request, pk: int):
        run = _run(request, pk)
        try:
            appraisal.publish_run(actor=request.user, run=run)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("考核结果已公布，各单位可查看本单位结果并申诉。"))
        return redirect(run)


class AppraisalExportView(LoginRequiredMixin, View):
    """XLSX for the third-party appraiser (第三方考评): results, figures, rules applied, the scheme."""

    def get(self, request, pk: int):
        run = _run(request, pk)
        results = AppraisalResult.objects.restrict(request.user, "view").filter(run=run)
        content = appraisal.export_xlsx(run, results)
        response = HttpResponse(content, content_type=XLSX)
        name = f"{run.scheme.name}-{run.period_code}.xlsx"
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return response


def _result(request, pk: int) -> AppraisalResult:
    qs = AppraisalResult.objects.restrict(request.user, "view").select_related(
        "run", "run__scheme", "unit", "area"
    )
    return get_object_or_404(qs, pk=pk)


def _grouped_figures(result: AppraisalResult) -> list[tuple[str, list]]:
    labels = {"cases": _("问题处置（案件考核指标）"), "scores": _("测评得分"), "problems": _("测评发现问题"),
              "overdue": _("超期案件（计入责任方）"), "recurrence": _("反弹与重复发生")}  # fmt: skip
    groups: dict[str, list] = {k: [] for k in labels}
    for code, var in variables.registry().items():
        figure = result.figures.get(code) or {}
        groups[var.source].append(
            {"var": var, "value": figure.get("value"), "has_refs": bool(figure.get("refs"))}
        )
    return [(labels[k], v) for k, v in groups.items()]


class ResultDetailView(LoginRequiredMixin, View):
    def get(self, request, pk: int, appeal_form=None, answer_forms=None):
        result = _result(request, pk)
        appeals = list(result.appeals.select_related("filed_by", "answered_by"))
        can_appeal = AppraisalResult.objects.restrict(request.user, "appeal").filter(pk=result.pk).exists()
        office = is_office(request.user)
        answer_forms = answer_forms or {}
        for a in appeals:
            a.form = answer_forms.get(a.pk) or (
                AnswerForm(prefix=f"a{a.pk}") if office and a.state == AppealState.PENDING else None
            )
        context = {
            "result": result, "run": result.run, "groups": _grouped_figures(result), "appeals": appeals,
            "used": scheme_codes(result.run.scheme_snapshot),
            "appeal_form": appeal_form or (AppealForm() if can_appeal and not any(a.state == AppealState.PENDING for a in appeals) else None),
        }  # fmt: skip
        status = 400 if appeal_form or answer_forms else 200
        return TemplateResponse(request, "bulletins/result_detail.html", context, status=status)


class AppealCreateView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        result = _result(request, pk)
        form = AppealForm(request.POST)
        if form.is_valid():
            try:
                appraisal.file_appeal(actor=request.user, result=result, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("申诉已提交，请等待文明办答复。"))
                return redirect(result)
        return ResultDetailView().get(request, pk, appeal_form=form)


class AppealAnswerView(OfficeRequiredMixin, View):
    def post(self, request, pk: int):
        appeal = get_object_or_404(
            Appeal.objects.restrict(request.user, "change").select_related("result"), pk=pk
        )
        form = AnswerForm(request.POST, prefix=f"a{appeal.pk}")
        if form.is_valid():
            try:
                appraisal.answer_appeal(
                    actor=request.user, appeal=appeal, upheld=form.cleaned_data["upheld"],
                    answer=form.cleaned_data["answer"], adjustment=form.cleaned_data["adjustment"] or 0,
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("已答复申诉。"))
                return redirect(appeal.result)
        return ResultDetailView().get(request, appeal.result_id, answer_forms={appeal.pk: form})


class FigureRecordsView(LoginRequiredMixin, View):
    """The records behind one figure of a result: the case list (KPI drill-down) or the observations,
    inspections or cases listed here, each linking to its own page."""

    def get(self, request, pk: int, code: str):
        result = _result(request, pk)
        var = variables.registry().get(code)
        figure = result.figures.get(code) or {}
        if var is None:
            return HttpResponseRedirect(result.get_absolute_url())
        refs = figure.get("refs") or {}
        if refs.get("url"):
            return HttpResponseRedirect(refs["url"])
        context = {"result": result, "var": var, "value": figure.get("value"), "observations": [], "inspections": [],
                   "cases": []}  # fmt: skip
        if refs.get("observations"):
            from wenming.inspections.models import Observation

            context["observations"] = (
                Observation.objects.restrict(request.user, "view").filter(pk__in=refs["observations"])
                .select_related("criterion", "inspection", "inspection__point", "inspection__round", "case")
                .order_by("inspection__submitted_at", "pk")
            )  # fmt: skip
        if refs.get("inspections"):
            from wenming.inspections.models import Inspection

            context["inspections"] = (
                Inspection.objects.restrict(request.user, "view").filter(pk__in=refs["inspections"])
                .select_related("point", "round").order_by("submitted_at", "pk")
            )  # fmt: skip
        if refs.get("cases"):
            from wenming.cases.models import Case

            context["cases"] = (
                Case.objects.restrict(request.user, "view")
                .filter(pk__in=refs["cases"])
                .select_related("category", "unit")
            )
        return TemplateResponse(request, "bulletins/figure_records.html", context)


# --- schemes -------------------------------------------------------------------------------------------------


class SchemeDetailView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        scheme = get_object_or_404(AppraisalScheme.objects.restrict(request.user, "view"), pk=pk)
        context = {
            "scheme": scheme, "rules": scheme.rules.all(), "variables": variables.registry().values(),
            "runs": scheme.runs.all()[:20], "can_change": is_office(request.user),
        }  # fmt: skip
        return TemplateResponse(request, "bulletins/scheme_detail.html", context)


class SchemeEditView(OfficeRequiredMixin, View):
    template = "bulletins/scheme_form.html"

    def _initial_rules(self, scheme):
        if scheme is None:
            return []
        return [{"kind": r.kind, "variable": r.variable, "points": r.points, "cap": r.cap, "note": r.note}
                for r in scheme.rules.all()]  # fmt: skip

    def _scheme(self, request, pk):
        return (
            get_object_or_404(AppraisalScheme.objects.restrict(request.user, "change"), pk=pk) if pk else None
        )

    def _render(self, request, scheme, form, rules, status=200):
        context = {"scheme": scheme, "form": form, "rules": rules, "variables": variables.registry().values()}
        return TemplateResponse(request, self.template, context, status=status)

    def get(self, request, pk: int | None = None):
        scheme = self._scheme(request, pk)
        return self._render(request, scheme, SchemeForm(instance=scheme),
                            RuleFormSet(initial=self._initial_rules(scheme), prefix="rules"))  # fmt: skip

    def post(self, request, pk: int | None = None):
        scheme = self._scheme(request, pk)
        form = SchemeForm(request.POST, instance=scheme)
        rules = RuleFormSet(request.POST, prefix="rules")
        if form.is_valid() and rules.is_valid():
            values = {f: form.cleaned_data[f] for f in form.Meta.fields}
            values["reward_bands"] = form.cleaned_data["reward_text"]
            kept = [
                r.cleaned_data for r in rules.forms if r.cleaned_data and not r.cleaned_data.get("DELETE")
            ]
            try:
                saved = appraisal.save_scheme(actor=request.user, scheme=scheme, rules=kept, **values)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("考核方案已保存。"))
                return redirect(saved)
        if scheme is not None:
            scheme.refresh_from_db()
        return self._render(request, scheme, form, rules, status=400)
