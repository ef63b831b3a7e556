from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from wenming import __version__


@never_cache
def healthz(request):
    """Liveness + database status, for load balancers and monitoring."""
    status = {"status": "ok", "version": __version__, "database": {"vendor": connection.vendor}}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        status["database"]["ok"] = True
    except Exception as exc:  # noqa: BLE001 - report any database failure as unhealthy
        status["status"] = "error"
        status["database"].update(ok=False, error=exc.__class__.__name__)
        return JsonResponse(status, status=503)
    return JsonResponse(status)
