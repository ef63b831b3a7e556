"""Audit from the response: downloads (exports) by signed-in users, and permission denials — every 403,
and every 404 of a resolved URL for a signed-in user.

Out-of-scope objects answer 404 (their existence is not revealed), so a 404 on a URL that matched a view
is recorded as a denial when the caller is signed in (anonymous 404s are ordinary misses). The row is
written after the view has answered, outside its transaction.
"""

from wenming.accounts import audit


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        status = response.status_code
        if (
            status == 200
            and response.get("Content-Disposition", "").startswith("attachment")
            and getattr(getattr(request, "user", None), "is_authenticated", False)
            and not getattr(request, "_audit_export_recorded", False)
        ):
            match = request.resolver_match
            audit.record(request.user, audit.EXPORT, match.view_name if match else request.path[:200], {"query": request.GET.urlencode()}, request=request)  # fmt: skip
        if status in (403, 404):
            user = getattr(request, "user", None)
            signed_in = bool(getattr(user, "is_authenticated", False))
            if status == 403 or (signed_in and getattr(request, "resolver_match", None) is not None):
                match = request.resolver_match
                audit.record(user, audit.DENIED, request.path[:200], {"status": status, "method": request.method, "view": match.view_name if match else ""}, request=request)  # fmt: skip
        return response
