"""Forms of the bulletins app: one per action, feeding the services (which decide and validate)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wenming.bulletins import variables
from wenming.bulletins.choices import BulletinKind, RuleKind, Subject
from wenming.bulletins.models import AppraisalScheme
from wenming.cases.kpis import PERIOD_HELP
from wenming.scoring.bases import CHOICES as RANKING_BASES
from wenming.scoring.bases import DEFAULT as DEFAULT_BASIS


class BulletinCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("通报类型"), choices=BulletinKind.choices)
    period_code = forms.CharField(
        label=_("统计期间"), required=False, max_length=40, help_text=PERIOD_HELP,
        widget=forms.TextInput(attrs={"placeholder": "2026-10"}),
    )  # fmt: skip
    round = forms.ModelChoiceField(
        label=_("测评轮次"), queryset=None, required=False, help_text=_("实地测评督查通报必选")
    )
    theme = forms.ModelChoiceField(
        label=_("专项主题"), queryset=None, required=False, help_text=_("专项通报：主题或单位二选一")
    )
    subject_unit = forms.ModelChoiceField(label=_("专项通报单位"), queryset=None, required=False)
    title = forms.CharField(
        label=_("标题"), required=False, max_length=200, help_text=_("留空则按类型和期间自动拟定")
    )
    top_n = forms.IntegerField(label=_("红黑榜名额"), min_value=1, max_value=20, initial=3)
    ranking_basis = forms.ChoiceField(
        label=_("排名依据"), choices=RANKING_BASES, initial=DEFAULT_BASIS, required=False,
        help_text=_("符合率 = 符合的测评结果数 ÷ 适用的测评结果数；得分率 = 实得分 ÷ 应得分；平均得分 = 各点位得分的平均值"),
    )  # fmt: skip

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from wenming.inspections.models import Round
        from wenming.org.models import Unit
        from wenming.scoring.models import DeductionTheme

        self.fields["round"].queryset = (
            Round.objects.restrict(user, "view").exclude(state="draft").order_by("-period_end")
        )
        self.fields["theme"].queryset = DeductionTheme.objects.active()
        self.fields["subject_unit"].queryset = Unit.objects.restrict(user, "view").active()


class BulletinEditForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    issuer = forms.CharField(label=_("发文机关"), max_length=120)
    recipients = forms.ModelMultipleChoiceField(
        label=_("主送单位"), queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("按住 Ctrl 多选；留空则文中写“各街道、区直有关单位”"),
    )  # fmt: skip
    cc = forms.CharField(label=_("抄送"), max_length=300, required=False)
    summary = forms.CharField(label=_("总体情况"), widget=forms.Textarea(attrs={"rows": 8}), required=False,
                              help_text=_("由数据生成，可修改；重新生成数据时，未修改过的会随之更新"))  # fmt: skip
    requirements = forms.CharField(label=_("工作要求"), widget=forms.Textarea(attrs={"rows": 5}), required=False,
                                   help_text=_("每行一条"))  # fmt: skip
    remarks = forms.CharField(label=_("备注"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    top_n = forms.IntegerField(label=_("红黑榜名额"), min_value=1, max_value=20)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from wenming.org.models import Unit

        self.fields["recipients"].queryset = Unit.objects.restrict(user, "view").active()


class TransitionForm(forms.Form):
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )


# --- appraisal --------------------------------------------------------------------------------------------


def variable_choices():
    return [(v.code, f"{v.label}（{v.code}）") for v in variables.registry().values()]


class SchemeForm(forms.ModelForm):
    reward_text = forms.CharField(
        label=_("奖惩档次"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一档：“名次 1-3 = 5000 红榜奖励”或“得分 0-60 = -2000 扣罚”（元，负数为扣罚）；自上而下第一个符合的档次生效"),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk and not self.is_bound:
            from wenming.bulletins.appraisal import bands_text

            self.initial["reward_text"] = bands_text(self.instance.reward_bands)

    def clean_reward_text(self):
        from wenming.bulletins.appraisal import parse_bands

        try:
            return parse_bands(self.cleaned_data.get("reward_text", ""))
        except ValidationError as exc:
            raise ValidationError(exc.message_dict.get("reward_bands", exc.messages))

    class Meta:
        model = AppraisalScheme
        fields = ["name", "subject", "formula", "description", "missing_rate", "max_bonus", "max_deduction",
                  "min_score", "max_score", "is_active", "order"]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "formula": forms.TextInput(attrs={"size": 80}),
        }


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=RuleKind.choices)
    variable = forms.ChoiceField(label=_("计分变量"), choices=())
    points = forms.FloatField(label=_("每项分值"), min_value=0.0001)
    cap = forms.FloatField(label=_("本项上限"), required=False, min_value=0.0001)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["variable"].choices = variable_choices()


RuleFormSet = forms.formset_factory(RuleForm, extra=3, can_delete=True)


class RunForm(forms.Form):
    scheme = forms.ModelChoiceField(label=_("考核方案"), queryset=AppraisalScheme.objects.active())
    period_code = forms.CharField(label=_("考核期间"), max_length=40, help_text=PERIOD_HELP,
                                  widget=forms.TextInput(attrs={"placeholder": "2026-10"}))  # fmt: skip
    note = forms.CharField(label=_("备注"), required=False, max_length=500)


class AppealForm(forms.Form):
    reason = forms.CharField(label=_("申诉理由"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)


class AnswerForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("结论"), choices=[("1", _("申诉成立")), ("0", _("申诉不成立"))], coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )  # fmt: skip
    answer = forms.CharField(label=_("答复意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    adjustment = forms.FloatField(label=_("调整分值"), required=False, initial=0,
                                  help_text=_("申诉成立时可加减分，如 2 或 -1.5"))  # fmt: skip


SUBJECT_CHOICES = Subject.choices
