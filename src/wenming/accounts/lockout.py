"""What a locked-out sign-in gets (django-axes `AXES_LOCKOUT_CALLABLE`): JSON for the API, a page otherwise."""

import datetime

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_message() -> str:
    return _("登录失败次数过多，账号已暂时锁定。请 %(minutes)d 分钟后再试，或联系系统管理员解锁。") % {
        "minutes": round(float(settings.AXES_COOLOFF_TIME or 0) * 60)
    }


def lockout_response(request, original_response=None, credentials=None):
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message()}, status=status)
    return render(request, "accounts/locked_out.html", {"message": lockout_message()}, status=status)


def client_ip(request) -> str | None:
    """The client's address for django-axes (`AXES_CLIENT_IP_CALLABLE`).

    Directly exposed: REMOTE_ADDR. Behind `settings.PROXY_COUNT` proxies that each append the address they
    saw to X-Forwarded-For, the entry that many places from the right; entries further left are whatever
    the client sent and are not trusted.
    """
    count = getattr(settings, "PROXY_COUNT", 0)
    if count:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")


class AxesHandler(AxesDatabaseHandler):
    """django-axes' database handler plus a lock per client address across user names.

    Axes locks a user name from one address after `AXES_FAILURE_LIMIT` failures. Password spraying tries
    one or two passwords on many user names from the same address, which that rule never sees; so an
    address is also locked once its failures over all user names within the cool-off reach
    `LOGIN_IP_FAILURE_LIMIT` (higher than the per-account limit, because an office's colleagues may share
    one NAT address). Both locks answer 429 and are cleared by the same unlock (user name and/or address).
    """

    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return ip_failures(getattr(request, "axes_ip_address", None)) >= settings.LOGIN_IP_FAILURE_LIMIT

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        # Axes records the failure and flags the lock when the account's own count reaches its limit (the
        # attempt that reaches it already answers 429); the address's count across user names likewise.
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if ip_failures(getattr(request, "axes_ip_address", None)) >= settings.LOGIN_IP_FAILURE_LIMIT:
            request.axes_locked_out = True
            request.axes_credentials = credentials


def ip_failures(ip_address: str | None) -> int:
    """Failed sign-ins from one address over all user names within the cool-off window."""
    if not ip_address or not settings.LOGIN_IP_FAILURE_LIMIT:
        return 0
    from axes.models import AccessAttempt
    from django.db.models import Sum
    from django.utils import timezone

    attempts = AccessAttempt.objects.filter(ip_address=ip_address)
    if settings.AXES_COOLOFF_TIME:
        since = timezone.now() - datetime.timedelta(hours=float(settings.AXES_COOLOFF_TIME))
        attempts = attempts.filter(attempt_time__gte=since)
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
