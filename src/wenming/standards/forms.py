from django import forms
from django.utils.translation import gettext_lazy as _

from wenming.standards.services import format_from_name


class StandardImportForm(forms.Form):
    """Upload a standard file (XLSX template or YAML) to import as a new set."""

    file = forms.FileField(label=_("测评体系文件"), help_text=_("Excel 模板（.xlsx）或 YAML（.yaml）"))
    activate = forms.BooleanField(label=_("导入后立即启用"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not format_from_name(upload.name):
            raise forms.ValidationError(_("只接受 .xlsx、.yaml 或 .yml 文件。"))
        return upload
