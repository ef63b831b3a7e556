"""Serializers for the accounts API. State (roles, scope) is read-only here; writes go through services."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from wenming.accounts.choices import Role
from wenming.accounts.models import Membership, User
from wenming.core.api.serializers import BlankableEmailField


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("用户名"))
    password = serializers.CharField(label=_("密码"), style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)
    expires_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("过期时间（空 = 永不过期）")
    )


class ApiTokenSerializer(serializers.Serializer):
    """An API token as its holder and the administrators see it: whose, issued, expiry — never the key."""

    user = serializers.IntegerField(source="user_id", help_text="令牌持有人（用户编号）；吊销时用它")
    username = serializers.CharField(source="user.username")
    display_name = serializers.CharField(source="user.display_name")
    issued_at = serializers.DateTimeField(source="created")
    expires_at = serializers.SerializerMethodField()
    expired = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DateTimeField(allow_null=True, help_text="到期时间；不限期为 null"))
    def get_expires_at(self, token):
        from wenming.accounts.services import token_expires_at

        expires = token_expires_at(token)
        return serializers.DateTimeField().to_representation(expires) if expires else None

    @extend_schema_field(serializers.BooleanField())
    def get_expired(self, token) -> bool:
        from wenming.accounts.services import token_expired

        return token_expired(token)


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class MembershipSerializer(serializers.ModelSerializer):
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    unit = RefSerializer(read_only=True, allow_null=True)
    area = RefSerializer(read_only=True, allow_null=True)
    special_group = RefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "role",
            "role_label",
            "unit",
            "area",
            "special_group",
            "is_third_party",
            "is_active",
            "valid_until",
        ]
        read_only_fields = fields


class MembershipGrantSerializer(serializers.Serializer):
    """Input of POST /users/{id}/grant/: a role and, where the role needs one, its scope."""

    role = serializers.ChoiceField(choices=Role.choices)
    unit = serializers.IntegerField(required=False, allow_null=True)
    area = serializers.IntegerField(required=False, allow_null=True)
    special_group = serializers.IntegerField(required=False, allow_null=True)
    is_third_party = serializers.BooleanField(required=False, default=False)
    valid_until = serializers.DateField(required=False, allow_null=True)

    def validate(self, attrs):
        from wenming.geo.models import Area
        from wenming.org.models import SpecialGroup, Unit

        for name, model in (("unit", Unit), ("area", Area), ("special_group", SpecialGroup)):
            pk = attrs.get(name)
            if pk is None:
                attrs[name] = None
                continue
            obj = model.objects.filter(pk=pk).first()
            if obj is None:
                raise serializers.ValidationError({name: _("不存在编号为 %(pk)s 的对象。") % {"pk": pk}})
            attrs[name] = obj
        return attrs


class MembershipRevokeSerializer(serializers.Serializer):
    membership = serializers.IntegerField(label=_("授权编号"))


class PersonRefSerializer(RefSerializer):
    unit = serializers.CharField(source="unit.name", read_only=True)


class UserSerializer(serializers.ModelSerializer):
    person = PersonRefSerializer(read_only=True, allow_null=True)
    email = BlankableEmailField(read_only=True)
    memberships = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "display_name",
            "phone",
            "email",
            "person",
            "is_active",
            "is_demo",
            "is_superuser",
            "last_login",
            "date_joined",
            "memberships",
        ]
        read_only_fields = fields

    @extend_schema_field(MembershipSerializer(many=True))
    def get_memberships(self, user):
        grants = getattr(user, "active_memberships", None)
        if grants is None:
            grants = (
                user.memberships.active()
                .select_related("unit", "area", "special_group")
                .order_by("role", "pk")
            )
        return MembershipSerializer(grants, many=True).data


class UserCreateSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(write_only=True, trim_whitespace=False, style={"input_type": "password"})
    display_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    email = BlankableEmailField(required=False, default="")
    person = serializers.IntegerField(required=False, allow_null=True)

    def validate_person(self, value):
        from wenming.org.models import Person

        if value is None:
            return None
        person = Person.objects.filter(pk=value).first()
        if person is None:
            raise serializers.ValidationError(_("不存在编号为 %(pk)s 的人员。") % {"pk": value})
        return person


class ScopeSummarySerializer(serializers.Serializer):
    district_wide_view = serializers.BooleanField()
    district_wide_change = serializers.BooleanField()
    all_points = serializers.BooleanField()
    units = serializers.IntegerField()
    areas = serializers.IntegerField()
    special_groups = serializers.IntegerField()
    special_group_units = serializers.IntegerField()
    person_id = serializers.IntegerField(allow_null=True)
    is_third_party = serializers.BooleanField()


class MeSerializer(UserSerializer):
    roles = serializers.SerializerMethodField()
    scope = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "roles", "scope"]
        read_only_fields = fields

    def get_roles(self, user) -> list[str]:
        return sorted(user.role_codes())

    @extend_schema_field(ScopeSummarySerializer)
    def get_scope(self, user):
        return user.scope().summary()
