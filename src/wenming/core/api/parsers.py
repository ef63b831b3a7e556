"""The API's JSON parser: every request body of /api/v1 is a JSON object (see docs/openapi.yaml).

DRF's JSONParser accepts any JSON value, so a body of `null`, `[]` or `42` reached views and serializers that
index it like a mapping (a 500). Rejecting it at parse time gives one clear 400 for every endpoint."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class JSONObjectParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise ParseError(_("请求体应为 JSON 对象。"))
        return data
