"""Forms feeding the surveys services (the services own the rules; forms only shape the input)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from wenming.surveys.choices import (
    RESIDENCE_MIN_MONTHS,
    DesignMode,
    ExampleKind,
    QuestionKind,
    Scale,
    StratumLevel,
    TrainingKind,
)

DATE = {"type": "date"}


class QuestionnaireForm(forms.Form):
    title = forms.CharField(label=_("问卷名称"), max_length=200)
    intro = forms.CharField(label=_("卷首语"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("向受访者说明调查目的、匿名和用时，显示在问卷开头"))  # fmt: skip
    min_age = forms.IntegerField(label=_("最小年龄"), min_value=1, max_value=120, initial=18)
    max_age = forms.IntegerField(label=_("最大年龄"), min_value=1, max_value=120, initial=65)
    min_residence_months = forms.TypedChoiceField(
        label=_("最短居住时间（月）"), coerce=int, initial=6,
        choices=[(m, _("%(m)d 个月") % {"m": m}) for m in sorted(set(RESIDENCE_MIN_MONTHS.values()))],
    )  # fmt: skip


class QuestionCreateForm(forms.Form):
    code = forms.CharField(label=_("题号"), max_length=20)
    text = forms.CharField(label=_("题目"), widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(label=_("题型"), choices=QuestionKind.choices)
    scale = forms.ChoiceField(label=_("量表"), choices=Scale.choices, initial=Scale.THREE,
                              help_text=_("按题型和量表生成默认选项与分值，创建后可修改"))  # fmt: skip
    required = forms.BooleanField(label=_("必答"), required=False, initial=True)
    help_text = forms.CharField(label=_("填写说明"), max_length=200, required=False)


class QuestionEditForm(QuestionCreateForm):
    """The question plus its option rows (`opt_label_<i>`, `opt_value_<i>`, `opt_score_<i>`,
    `opt_positive_<i>`, `opt_valid_<i>`); empty rows are dropped."""

    reset_options = forms.BooleanField(label=_("按题型和量表重置选项"), required=False)

    def __init__(self, *args, question=None, extra_rows: int = 2, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scale"].help_text = ""
        self.question = question
        existing = list(question.options) if question is not None else []
        self.row_count = max(len(existing) + extra_rows, 2)
        self.initial_rows = existing

    def option_rows(self) -> list[dict]:
        rows = []
        for i in range(self.row_count):
            if self.is_bound:
                data = self.data
                row = {"label": data.get(f"opt_label_{i}", ""), "value": data.get(f"opt_value_{i}", ""),
                       "score": data.get(f"opt_score_{i}", ""), "positive": bool(data.get(f"opt_positive_{i}")),
                       "valid": bool(data.get(f"opt_valid_{i}"))}  # fmt: skip
            elif i < len(self.initial_rows):
                o = self.initial_rows[i]
                row = {"label": o["label"], "value": o["value"], "score": "" if o.get("score") is None else o["score"],
                       "positive": o.get("positive", False), "valid": o.get("valid", True)}  # fmt: skip
            else:
                row = {"label": "", "value": "", "score": "", "positive": False, "valid": True}
            rows.append({"index": i, **row})
        return rows

    def options(self) -> list[dict] | None:
        """The options as posted (None = reset to the default set of the kind and scale)."""
        if self.cleaned_data.get("reset_options"):
            return None
        if self.cleaned_data.get("kind") == QuestionKind.TEXT:
            return []
        return [
            {"label": r["label"].strip(), "value": r["value"].strip() or str(r["index"] + 1), "score": r["score"],
             "positive": r["positive"], "valid": r["valid"]}
            for r in self.option_rows()
            if r["label"].strip()
        ]  # fmt: skip


def interviewer_candidates():
    from wenming.accounts.models import User

    return User.objects.filter(is_active=True).order_by("username")


class WaveForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=120)
    questionnaire = forms.ModelChoiceField(label=_("问卷"), queryset=None)
    period_start = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs=DATE))
    period_end = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs=DATE))
    stratum_level = forms.ChoiceField(label=_("分层单位"), choices=StratumLevel.choices)
    areas = forms.ModelMultipleChoiceField(
        label=_("分层区域"), queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("不选则为该层级的全部区域"),
    )  # fmt: skip
    design = forms.ChoiceField(label=_("样本量设计"), choices=DesignMode.choices)
    margin_percent = forms.DecimalField(label=_("允许误差（±%）"), min_value=Decimal("0.5"), max_value=Decimal("20"),
                                        decimal_places=1, initial=Decimal("5"))  # fmt: skip
    confidence_percent = forms.TypedChoiceField(
        label=_("置信度"), coerce=Decimal, initial="95",
        choices=[("90", "90%"), ("95", "95%"), ("99", "99%")],
    )  # fmt: skip
    expected_p_percent = forms.DecimalField(label=_("预估比例（%）"), min_value=Decimal("1"), max_value=Decimal("99"),
                                            decimal_places=1, initial=Decimal("50"),
                                            help_text=_("不确定时取 50%（样本量最大、最保守）"))  # fmt: skip
    quota = forms.IntegerField(label=_("每区域配额"), min_value=1, max_value=100000, required=False,
                               help_text=_("固定配额方式：如每社区 20 户"))  # fmt: skip
    use_fpc = forms.BooleanField(label=_("有限总体校正"), required=False, initial=True)
    open_to_inspectors = forms.BooleanField(label=_("督查员均可采集"), required=False, initial=True)
    public_link = forms.BooleanField(label=_("开放扫码自填"), required=False, initial=True)
    interviewers = forms.ModelMultipleChoiceField(
        label=_("指定调查员"), queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("除督查员外，另行指定的调查员（如第三方机构人员、社区工作者）"),
    )  # fmt: skip
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from wenming.geo.models import Area
        from wenming.surveys.models import Questionnaire

        self.fields["questionnaire"].queryset = Questionnaire.objects.order_by("-created_at")
        self.fields["areas"].queryset = Area.objects.filter(level__in=StratumLevel.values).order_by("code")
        self.fields["interviewers"].queryset = interviewer_candidates()

    def service_args(self) -> dict:
        d = self.cleaned_data
        return {
            "name": d["name"], "questionnaire": d["questionnaire"], "period_start": d["period_start"],
            "period_end": d["period_end"], "stratum_level": d["stratum_level"], "design": d["design"],
            "margin": d["margin_percent"] / 100, "confidence": d["confidence_percent"] / 100,
            "expected_p": d["expected_p_percent"] / 100, "quota": d["quota"], "use_fpc": d["use_fpc"],
            "open_to_inspectors": d["open_to_inspectors"], "public_link": d["public_link"], "note": d["note"],
        }  # fmt: skip

    @staticmethod
    def initial_for(wave) -> dict:
        return {
            "name": wave.name, "questionnaire": wave.questionnaire_id, "period_start": wave.period_start,
            "period_end": wave.period_end, "stratum_level": wave.stratum_level, "design": wave.design,
            "areas": [s.area_id for s in wave.strata.all()], "margin_percent": wave.margin * 100,
            "confidence_percent": str(int(wave.confidence * 100)), "expected_p_percent": wave.expected_p * 100,
            "quota": wave.quota, "use_fpc": wave.use_fpc, "open_to_inspectors": wave.open_to_inspectors,
            "public_link": wave.public_link, "interviewers": list(wave.interviewers.values_list("pk", flat=True)),
            "note": wave.note,
        }  # fmt: skip


class ImportForm(forms.Form):
    file = forms.FileField(label=_("答卷文件（XLSX/CSV）"))


class SessionForm(forms.Form):
    topic = forms.CharField(label=_("培训主题"), max_length=200)
    kind = forms.ChoiceField(label=_("形式"), choices=TrainingKind.choices)
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs=DATE))
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    trainer = forms.CharField(label=_("主讲/带队"), max_length=120, required=False)
    description = forms.CharField(
        label=_("内容摘要"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    audience_units = forms.ModelMultipleChoiceField(
        label=_("参训单位"), queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    point_types = forms.ModelMultipleChoiceField(
        label=_("观摩点位类型"), queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("实地考察分类观摩时选择，详情页会列出这些类型的正反典型"),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from wenming.org.models import Unit
        from wenming.standards.models import PointType

        self.fields["audience_units"].queryset = Unit.objects.active().order_by("level", "code")
        self.fields["point_types"].queryset = PointType.objects.order_by("order", "code")

    @staticmethod
    def initial_for(session) -> dict:
        return {
            "topic": session.topic, "kind": session.kind, "date": session.date, "place": session.place,
            "trainer": session.trainer, "description": session.description,
            "audience_units": list(session.audience_units.values_list("pk", flat=True)),
            "point_types": list(session.point_types.values_list("pk", flat=True)),
        }  # fmt: skip


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=200, required=False, help_text=_("留空则用文件名"))
    file = forms.FileField(label=_("文件"))


class QuizForm(forms.Form):
    title = forms.CharField(label=_("测验名称"), max_length=200)
    pass_score = forms.DecimalField(
        label=_("及格分"), min_value=0, max_value=100, decimal_places=1, initial=60
    )
    is_open = forms.BooleanField(label=_("开放作答"), required=False, initial=True)
    text = forms.CharField(
        label=_("题目"), widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("每题之间空一行；第一行是题目，其后每行一个选项，正确选项前加 *（可多个）。每题分值相同。"),
    )  # fmt: skip


class ExampleForm(forms.Form):
    point_type = forms.ModelChoiceField(label=_("点位类型"), queryset=None)
    kind = forms.ChoiceField(label=_("类型"), choices=ExampleKind.choices)
    title = forms.CharField(label=_("标题"), max_length=200)
    criterion = forms.ModelChoiceField(label=_("测评标准"), queryset=None, required=False,
                                       help_text=_("该示例说明的测评标准（须适用于所选点位类型）"))  # fmt: skip
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    point_code = forms.CharField(label=_("示范/问题点位编码"), max_length=40, required=False)
    is_published = forms.BooleanField(label=_("发布"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from wenming.standards.models import Criterion, PointType

        self.fields["point_type"].queryset = PointType.objects.order_by("order", "code")
        self.fields["criterion"].queryset = Criterion.objects.filter(standard_set__is_active=True).order_by(
            "standard_set_id", "order", "code"
        )

    def clean_point_code(self):
        from wenming.geo.models import Point

        code = self.cleaned_data["point_code"].strip()
        if not code:
            return None
        point = Point.objects.filter(code=code).first()
        if point is None:
            raise forms.ValidationError(_("没有编码为「%(c)s」的点位。") % {"c": code})
        return point

    def service_args(self) -> dict:
        d = self.cleaned_data
        return {"point_type": d["point_type"], "kind": d["kind"], "title": d["title"], "criterion": d["criterion"],
                "description": d["description"], "point": d["point_code"], "is_published": d["is_published"]}  # fmt: skip

    @staticmethod
    def initial_for(example) -> dict:
        return {"point_type": example.point_type_id, "kind": example.kind, "title": example.title,
                "criterion": example.criterion_id, "description": example.description,
                "point_code": example.point.code if example.point_id else "", "is_published": example.is_published}  # fmt: skip
