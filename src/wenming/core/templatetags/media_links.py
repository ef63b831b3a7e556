"""`{% load media_links %}` … `{{ photo.image|signed_url }}`: a short-lived signed link (see core.media)."""

from django import template

from wenming.core.media import signed_url as _signed_url

register = template.Library()


@register.filter
def signed_url(field) -> str:
    return _signed_url(field)
