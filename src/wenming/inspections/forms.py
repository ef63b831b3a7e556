"""Forms feeding the inspections services (the services own the rules; forms only shape input)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wenming.geo.models import Point
from wenming.inspections.choices import CampaignKind, RoundKind, SamplingMode
from wenming.standards.models import ProblemCategory


def inspector_users():
    from wenming.accounts.models import User

    return (
        User.objects.filter(is_active=True, memberships__role="inspector", memberships__is_active=True)
        .distinct()
        .order_by("username")
    )


class RoundForm(forms.Form):
    """Plan a round: kind, dates, standard, scope, sampling plan (a count per point type), inspectors."""

    kind = forms.ChoiceField(label=_("轮次类型"), choices=RoundKind.choices)
    name = forms.CharField(label=_("名称"), max_length=120)
    period_start = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}))
    test_date = forms.DateField(
        label=_("测评日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("正式测评（国家/省/市）事后录入时填写实际测评日期"),
    )
    standard_set = forms.ModelChoiceField(label=_("测评体系"), queryset=None)
    area = forms.ModelChoiceField(label=_("测评范围"), queryset=None, required=False, empty_label=_("全区"))
    mode = forms.ChoiceField(
        label=_("抽样方式"), choices=SamplingMode.choices, initial=SamplingMode.STRATIFIED
    )
    point_codes = forms.CharField(
        label=_("指定点位编码"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("抽样方式为“指定点位清单”时填写，每行或逗号分隔一个编码"),
    )
    seed = forms.IntegerField(
        label=_("随机种子"),
        required=False,
        min_value=1,
        max_value=2**62,
        help_text=_("留空则随机生成；记录在轮次中，可重现抽样结果"),
    )
    inspectors = forms.ModelMultipleChoiceField(
        label=_("测评员"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    team_size = forms.IntegerField(label=_("每组人数"), min_value=1, max_value=6, initial=2)
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, point_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        from wenming.geo.choices import AreaLevel
        from wenming.geo.models import Area
        from wenming.standards.models import StandardSet

        self.fields["standard_set"].queryset = StandardSet.objects.all()
        self.fields["area"].queryset = Area.objects.filter(level__in=[AreaLevel.DISTRICT, AreaLevel.STREET])
        self.fields["inspectors"].queryset = inspector_users()
        self.point_types = list(point_types)
        for pt in self.point_types:
            self.fields[f"type_{pt.code}"] = forms.IntegerField(
                label=pt.name, required=False, min_value=0, max_value=10_000
            )

    def type_fields(self):
        return [self[f"type_{pt.code}"] for pt in self.point_types]

    def plan(self) -> dict:
        data = self.cleaned_data
        if data["mode"] == SamplingMode.EXPLICIT:
            codes = [
                c.strip() for c in data["point_codes"].replace(",", "\n").replace("，", "\n").splitlines()
            ]
            return {"mode": data["mode"], "point_codes": [c for c in codes if c]}
        per_type = {pt.code: data.get(f"type_{pt.code}") or 0 for pt in self.point_types}
        return {"mode": data["mode"], "per_type": {k: v for k, v in per_type.items() if v}}

    @classmethod
    def initial_for(cls, round_) -> dict:
        plan = round_.sampling_plan or {}
        initial = {
            "kind": round_.kind,
            "name": round_.name,
            "period_start": round_.period_start,
            "period_end": round_.period_end,
            "test_date": round_.test_date,
            "standard_set": round_.standard_set_id,
            "area": round_.area_id,
            "mode": plan.get("mode", SamplingMode.RANDOM),
            "point_codes": "\n".join(plan.get("point_codes", [])),
            "seed": round_.seed,
            "inspectors": [m.user_id for m in round_.inspectors.all()],
            "team_size": 2,
            "note": round_.note,
        }
        for code, count in (plan.get("per_type") or {}).items():
            initial[f"type_{code}"] = count
        return initial


class CampaignForm(forms.Form):
    """A time-boxed campaign; saved by `services.campaigns.save_campaign`."""

    name = forms.CharField(label=_("名称"), max_length=120)
    kind = forms.ChoiceField(label=_("类型"), choices=CampaignKind.choices)
    start_date = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}))
    categories = forms.ModelMultipleChoiceField(
        label=_("目标问题类别"), required=False, queryset=ProblemCategory.objects.order_by("code"),
        help_text=_("选一级类别即包含其下全部二级类别；不选表示全部类别"),
    )  # fmt: skip
    points = forms.ModelMultipleChoiceField(
        label=_("目标点位"), required=False, queryset=Point.objects.order_by("code"),
        help_text=_("不选表示全区所有点位和位置"),
    )  # fmt: skip
    goal_close_rate = forms.DecimalField(
        label=_("目标办结率（%）"), required=False, min_value=0, max_value=100
    )
    goal_compliance_rate = forms.DecimalField(
        label=_("目标点位符合率（%）"), required=False, min_value=0, max_value=100
    )
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
