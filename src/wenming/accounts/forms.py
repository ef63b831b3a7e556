"""Forms for account pages. They only validate input; the writes are `accounts.services` calls."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wenming.accounts.choices import Role


def _person_field():
    from wenming.org.models import Person

    field = forms.ModelChoiceField(
        Person.objects.select_related("unit").order_by("unit__name", "name"),
        label=_("对应人员"),
        required=False,
        empty_label=_("（无）"),
        help_text=_("账号对应的责任人（网格员、点位责任人等），用于“我负责的”范围。"),
    )
    field.label_from_instance = lambda p: f"{p.name}（{p.unit.name}）"
    return field


def _scope_fields() -> dict:
    from wenming.geo.models import Area
    from wenming.org.models import SpecialGroup, Unit

    area = forms.ModelChoiceField(
        Area.objects.order_by("code"),
        label=_("区域"),
        required=False,
        empty_label=_("（无）"),
        help_text=_("街道、社区工作人员和网格员必填；含下级区域。"),
    )
    area.label_from_instance = lambda a: f"{a.name}（{a.get_level_display()} {a.code}）"
    return {
        "unit": forms.ModelChoiceField(
            Unit.objects.order_by("level", "code"),
            label=_("单位"),
            required=False,
            empty_label=_("（无）"),
            help_text=_("责任单位经办人必填；含下级单位。"),
        ),
        "area": area,
        "special_group": forms.ModelChoiceField(
            SpecialGroup.objects.all(),
            label=_("专项组"),
            required=False,
            empty_label=_("（无）"),
            help_text=_("专项组负责人必填。"),
        ),
    }


class PasswordPairMixin:
    """Two password inputs that must match; strength is checked by the service (password validators)."""

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        return data


class UserCreateForm(PasswordPairMixin, forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    display_name = forms.CharField(label=_("显示名称"), max_length=60, required=False)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    password1 = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("确认密码"), widget=forms.PasswordInput, strip=False)
    role = forms.ChoiceField(
        label=_("初始角色"), choices=[("", _("（暂不授权）")), *Role.choices], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = _person_field()
        self.fields.update(_scope_fields())


class UserEditForm(forms.Form):
    display_name = forms.CharField(label=_("显示名称"), max_length=60, required=False)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    is_active = forms.BooleanField(
        label=_("启用"), required=False, help_text=_("停用后无法登录，API 令牌作废。")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = _person_field()


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    is_third_party = forms.BooleanField(label=_("第三方测评机构"), required=False)
    valid_until = forms.DateField(
        label=_("有效期至"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("留空表示长期有效。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_scope_fields())


class AdminSetPasswordForm(PasswordPairMixin, forms.Form):
    password1 = forms.CharField(label=_("新密码"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("确认新密码"), widget=forms.PasswordInput, strip=False)


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("显示名称"), max_length=60, required=False)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)


class UnlockForm(forms.Form):
    username = forms.CharField(label=_("用户名"), required=False)
    ip_address = forms.GenericIPAddressField(label=_("IP 地址"), required=False)
