"""Parameter forms of the score pages and API (one validation, Chinese errors) and the theme form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wenming.scoring import bases
from wenming.scoring.choices import Dimension
from wenming.scoring.deductions import PERIOD_HELP, PeriodError, parse_period
from wenming.scoring.figures import rankable_rounds


class RoundChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name}（{obj.get_kind_display()} · {obj.get_state_display()}）"


def _round_field(label, required=False):
    return RoundChoiceField(
        queryset=rankable_rounds(),
        required=required,
        label=label,
        empty_label=_("（默认：最近结束的轮次）"),
        error_messages={"invalid_choice": _("所选轮次不存在或尚未开始。")},
    )


class RankingParamsForm(forms.Form):
    """?round=&dimension=&compare= for the rankings page and API."""

    round = _round_field(_("轮次"))
    dimension = forms.ChoiceField(
        label=_("维度"),
        choices=Dimension.choices,
        required=False,
        error_messages={"invalid_choice": _("维度应为：street、community、unit、group、type 之一。")},
    )
    compare = _round_field(_("对比轮次"))
    basis = forms.ChoiceField(label=_("排名依据"), choices=bases.CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compare"].empty_label = _("（不对比）")

    def clean_dimension(self):
        return self.cleaned_data.get("dimension") or Dimension.STREET

    def clean(self):
        data = super().clean()
        if data.get("round") and data.get("compare") and data["round"].pk == data["compare"].pk:
            self.add_error("compare", _("对比轮次不能与当前轮次相同。"))
        return data


class DrillParamsForm(forms.Form):
    """?round=&dimension=&key= — the points behind one figure."""

    round = _round_field(_("轮次"))
    dimension = forms.ChoiceField(label=_("维度"), choices=Dimension.choices, required=False)
    key = forms.IntegerField(label=_("对象"), required=False, min_value=1)


class SourceParamsForm(forms.Form):
    """?round= or ?period= (not both) for the 易扣分点 page and API; neither = the latest closed round."""

    round = _round_field(_("轮次"))
    period = forms.CharField(label=_("统计期"), required=False, max_length=40, help_text=PERIOD_HELP)
    order = forms.ChoiceField(
        label=_("排序"), required=False, choices=[("lost", _("按失分")), ("count", _("按次数"))]
    )

    def clean_period(self):
        text = (self.cleaned_data.get("period") or "").strip()
        if not text:
            return None
        try:
            return parse_period(text)
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self):
        data = super().clean()
        if data.get("round") and data.get("period"):
            raise forms.ValidationError(_("请只选择轮次或统计期之一。"))
        return data


class LossDetailForm(SourceParamsForm):
    criterion = forms.IntegerField(required=False, min_value=1)
    category = forms.CharField(required=False, max_length=40)
    theme = forms.IntegerField(required=False, min_value=1)


class TrackParamsForm(forms.Form):
    weeks = forms.IntegerField(label=_("周数"), required=False, min_value=1, max_value=104)


class DeductionThemeForm(forms.Form):
    name = forms.CharField(label=_("主题"), max_length=60)
    category_codes = forms.CharField(
        label=_("问题分类编码"),
        max_length=500,
        help_text=_("以逗号分隔，例如 ENV, ENV-01；一级编码包含其下全部二级分类"),
    )
    description = forms.CharField(label=_("说明"), max_length=300, required=False)
    order = forms.IntegerField(label=_("排序"), min_value=0, initial=0, required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)
