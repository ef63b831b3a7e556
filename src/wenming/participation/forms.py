"""Forms of citizen participation: the public report form and follow-ups, and the office's triage actions.
They only shape input; the services decide (their errors are shown on the form)."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from wenming.cases.choices import Satisfaction
from wenming.core.choices import CoordSystem
from wenming.participation.choices import PositionSource


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos in one input (camera or album)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def public_category_choices():
    """Plain-language choices grouped by top category; "" = not sure, leave it to the office."""
    from wenming.standards.models import ProblemCategory

    groups: dict = {}
    for c in ProblemCategory.objects.public().select_related("parent").order_by("parent__order", "parent__code",
                                                                                   "order", "code"):  # fmt: skip
        groups.setdefault(c.parent.public_name or c.parent.name, []).append(
            (str(c.pk), c.public_name or c.name)
        )
    return [("", _("不确定，交给工作人员判断")), *groups.items()]


class ReportForm(forms.Form):
    photos = MultipleFileField(label=_("照片"), help_text=_("可拍照或从相册选择，最多 6 张"))
    category = forms.ChoiceField(label=_("问题类型"), required=False)
    description = forms.CharField(
        label=_("问题描述"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("如：枋湖路公交站旁垃圾堆放多日无人清运")}),
    )  # fmt: skip
    address = forms.CharField(
        label=_("地址或位置说明"), max_length=200, required=False,
        widget=forms.TextInput(attrs={"placeholder": _("可选，如：金尚路与仙岳路交叉口东北角")}),
    )  # fmt: skip
    lat = forms.CharField(required=False, widget=forms.HiddenInput)
    lon = forms.CharField(required=False, widget=forms.HiddenInput)
    coord_system = forms.ChoiceField(
        choices=CoordSystem.choices, initial=CoordSystem.WGS84, required=False, widget=forms.HiddenInput
    )
    position_source = forms.ChoiceField(
        choices=[(PositionSource.DEVICE, ""), (PositionSource.MAP, "")],
        required=False,
        widget=forms.HiddenInput,
    )
    reporter_name = forms.CharField(label=_("称呼（选填，不公开）"), max_length=60, required=False)
    reporter_phone = forms.CharField(
        label=_("手机号（选填，不公开）"), max_length=20, required=False,
        help_text=_("用于工作人员回访和积分查询，不会公开显示"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )  # fmt: skip
    consent = forms.BooleanField(label=_("我已阅读并同意《个人信息告知》"), required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = public_category_choices()
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)

    def clean_coord_system(self):
        return self.cleaned_data.get("coord_system") or CoordSystem.WGS84

    def clean_position_source(self):
        return self.cleaned_data.get("position_source") or PositionSource.DEVICE

    def category_object(self):
        from wenming.standards.models import ProblemCategory

        value = self.cleaned_data.get("category")
        return ProblemCategory.objects.public().filter(pk=int(value)).first() if value else None


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("查询码"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )


class SupportForm(forms.Form):
    phone = forms.CharField(label=_("手机号（选填）"), max_length=20, required=False)


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("问题仍然存在的情况"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = MultipleFileField(label=_("现场照片（选填）"))


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(label=_("您对处理结果是否满意"), choices=Satisfaction.choices,
                                     widget=forms.RadioSelect)  # fmt: skip


class PointsForm(forms.Form):
    phone = forms.CharField(
        label=_("手机号"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    code = forms.CharField(label=_("任一条上报的查询码"), max_length=20)


# --- office ---------------------------------------------------------------------------------------------------


class AcceptForm(forms.Form):
    category = forms.ModelChoiceField(label=_("问题类别"), queryset=None, required=False)
    area = forms.ModelChoiceField(label=_("所在区域（无坐标时必填）"), queryset=None, required=False)
    dispatch = forms.BooleanField(label=_("按派遣规则自动派遣"), required=False, initial=True)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        from wenming.geo.choices import AreaLevel
        from wenming.geo.models import Area
        from wenming.standards.models import ProblemCategory

        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = (
            ProblemCategory.objects.leaves()
            .select_related("parent")
            .order_by("parent__order", "order", "code")
        )
        self.fields["category"].label_from_instance = lambda c: f"{c.parent.name} / {c.name}"
        self.fields["area"].queryset = Area.objects.filter(
            level__in=[AreaLevel.STREET, AreaLevel.COMMUNITY, AreaLevel.GRID]
        ).order_by("code")


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("不予受理理由（群众可见）"), max_length=300)


class MergeForm(forms.Form):
    case = forms.CharField(label=_("合并到案件（编号）"), max_length=32)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class SpamForm(forms.Form):
    note = forms.CharField(label=_("说明（内部）"), max_length=300, required=False)


class ModerateForm(forms.Form):
    public_description = forms.CharField(
        label=_("公开描述"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("留空则公开原文；手机号、身份证号、车牌号会自动打码"),
    )  # fmt: skip
    description_hidden = forms.BooleanField(label=_("不公开描述"), required=False)


class RedactForm(forms.Form):
    hidden = forms.BooleanField(label=_("不公开此照片"), required=False)
    boxes = forms.CharField(
        label=_("打码区域"), required=False, max_length=500,
        help_text=_("每行一个区域：x,y,宽,高（占照片宽高的比例，0–1），如 0.1,0.2,0.3,0.2"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def clean_boxes(self):
        rows = [r.strip() for r in (self.cleaned_data.get("boxes") or "").splitlines() if r.strip()]
        out = []
        for row in rows:
            parts = [p.strip() for p in row.replace("，", ",").split(",")]
            if len(parts) != 4:
                raise forms.ValidationError(_("每行应为 4 个数：x,y,宽,高。"))
            out.append(parts)
        return out


class ClientForm(forms.Form):
    name = forms.CharField(label=_("客户端名称"), max_length=80)
    contact = forms.CharField(label=_("联系人/说明"), max_length=200, required=False)
    hourly_limit = forms.IntegerField(
        label=_("每小时提交上限（每个 IP）"), min_value=1, max_value=100_000, initial=600
    )
