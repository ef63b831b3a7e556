"""ModelForms for the organisation registry; the views save through `org.services`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wenming.org.models import Person, SpecialGroup, Unit


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["code", "name", "short_name", "level", "parent", "contact_phone", "address", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Unit.objects.order_by("level", "code")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].help_text = _("上级单位不能是本单位或其下级单位。")


class SpecialGroupForm(forms.ModelForm):
    class Meta:
        model = SpecialGroup
        fields = ["code", "name", "theme", "lead_unit", "member_units", "order"]
        widgets = {
            "member_units": forms.SelectMultiple(attrs={"size": 12}),
            "theme": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.order_by("level", "code")
        self.fields["lead_unit"].queryset = units
        self.fields["member_units"].queryset = units
        self.fields["member_units"].help_text = _("按住 Ctrl（Mac 为 ⌘）可多选。")


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["name", "unit", "title", "phone", "is_active"]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.order_by("level", "code")
