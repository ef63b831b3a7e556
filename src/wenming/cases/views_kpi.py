"""Pages for cases, part 3: KPI tables (by unit / special group / street / category / district) for a period,
with every figure linking to the cases behind it, the definitions shown, and the office's formula editor."""

from __future__ import annotations

import datetime
from functools import cached_property

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from wenming.cases import kpis, services
from wenming.cases.forms import KpiFormulaForm
from wenming.cases.models import Case, KpiFormula
from wenming.core.mixins import OfficeRequiredMixin, apply_service_errors
from wenming.core.roles import is_office


def _percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _number(value) -> str:
    return "—" if value is None else f"{value:.1f}"


def kpi_cells(row: kpis.KpiRow, formulas, list_url: str) -> dict:
    """One table row. Every cell links to cases: a count to its own, a rate to its numerator's (the title
    says numerator/denominator), the mean handling time to the handled cases, a score to the due cases."""

    def url(code):
        return f"{list_url}?{row.drill[code]}"

    cells = [{"value": row.counts[c.code], "url": url(c.code), "title": str(c.label)} for c in kpis.COUNTS]
    for r in kpis.RATES:
        title = f"{r.label} = {row.counts[r.numerator]} / {row.counts[r.denominator]}"
        cells.append({"value": _percent(row.rates[r.code]), "url": url(r.numerator), "title": title})
    cells.append(
        {"value": _number(row.avg_handling_hours), "url": url("handled"), "title": str(kpis.AVG_HANDLING[1])}
    )
    for f in formulas:
        cells.append({"value": _number(row.scores.get(f.name)), "url": url("due"), "title": f.expression})
    return {"label": row.label, "key": row.key, "cells": cells}


def period_presets(now) -> list[tuple[str, str]]:
    local = timezone.localtime(now)
    first = local.date().replace(day=1)
    last_month = first - datetime.timedelta(days=1)
    quarter = (local.month - 1) // 3 + 1
    return [
        (f"{local:%Y-%m}", _("本月")),
        (f"{last_month:%Y-%m}", _("上月")),
        (f"{local.year}-Q{quarter}", _("本季度")),
        (str(local.year), _("本年")),
    ]


class KpiView(LoginRequiredMixin, TemplateView):
    """KPIs of the cases in the user's scope, by dimension and period; definitions below the table."""

    template_name = "cases/kpi.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request = self.request
        dimension = request.GET.get("dimension") or "unit"
        if dimension not in kpis.DIMENSIONS:
            dimension = "unit"
        try:
            period = kpis.parse_period(request.GET.get("period"))
            error = None
        except ValidationError as exc:
            period, error = kpis.parse_period(None), "；".join(exc.messages)
        formulas = list(KpiFormula.objects.active())
        rows = kpis.compute(
            dimension, period, queryset=Case.objects.restrict(request.user, "view"), formulas=formulas
        )
        list_url = reverse("cases:case_list")
        context.update(
            table=[kpi_cells(row, formulas, list_url) for row in rows],
            dimension=dimension,
            dimensions=[(code, label) for code, (_f, label) in kpis.DIMENSIONS.items()],
            period=period,
            period_error=error,
            period_help=kpis.PERIOD_HELP,
            presets=period_presets(timezone.now()),
            counts=kpis.COUNTS,
            rates=kpis.RATES,
            avg_handling=kpis.AVG_HANDLING,
            formulas=formulas,
            all_formulas=KpiFormula.objects.order_by("order", "id") if is_office(request.user) else formulas,
            can_edit=is_office(request.user),
            names=sorted(kpis.allowed_names()),
        )
        return context


class KpiFormulaEditView(OfficeRequiredMixin, FormView):
    """Office: add or change a composite formula; "试算" evaluates it on this month's units without saving."""

    form_class = KpiFormulaForm
    template_name = "cases/kpi_formula_form.html"

    @cached_property
    def formula(self) -> KpiFormula | None:
        """Looked up after the office check (OfficeRequiredMixin.dispatch), so others get 403, not 404."""
        pk = self.kwargs.get("pk")
        return (
            get_object_or_404(KpiFormula.objects.restrict(self.request.user, "change"), pk=pk) if pk else None
        )

    def get_initial(self):
        f = self.formula
        if f is None:
            return {"is_active": True, "order": KpiFormula.objects.count() + 1}
        return {"name": f.name, "expression": f.expression, "description": f.description, "is_active": f.is_active,
                "order": f.order}  # fmt: skip

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            formula=self.formula,
            rates=kpis.RATES,
            counts=kpis.COUNTS,
            avg_handling=kpis.AVG_HANDLING,
            templates=kpis.TEMPLATE_FORMULAS,
        )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        if "preview" in self.request.POST:
            period = kpis.parse_period(None)
            rows = kpis.compute(
                "unit", period, queryset=Case.objects.restrict(self.request.user, "view"), formulas=[]
            )
            preview = [(row.label, kpis.score(data["expression"], row)) for row in rows]
            return self.render_to_response(
                self.get_context_data(form=form, preview=preview, preview_period=period)
            )
        try:
            formula = services.save_kpi_formula(actor=self.request.user, formula=self.formula, **data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("已保存考核公式“%(name)s”。") % {"name": formula.name})
        return redirect("cases:kpi")
