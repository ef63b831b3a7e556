"""Serializer pieces shared by every app's `api/` package."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from wenming.core.media import signed_url


class PhotoSerializer(serializers.ModelSerializer):
    """A `core.PhotoBase` photo: short-lived signed links to its image and thumbnail (`core.media`, "" when a file
    is missing) — the serializer is only reached through a scoped viewset. Subclasses give the Meta (model,
    fields with "url" and "thumbnail_url")."""

    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_url(self, obj) -> str:
        return signed_url(obj.image)

    @extend_schema_field(serializers.CharField())
    def get_thumbnail_url(self, obj) -> str:
        return signed_url(obj.thumbnail)


class IdField(serializers.IntegerField):
    """An object id in a request body: a positive integer in the range of a 64-bit primary key. Larger numbers
    reached `pk__in=[…]` lookups as integers the database cannot hold (a 500); now they are a 400."""

    def __init__(self, **kwargs):
        from wenming.core.filters import MAX_ID

        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


@extend_schema_field(
    {
        "type": "string",
        "anyOf": [{"format": "email"}, {"maxLength": 0}],
        "description": "电子邮箱；未填为空字符串",
    }
)
class BlankableEmailField(serializers.EmailField):
    """An e-mail address or "" (not given). A plain `EmailField` is documented as `format: email`, which "" does not
    satisfy, while blank e-mails are valid values of the users' model."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)
