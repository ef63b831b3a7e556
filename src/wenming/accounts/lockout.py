"""What a locked-out sign-in gets (django-axes `AXES_LOCKOUT_CALLABLE`): JSON for the API, a page otherwise."""

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
