"""Examples of right and wrong practice next to a criterion, for other apps' pages (checklist, case detail):

    {% load surveys_examples %}
    {% examples_for_criterion criterion %}                 {# every example linked to the criterion #}
    {% examples_for_criterion criterion point.point_type %} {# only those of this point type #}

Renders `surveys/examples_for_criterion.html` (nothing when there is no example). The examples the user may
see (published ones; drafts for the office) are read once per page render, whatever the number of criteria.
"""

from django import template
from django.db.models import Prefetch

register = template.Library()
CACHE_KEY = "wenming.surveys.examples_by_criterion"


def _examples_by_criterion(context) -> dict[int, list]:
    # Kept on the request (one read per page, even across {% include %}s), else on the render context.
    request = context.get("request")
    holder = request if request is not None else context.render_context
    cache = getattr(holder, "_wenming_examples", None) if request is not None else holder.get(CACHE_KEY)
    if cache is not None:
        return cache
    from wenming.surveys.models import Example, ExamplePhoto

    user = getattr(request, "user", None) or context.get("user")
    cache: dict[int, list] = {}
    if user is not None and getattr(user, "is_authenticated", False):
        examples = (
            Example.objects.restrict(user, "view")
            .filter(criterion__isnull=False)
            .select_related("point_type")
            .prefetch_related(Prefetch("photos", queryset=ExamplePhoto.objects.order_by("pk")))
            .order_by("kind", "-pk")
        )
        for example in examples:
            cache.setdefault(example.criterion_id, []).append(example)
    if request is not None:
        request._wenming_examples = cache
    else:
        context.render_context[CACHE_KEY] = cache
    return cache


@register.inclusion_tag("surveys/examples_for_criterion.html", takes_context=True)
def examples_for_criterion(context, criterion, point_type=None, limit: int = 6):
    """Right-practice examples first, then wrong ones, at most `limit`."""
    if criterion is None:
        return {"examples": []}
    criterion_id = getattr(criterion, "pk", criterion)
    found = _examples_by_criterion(context).get(criterion_id, [])
    if point_type is not None:
        type_id = getattr(point_type, "pk", point_type)
        found = [e for e in found if e.point_type_id == type_id]
    return {"examples": found[: int(limit)]}
