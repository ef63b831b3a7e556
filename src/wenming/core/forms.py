"""Forms of core's pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wenming.core.choices import DayKind


class CalendarDayForm(forms.Form):
    """The office's override of one date; the service validates kind against the weekday."""

    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("类型"), choices=DayKind.choices)
    name = forms.CharField(
        label=_("名称"), max_length=40, required=False, help_text=_("如：国庆节、国庆节调休")
    )


class CalendarImportForm(forms.Form):
    """A year's arrangement: the State Council's notice pasted as text, or an XLSX (日期, 类型, 名称)."""

    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    text = forms.CharField(
        label=_("通知正文"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 10, "placeholder": _("一、元旦：1月1日（周五）放假，与周末连休。……")}
        ),
        help_text=_("粘贴国务院办公厅关于部分节假日安排的通知全文"),
    )
    file = forms.FileField(
        label=_("或上传 XLSX"),
        required=False,
        help_text=_("第一行为列名：日期、类型（放假/上班）、名称（可选）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean(self):
        from wenming.core.holidays import NoticeError, parse_notice, parse_xlsx

        data = super().clean()
        year, text, upload = data.get("year"), (data.get("text") or "").strip(), data.get("file")
        if year is None:
            return data
        if not text and not upload:
            raise forms.ValidationError(_("请粘贴通知正文或上传 XLSX 文件。"))
        try:
            if text:
                data["days"] = parse_notice(text, year)
            else:
                if upload.size > 2 * 1024 * 1024:
                    raise NoticeError(_("文件不能超过 2 MB。"))
                data["days"] = parse_xlsx(upload.read(), year)
        except NoticeError as exc:
            raise forms.ValidationError(str(exc))
        return data
