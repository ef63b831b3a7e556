"""Forms of the case screens. One plain Form per workflow action feeding `services.transition` (the service
re-checks everything and its refusals are shown on the form), plus bulk dispatch, saved filters and the KPI
formula editor.

Each action form is built with the case (to limit its choices) and a `prefix` equal to its action, so all
of them can sit on the detail page at once: a POST carries `dispatch-unit`, `report_fix-photos` …
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wenming.cases import kpis, services
from wenming.cases.choices import ReopenReason, Satisfaction, VerifyResult


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos in one input (the service checks type, size and count)."""

    def __init__(self, *args, camera: bool = False, **kwargs):
        attrs = {"accept": "image/*"}
        if camera:
            attrs["capture"] = "environment"  # phones open the rear camera
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(d, initial) for d in data if d]
            if self.required and not files:
                raise ValidationError(self.error_messages["required"], code="required")
            return files
        return [single(data, initial)] if data else []


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name}（{obj.unit.name}）" if obj.unit_id else obj.name


NOTE_LABEL = _("说明")


def _note(label=NOTE_LABEL, *, required=False, rows=2) -> forms.CharField:
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}))


class ActionForm(forms.Form):
    """Base: `action` is the workflow action; `params()` are the service's keyword arguments."""

    action = ""
    note = _note()

    def __init__(self, *args, case, user, **kwargs):
        kwargs.setdefault("prefix", self.action)
        super().__init__(*args, **kwargs)
        self.case = case
        self.user = user
        self.order_fields([name for name in self.fields if name != "note"])  # the note comes last

    def service_action(self) -> str:
        return self.action

    def params(self) -> dict:
        return {}

    def run(self):
        """Feed the workflow service; raises TransitionError / ValidationError, never changes state itself."""
        data = self.cleaned_data
        return services.transition(
            self.case, self.service_action(), actor=self.user, note=data.get("note", ""),
            photos=data.get("photos") or (), **self.params(),
        )  # fmt: skip


class RegisterForm(ActionForm):
    action = "register"


class RejectForm(ActionForm):
    action = "reject"
    note = _note(_("不予立案理由"), required=True)


class MergeForm(ActionForm):
    action = "merge"
    survivor = forms.CharField(label=_("保留案件编号"), max_length=32, help_text=_("如 HL-2026-000123"))
    note = _note()

    def clean_survivor(self):
        from wenming.cases.models import Case

        code = self.cleaned_data["survivor"].strip().upper()
        survivor = Case.objects.restrict(self.user, "view").filter(code=code).first()
        if survivor is None:
            raise ValidationError(_("找不到案件“%(code)s”，或不在您的权限范围内。") % {"code": code})
        return survivor

    def params(self):
        return {"survivor": self.cleaned_data["survivor"]}


class DispatchForm(ActionForm):
    """Unit and person may be left empty: the service then routes (派遣规则 → … → 属地兜底)."""

    action = "dispatch"
    unit = forms.ModelChoiceField(label=_("责任单位"), queryset=None, required=False)
    person = PersonChoiceField(label=_("责任人"), queryset=None, required=False)
    note = _note()

    def __init__(self, *args, suggestion=None, **kwargs):
        from wenming.org.models import Person, Unit

        super().__init__(*args, **kwargs)
        self.suggestion = suggestion
        self.fields["unit"].queryset = Unit.objects.active().order_by("level", "code")
        self.fields["person"].queryset = (
            Person.objects.active().select_related("unit").order_by("unit_id", "name")
        )
        auto = _("按派遣规则自动确定")
        if suggestion is not None and suggestion.found:
            auto = _("自动：%(unit)s") % {"unit": suggestion.unit.name}
        self.fields["unit"].empty_label = f"— {auto} —"
        self.fields["unit"].help_text = _("不选则按派遣规则自动确定；央属/省属/市属单位转入协调。")
        self.fields["person"].empty_label = "—"

    def params(self):
        return {"unit": self.cleaned_data.get("unit"), "person": self.cleaned_data.get("person")}


class AcknowledgeForm(ActionForm):
    action = "acknowledge"


class StartFixForm(ActionForm):
    action = "start_fix"


class ReportFixForm(ActionForm):
    action = "report_fix"
    photos = MultipleFileField(label=_("整改后照片"), camera=True, help_text=_("至少一张；手机可直接拍照"))
    note = _note(_("整改情况"))


class CoordinateDoneForm(ActionForm):
    action = "coordinate_done"
    photos = MultipleFileField(label=_("整改后照片"), camera=True)
    note = _note(_("协调结果"), required=True)


class VerifyForm(ActionForm):
    """核查: pass → closed; fail → back to fixing (返工), which needs a reason and a photo."""

    action = "verify"
    result = forms.ChoiceField(label=_("核查结果"), choices=VerifyResult.choices, widget=forms.RadioSelect)
    photos = MultipleFileField(label=_("核查照片"), camera=True, required=False)
    note = _note(_("核查意见"))

    def clean(self):
        data = super().clean()
        if data.get("result") == VerifyResult.FAILED:
            if not data.get("note"):
                self.add_error("note", _("核查不通过须写明原因。"))
            if not data.get("photos"):
                self.add_error("photos", _("核查不通过须上传至少一张核查照片。"))
        return data

    def service_action(self):
        return "verify" if self.cleaned_data["result"] == VerifyResult.PASSED else "rework"


class TransferForm(ActionForm):
    action = "transfer"
    note = _note(_("退回理由"), required=True)


class RejectTransferForm(ActionForm):
    action = "reject_transfer"
    note = _note(_("驳回理由"), required=True)


class RequestExtensionForm(ActionForm):
    action = "request_extension"
    deadline = forms.DateTimeField(
        label=_("申请延至"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    note = _note(_("延期理由"), required=True)

    def params(self):
        return {"deadline": self.cleaned_data["deadline"]}


class ApproveExtensionForm(ActionForm):
    action = "approve_extension"
    deadline = forms.DateTimeField(
        label=_("批准延至"), required=False, help_text=_("不填则按申请的日期"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )  # fmt: skip
    note = _note()

    def params(self):
        return {"deadline": self.cleaned_data["deadline"]} if self.cleaned_data.get("deadline") else {}


class RefuseExtensionForm(ActionForm):
    action = "refuse_extension"
    note = _note(_("不予延期理由"), required=True)


class ParkForm(ActionForm):
    action = "park"
    park_until = forms.DateField(label=_("计划完成日期"), widget=forms.DateInput(attrs={"type": "date"}))
    note = _note(_("整改计划"), required=True, rows=3)

    def params(self):
        return {"park_until": self.cleaned_data["park_until"]}


class UnparkForm(ActionForm):
    action = "unpark"


class ReopenForm(ActionForm):
    action = "reopen"
    reason = forms.ChoiceField(label=_("原因"), choices=ReopenReason.choices)
    photos = MultipleFileField(label=_("现场照片"), camera=True, required=False)
    note = _note(_("情况说明"), required=True)

    def params(self):
        return {"reason": self.cleaned_data["reason"]}


class AssignPersonForm(ActionForm):
    action = "assign_person"
    person = PersonChoiceField(label=_("责任人"), queryset=None)

    def __init__(self, *args, **kwargs):
        from wenming.accounts.scope import _unit_descendants
        from wenming.org.models import Person, Unit

        super().__init__(*args, **kwargs)
        people = Person.objects.active().select_related("unit").order_by("unit_id", "name")
        if self.case.unit_id:
            people = people.filter(unit_id__in=_unit_descendants(Unit, {self.case.unit_id}))
        self.fields["person"].queryset = people
        self.fields["person"].empty_label = "— " + str(_("请选择")) + " —"

    def params(self):
        return {"person": self.cleaned_data["person"]}


class RemindForm(ActionForm):
    action = "remind"
    note = _note(_("催办内容"))


class SatisfactionForm(ActionForm):
    action = "record_satisfaction"
    satisfaction = forms.ChoiceField(
        label=_("满意度"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )

    def params(self):
        return {"satisfaction": self.cleaned_data["satisfaction"]}


class CommentForm(ActionForm):
    action = "comment"
    note = _note(_("备注"), required=True)
    photos = MultipleFileField(label=_("照片"), required=False)


ACTION_FORMS: dict[str, type[ActionForm]] = {
    f.action: f
    for f in (
        RegisterForm, RejectForm, MergeForm, DispatchForm, AcknowledgeForm, StartFixForm, ReportFixForm,
        CoordinateDoneForm, VerifyForm, TransferForm, RejectTransferForm, RequestExtensionForm,
        ApproveExtensionForm, RefuseExtensionForm, ParkForm, UnparkForm, ReopenForm, AssignPersonForm,
        RemindForm, SatisfactionForm, CommentForm,
    )
}  # fmt: skip
# The form that serves each workflow action (核查通过 and 返工 share one form with a pass/fail choice).
FORM_FOR_ACTION = {**{name: name for name in ACTION_FORMS}, "rework": "verify"}


# --- lists ------------------------------------------------------------------------------------------------


class BulkDispatchForm(forms.Form):
    """Office: dispatch the selected rows to one unit (or each by routing when left empty)."""

    cases = forms.TypedMultipleChoiceField(label=_("案件"), coerce=int, choices=())
    unit = forms.ModelChoiceField(label=_("责任单位"), queryset=None, required=False)
    person = PersonChoiceField(label=_("责任人"), queryset=None, required=False)
    note = forms.CharField(label=_("说明"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        from wenming.org.models import Person, Unit

        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.active().order_by("level", "code")
        self.fields["unit"].empty_label = "— " + str(_("按派遣规则逐件自动确定")) + " —"
        self.fields["person"].queryset = (
            Person.objects.active().select_related("unit").order_by("unit_id", "name")
        )
        self.fields["person"].empty_label = "—"
        self.fields["cases"].error_messages["required"] = _("请至少勾选一个案件。")

    def full_clean(self):
        # Any id may be posted (the choices are not enumerated); the view looks them up in the user's scope.
        raw = self.data.getlist(self.add_prefix("cases")) if hasattr(self.data, "getlist") else []
        self.fields["cases"].choices = [(value, value) for value in raw]
        super().full_clean()


class SavedFilterForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=60)
    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)


class KpiFormulaForm(forms.Form):
    """The office's composite score formulas (综合考核公式); names are the KPI codes or their Chinese labels."""

    name = forms.CharField(label=_("名称"), max_length=80)
    expression = forms.CharField(
        label=_("公式"), max_length=500, widget=forms.Textarea(attrs={"rows": 2, "class": "mono"}),
        help_text=_("如：处置率*30 + 按期处置率*20 + (1-返工率)*20 + (1-超期待处置率)*20 + (1-延期率)*10"),
    )  # fmt: skip
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    order = forms.IntegerField(label=_("排序"), min_value=0, initial=0)

    def clean_expression(self):
        expression = self.cleaned_data["expression"].strip()
        try:
            kpis.validate_kpi_formula(expression)  # core.formulas.validate_formula over the KPI names
        except ValidationError as exc:
            raise ValidationError(exc.messages)
        return expression
