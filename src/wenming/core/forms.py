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
