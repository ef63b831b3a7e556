"""drf-spectacular's django-filter support, plus one thing: a filter class typed with `@extend_schema_field`
(core.filters.IdFilter, YearFilter …) keeps its label as the parameter's description (drf-spectacular drops
it for overridden filters). Registered on import (core.apps)."""

from drf_spectacular.contrib.django_filters import DjangoFilterExtension


class LabelledFilterExtension(DjangoFilterExtension):
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        params = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        label = filter_field.extra.get("help_text") or filter_field.label
        for param in params:
            if label and not param.get("description"):
                param["description"] = str(label)
        return params


# --- the error body, documented once for every operation --------------------------------------------------

API_ERROR = {
    "type": "object",
    "description": (
        "400 的回答体。Three shapes reach clients: a rule of a service refused the request — "
        '`{"error": "…", "code": "…"}`; fields did not validate — `{"<field>": ["…"], "non_field_errors": ["…"]}` '
        '(nested for nested fields); the body could not be read — `{"detail": "…"}`; a standard file did not '
        'import — `{"detail": "…", "problems": [{"sheet", "row", "column", "message"}]}`.'
    ),
    # Untyped on purpose: a model field may share a name with them (a unit's `code`), and its field errors are
    # then a list under the same key.
    "properties": {
        "error": {"description": "业务规则拒绝时的中文说明（字符串）"},
        "code": {"description": "业务规则的代码（字符串）；或名为 code 的字段的错误列表"},
        "detail": {"description": "无法读取请求时的说明（字符串）"},
        "non_field_errors": {"type": "array", "items": {"type": "string"}},
        "problems": {"description": "测评体系导入的问题列表"},
    },
    "additionalProperties": True,
}
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def document_errors(result, generator, request, public):
    """drf-spectacular post-processing hook: every operation answers a 400 with the one `ApiError` shape (the
    views raise DRF's `ValidationError` or return a service's refusal; both are covered), keeping a 400
    description a view gave."""
    result.setdefault("components", {}).setdefault("schemas", {})["ApiError"] = API_ERROR
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            description = (responses.get("400") or {}).get("description") or "请求有误"
            # DRF renders an error with the renderer the request chose: `?format=geojson` gets its 400 as
            # application/geo+json, so every JSON media type of the success answers is listed too.
            media_types = {"application/json"} | {
                media_type
                for code, response in responses.items()
                if str(code).startswith("2")
                for media_type in (response.get("content") or {})
                if media_type.split(";")[0].endswith("json")
            }
            ref = {"schema": {"$ref": "#/components/schemas/ApiError"}}
            responses["400"] = {"content": {m: ref for m in sorted(media_types)}, "description": description}
    return result
