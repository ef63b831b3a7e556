"""Open311 GeoReport v2 endpoints. Plain Django views (not DRF): the standard fixes the shapes, the status codes
(400 bad input, 403 bad or missing api_key, 404 unknown service/request/jurisdiction) and both formats.

Input rules that keep existing Open311 apps and scripts working unchanged:
* POST bodies are form-encoded (multipart too, for the photo-upload extension: files named `media`);
  `api_key` and `jurisdiction_id` may come in the query string instead of the body;
* an empty optional parameter means absent (`address_string=` is no address);
* ids are strings; times are ISO 8601 with an offset, and `start_date`/`end_date` accept the same (a bare
  date means local midnight).
Extensions: `page`/`page_size` on GET requests, `extensions=true` (status-notes history and our state),
photo upload (`media`), an `Idempotency-Key` header on POST.
"""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from wenming.participation import ratelimit, services
from wenming.participation.choices import Channel, PositionSource
from wenming.participation.models import Report
from wenming.participation.open311 import catalog
from wenming.participation.open311.formats import error, render
from wenming.participation.privacy import client_ip
from wenming.participation.ratelimit import RateLimited

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-28T00:00:00+08:00"
DEFAULT_DAYS = 90
# Hard caps on an anonymous GET (extension parameters page/page_size): rows per page, rows per page with
# extensions=true (each carries its timeline), and how deep paging may go (page × page_size).
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 200
MAX_PAGE_SIZE_EXTENDED = 50
MAX_DEPTH = 10_000
ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")


def _param(request, name: str, *, query_too: bool = False) -> str | None:
    """A parameter's stripped value; empty means absent (None)."""
    value = request.POST.get(name) if request.method == "POST" else None
    if value is None or (isinstance(value, str) and not value.strip()):
        value = request.GET.get(name) if (request.method == "GET" or query_too) else None
    value = (value or "").strip()
    return value or None


def _jurisdiction_error(request, fmt: str, *, query_too: bool = False):
    jurisdiction = _param(request, "jurisdiction_id", query_too=query_too)
    if jurisdiction is not None and jurisdiction not in catalog.jurisdictions():
        return error(fmt, 404, _("未知的 jurisdiction_id：%(id)s") % {"id": jurisdiction})
    return None


def _validation_messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for messages in exc.message_dict.values() for m in messages]
    return exc.messages


# --- discovery, services -------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def discovery(request, fmt: str = "xml"):
    url = request.build_absolute_uri(reverse("open311:root"))
    data = {
        "changeset": CHANGESET,
        "contact": getattr(settings, "OPEN311_CONTACT", _("区文明办 群众参与平台")),
        "key_service": request.build_absolute_uri(reverse("participation_public:home")),
        "endpoints": [
            {
                "specification": SPEC_URL,
                "url": url,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render(fmt, data, root="discovery")


@require_http_methods(["GET", "HEAD"])
def service_list(request, fmt: str = "xml"):
    if response := _jurisdiction_error(request, fmt):
        return response
    return render(fmt, catalog.service_list(), root="services")


@require_http_methods(["GET", "HEAD"])
def service_definition(request, code: str, fmt: str = "xml"):
    if response := _jurisdiction_error(request, fmt):
        return response
    try:
        catalog.find_service(code)
    except LookupError:
        return error(fmt, 404, _("未知的服务代码：%(code)s") % {"code": code})
    return render(fmt, catalog.definition(code), root="service_definition")


# --- service requests -----------------------------------------------------------------------------------------


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def requests_view(request, fmt: str = "xml"):
    if request.method == "POST":
        return _post_request(request, fmt)
    return _get_requests(request, fmt)


def _parse_date(value: str | None, name: str) -> datetime.datetime | None:
    if value is None:
        return None
    text = (
        value.strip().replace(" ", "+") if "T" in value else value.strip()
    )  # "+" arrives as space unescaped
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            _("%(name)s 格式不正确，应为 ISO 8601，如 2026-11-01T00:00:00+08:00。") % {"name": name}
        )
    # Dates at the ends of the calendar (0001-01-01, 9999-12-31) overflowed in the default window
    # (`end - 90 days`) and in the conversion to UTC: a 500 found by `make fuzz`. Reports are never that old.
    if not DATE_RANGE[0] <= parsed.date() <= DATE_RANGE[1]:
        raise ValidationError(
            _("%(name)s 超出范围，应在 %(start)s 至 %(end)s 之间。")
            % {"name": name, "start": DATE_RANGE[0].isoformat(), "end": DATE_RANGE[1].isoformat()}
        )
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


DATE_RANGE = (datetime.date(1900, 1, 1), datetime.date(9998, 12, 31))


def _positive(value: str | None, name: str, default: int, maximum: int) -> int:
    if value is None:
        return default
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise ValidationError(_("%(name)s 应为正整数。") % {"name": name})
    return min(int(value), maximum)


def _throttled(request, fmt: str):
    """Anonymous reads are charged against the per-IP read limit (429 with Retry-After when spent)."""
    try:
        ratelimit.consume(ratelimit.public_read_limit(), client_ip(request))
    except RateLimited as exc:
        return error(fmt, 429, exc.message, headers={"Retry-After": str(exc.retry_after)})
    return None


def _get_requests(request, fmt: str):
    if response := _throttled(request, fmt):
        return response
    if response := _jurisdiction_error(request, fmt):
        return response
    extensions = (_param(request, "extensions") or "").lower() == "true"
    maximum = MAX_PAGE_SIZE_EXTENDED if extensions else MAX_PAGE_SIZE
    queryset = catalog.base_queryset()
    ids = _param(request, "service_request_id")
    try:
        if ids is not None:
            wanted = [i.strip() for i in ids.split(",") if i.strip()]
            numeric = [int(i) for i in wanted[:maximum] if i.isascii() and i.isdigit() and len(i) <= 18]
            reports = list(queryset.filter(pk__in=numeric).order_by("-submitted_at", "-id")[:maximum])
        else:
            reports = _filtered(request, queryset, maximum)
    except ValidationError as exc:
        return error(fmt, 400, *_validation_messages(exc))
    data = [d for r in reports if (d := catalog.request_dict(r, request=request, extensions=extensions))]
    return render(fmt, data, root="service_requests")


def _filtered(request, queryset, maximum: int) -> list[Report]:
    """The standard's filters, all in SQL (status too), one page of at most `maximum` rows."""
    start = _parse_date(_param(request, "start_date"), "start_date")
    end = _parse_date(_param(request, "end_date"), "end_date")
    if start and end and end < start:
        raise ValidationError(_("end_date 不能早于 start_date。"))
    if start is None and end is None:
        start = timezone.now() - datetime.timedelta(days=DEFAULT_DAYS)
    elif start is None:
        start = end - datetime.timedelta(days=DEFAULT_DAYS)
    queryset = queryset.submitted_between(start, end)
    codes = _param(request, "service_code")
    if codes is not None:
        queryset = catalog.filter_codes(queryset, [c.strip() for c in codes.split(",") if c.strip()][:100])
    statuses = _param(request, "status")
    page_size = _positive(_param(request, "page_size"), "page_size", min(DEFAULT_PAGE_SIZE, maximum), maximum)
    page = _positive(_param(request, "page"), "page", 1, MAX_DEPTH)
    if page * page_size > MAX_DEPTH:
        raise ValidationError(
            _("分页过深：page × page_size 不能超过 %(n)d，请缩小日期范围。") % {"n": MAX_DEPTH}
        )
    if statuses is not None:
        wanted = {s.strip().lower() for s in statuses.split(",") if s.strip()}
        if not wanted <= {"open", "closed"}:
            raise ValidationError(_("status 只能是 open 或 closed（可用逗号分隔）。"))
        queryset = queryset.open311_status(wanted)
    offset = (page - 1) * page_size
    return list(queryset.order_by("-submitted_at", "-id")[offset : offset + page_size])


def _get_one(request, fmt: str, request_id: str):
    if response := _throttled(request, fmt):
        return response
    if response := _jurisdiction_error(request, fmt):
        return response
    numeric = request_id.isascii() and request_id.isdigit() and len(request_id) <= 18
    report = catalog.base_queryset().filter(pk=int(request_id)).first() if numeric else None
    extensions = (_param(request, "extensions") or "").lower() == "true"
    data = (
        catalog.request_dict(report, request=request, extensions=extensions) if report is not None else None
    )
    if data is None:  # unknown, or not public (pending, rejected, spam, private category): the same answer
        return error(fmt, 404, _("服务请求不存在：%(id)s") % {"id": request_id})
    return render(fmt, [data], root="service_requests")


@require_http_methods(["GET", "HEAD"])
def request_detail(request, request_id: str, fmt: str = "xml"):
    return _get_one(request, fmt, request_id)


@require_http_methods(["GET", "HEAD"])
def token_detail(request, token: str, fmt: str = "xml"):
    if response := _jurisdiction_error(request, fmt):
        return response
    report = Report.objects.not_spam().filter(public_id=token.strip().lower()).first()
    if report is None:
        return error(fmt, 404, _("令牌不存在：%(token)s") % {"token": token})
    return render(
        fmt, [{"service_request_id": report.request_id, "token": report.public_id}], root="service_requests"
    )


def _attribute_answers(request) -> dict[str, list[str]]:
    raw: dict[str, list[str]] = {}
    for key in request.POST:
        match = ATTRIBUTE_KEY.match(key)
        if match:
            raw.setdefault(match.group(1), []).extend(v.strip() for v in request.POST.getlist(key))
    return raw


def _post_fields(request) -> dict:
    """The standard's fields from the body, checked; ValidationError with the first problem."""
    lat, lon = _param(request, "lat"), _param(request, "long")
    address = _param(request, "address_string") or _param(request, "address_id") or ""
    if (lat is None) != (lon is None):
        raise ValidationError(_("lat 和 long 必须同时提供。"))
    if lat is None and not address:
        raise ValidationError(_("缺少位置：请提供 lat 和 long，或 address_string。"))
    media_url = _param(request, "media_url") or ""
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            raise ValidationError(_("media_url 不是有效的 http(s) 地址。"))
    name = " ".join(p for p in (_param(request, "last_name"), _param(request, "first_name")) if p)
    description = _param(request, "description") or ""
    attributes = catalog.clean_attributes(_attribute_answers(request))
    if not description and attributes.get("location_detail"):
        description = attributes["location_detail"]
    return {
        "lat": lat, "lon": lon, "address": address[:200], "media_url": media_url, "reporter_name": name[:60],
        "reporter_phone": _param(request, "phone") or "", "reporter_email": _param(request, "email") or "",
        "device_id": _param(request, "device_id") or "", "account_id": _param(request, "account_id") or "",
        "description": description, "attributes": attributes,
    }  # fmt: skip


def _post_request(request, fmt: str):
    client = services.authenticate_client(_param(request, "api_key", query_too=True) or "")
    if client is None:
        return error(fmt, 403, _("api_key 缺失、无效或已吊销。"))
    if response := _jurisdiction_error(request, fmt, query_too=True):
        return response
    code = _param(request, "service_code")
    if code is None:
        return error(fmt, 400, _("缺少 service_code。"))
    try:
        category = catalog.find_service(code)
    except LookupError:
        return error(fmt, 404, _("未知的服务代码：%(code)s") % {"code": code})
    try:
        fields = _post_fields(request)
        if fields["reporter_email"]:
            from django.core.validators import validate_email

            validate_email(fields["reporter_email"])
        key = request.headers.get("Idempotency-Key", "").strip()
        report = services.submit_report(
            channel=Channel.OPEN311, category=category, client=client, ip=client_ip(request),
            position_source=PositionSource.CLIENT, photos=request.FILES.getlist("media"),
            idempotency_key=f"{client.pk}:{key}" if key else None, **fields,
        )  # fmt: skip
    except RateLimited as exc:
        return error(fmt, 429, exc.message, headers={"Retry-After": str(exc.retry_after)})
    except ValidationError as exc:
        return error(fmt, 400, *_validation_messages(exc))
    tracking = request.build_absolute_uri(report.get_tracking_url())
    notice = _("已收到，查询码 %(code)s，进度查询：%(url)s") % {"code": report.display_code, "url": tracking}
    body = [
        {
            "service_request_id": report.request_id,
            "token": report.public_id,
            "service_notice": notice,
            "account_id": None,  # never echoed: reporter data stays out of every Open311 answer
        }
    ]
    return render(fmt, body, root="service_requests")
