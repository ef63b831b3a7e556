"""The form of a new day plan (the services own the rules; the form only shapes input)."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from wenming.planning.choices import TravelMode


class PlanForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(label=_("名称"), max_length=120, required=False)
    area = forms.ModelChoiceField(label=_("范围"), queryset=None, required=False, empty_label=_("全区"))
    travel_mode = forms.ChoiceField(label=_("出行方式"), choices=TravelMode.choices, initial=TravelMode.WALK)
    shift_start = forms.TimeField(
        label=_("上班时间"), initial=datetime.time(8, 30), widget=forms.TimeInput(attrs={"type": "time"})
    )
    shift_end = forms.TimeField(
        label=_("下班时间"), initial=datetime.time(17, 30), widget=forms.TimeInput(attrs={"type": "time"})
    )
    inspectors = forms.ModelMultipleChoiceField(
        label=_("测评员"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    team_size = forms.TypedChoiceField(
        label=_("每组人数"), choices=[(1, "1"), (2, "2")], coerce=int, initial=2
    )
    start_lat = forms.FloatField(
        label=_("出发点纬度"),
        required=False,
        min_value=-90,
        max_value=90,
        help_text=_("留空为范围内点位的中心"),
    )
    start_lon = forms.FloatField(label=_("出发点经度"), required=False, min_value=-180, max_value=180)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from wenming.geo.choices import AreaLevel
        from wenming.geo.models import Area
        from wenming.inspections.forms import inspector_users

        self.fields["area"].queryset = Area.objects.filter(
            level__in=[AreaLevel.DISTRICT, AreaLevel.STREET]
        ).order_by("path")
        self.fields["inspectors"].queryset = inspector_users()

    end_lat = forms.FloatField(
        label=_("结束点纬度"), required=False, min_value=-90, max_value=90, help_text=_("留空为回到出发点")
    )
    end_lon = forms.FloatField(label=_("结束点经度"), required=False, min_value=-180, max_value=180)

    def clean(self):
        data = super().clean()
        if (data.get("start_lat") is None) != (data.get("start_lon") is None):
            raise forms.ValidationError(_("出发点的纬度和经度要同时填写。"))
        if (data.get("end_lat") is None) != (data.get("end_lon") is None):
            raise forms.ValidationError(_("结束点的纬度和经度要同时填写。"))
        return data


class VisitRuleForm(forms.Form):
    service_minutes = forms.IntegerField(label=_("每点耗时（分钟）"), min_value=1, max_value=480)
    windows = forms.CharField(
        label=_("巡查时段"),
        required=False,
        help_text=_("如 07:00-09:00, 17:00-19:00；留空为任意时间"),
    )
    coverage_days = forms.IntegerField(
        label=_("覆盖周期（天）"), required=False, min_value=1, max_value=365, help_text=_("留空为不要求")
    )

    def clean_windows(self):
        text = (
            (self.cleaned_data.get("windows") or "").replace("，", ",").replace("–", "-").replace("～", "-")
        )
        pairs = []
        for part in filter(None, (p.strip() for p in text.split(","))):
            bits = [b.strip() for b in part.split("-")]
            if len(bits) != 2:
                raise forms.ValidationError(_("时段格式应为 开始-结束，如 07:00-09:00。"))
            pairs.append(bits)
        return pairs
