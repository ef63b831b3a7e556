"""Forms for places. Forms validate input; the services write (and have the last word on validity)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wenming.core.choices import CoordSystem
from wenming.geo.choices import AreaLevel
from wenming.geo.models import Area, Duty, Point


class PointForm(forms.ModelForm):
    coord_system = forms.ChoiceField(
        label=_("坐标系"), choices=CoordSystem.choices, initial=CoordSystem.WGS84,
        help_text=_("所填经纬度的坐标系；保存时统一转换为 WGS-84。高德/腾讯/微信地图取的点选 GCJ-02，百度选 BD-09。"),
    )  # fmt: skip
    area = forms.ModelChoiceField(
        label=_("所在区域"), queryset=Area.objects.none(), required=False,
        help_text=_("留空则按位置自动判定所在区域（点落在哪个网格/社区的边界内）。"),
    )  # fmt: skip

    class Meta:
        model = Point
        fields = [
            "code", "name", "point_type", "address", "lat", "lon", "coord_system", "area", "responsible_unit",
            "guarantor_unit", "responsible_person", "status", "note",
        ]  # fmt: skip
        labels = {"lat": _("纬度"), "lon": _("经度")}
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.order_by("code")
        self.fields["area"].label_from_instance = lambda a: f"{a.code} {a.name}（{a.get_level_display()}）"
        self.fields["responsible_person"].queryset = self.fields[
            "responsible_person"
        ].queryset.select_related("unit")
        self.fields["responsible_person"].label_from_instance = lambda p: f"{p.name}（{p.unit.name}）"
        # Positions are shown in WGS-84 (as stored), so the form's system starts as WGS-84.
        self.initial["coord_system"] = CoordSystem.WGS84
        if self.instance.pk:
            self.initial["area"] = self.instance.area_id if self.instance.area_overridden else None
        for name in ("lat", "lon"):
            self.fields[name].widget.attrs.update(step="any")

    def _post_clean(self):
        # The service converts and validates the position; skip the model's own pass over raw input.
        pass


class AreaForm(forms.ModelForm):
    parent = forms.ModelChoiceField(label=_("上级区域"), queryset=Area.objects.none(), required=False)
    boundary_file = forms.FileField(
        label=_("边界文件（GeoJSON）"), required=False,
        help_text=_("上传 WGS-84 的 GeoJSON Polygon/MultiPolygon（或包含它的 Feature）以替换边界。"),
    )  # fmt: skip

    class Meta:
        model = Area
        fields = ["name", "population", "households", "unit", "description", "boundary_is_synthetic"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = self.fields["unit"].queryset.order_by("level", "code")
        wanted = {v: k for k, v in {AreaLevel.DISTRICT: AreaLevel.STREET, AreaLevel.STREET: AreaLevel.COMMUNITY,
                                    AreaLevel.COMMUNITY: AreaLevel.GRID}.items()}.get(self.instance.level)  # fmt: skip
        if wanted:
            self.fields["parent"].queryset = Area.objects.filter(level=wanted).exclude(
                path__startswith=self.instance.path
            )
            self.fields["parent"].required = True
        else:
            del self.fields["parent"]
        if "parent" in self.fields:
            self.initial["parent"] = self.instance.parent_id

    def clean_boundary_file(self):
        upload = self.cleaned_data.get("boundary_file")
        if not upload:
            return None
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("边界文件过大（上限 5 MB）。"))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("边界文件必须是 UTF-8 编码的 GeoJSON。"))

    def _post_clean(self):
        pass


class DutyForm(forms.ModelForm):
    class Meta:
        model = Duty
        fields = ["person", "post", "area", "point", "category", "responsibilities", "start_date", "end_date"]
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"}),
                   "end_date": forms.DateInput(attrs={"type": "date"})}  # fmt: skip
        help_texts = {"area": _("区域、点位、问题类别至少填写一项。")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = self.fields["person"].queryset.select_related("unit")
        self.fields["person"].label_from_instance = lambda p: f"{p.name}（{p.unit.name}）"
        self.fields["area"].queryset = Area.objects.order_by("code")
        self.fields["area"].label_from_instance = lambda a: f"{a.code} {a.name}（{a.get_level_display()}）"
        self.fields["point"].queryset = Point.objects.order_by("code").only("id", "code", "name")
        self.fields["point"].label_from_instance = lambda p: f"{p.code} {p.name}"
        self.fields["start_date"].required = False

    def _post_clean(self):
        pass


class DutyEndForm(forms.Form):
    end_date = forms.DateField(
        label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class PointImportForm(forms.Form):
    file = forms.FileField(label=_("点位文件（XLSX 或 CSV）"))
    update_existing = forms.BooleanField(
        label=_("更新已有点位"), required=False,
        help_text=_("勾选后，文件中已存在的点位编码将更新该点位；不勾选则已存在的编码视为错误，整个文件不导入。"),
    )  # fmt: skip


class RosterImportForm(forms.Form):
    file = forms.FileField(label=_("文件（XLSX 或 CSV）"))
