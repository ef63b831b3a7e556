"""Serializer pieces shared by every app's `api/` package."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class PhotoSerializer(serializers.ModelSerializer):
    """A `core.PhotoBase` photo: the URLs of its image and thumbnail ("" when a file is missing). Subclasses
    give the Meta (model, fields with "url" and "thumbnail_url")."""

    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_url(self, obj) -> str:
        return obj.image.url if obj.image else ""

    @extend_schema_field(serializers.CharField())
    def get_thumbnail_url(self, obj) -> str:
        return obj.thumbnail.url if obj.thumbnail else ""


class IdField(serializers.IntegerField):
    """An object id in a request body: a positive integer in the range of a 64-bit primary key. Larger numbers
    reached `pk__in=[…]` lookups as integers the database cannot hold (a 500); now they are a 400."""

    def __init__(self, **kwargs):
        from wenming.core.filters import MAX_ID

        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)
