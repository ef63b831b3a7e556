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
