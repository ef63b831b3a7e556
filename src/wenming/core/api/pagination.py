"""API helpers shared by every app's `api/` package."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Page-number pagination: `count`, `next`, `previous`, `results`; `page_size` up to 1,000."""

    page_size_query_param = "page_size"
    max_page_size = 1000
