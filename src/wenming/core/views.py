import calendar as pycalendar
import datetime
import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import ListView, TemplateView

from wenming import __version__
from wenming.core import services, workcal
from wenming.core.calendar_data import package_years
from wenming.core.choices import DAY_KIND_BADGE, DayKind, DayOrigin
from wenming.core.forms import CalendarDayForm, CalendarImportForm
from wenming.core.models import CalendarDay, Notification
from wenming.core.roles import is_office


class ServiceWorkerView(View):
    """An app's offline helper (`core/sw.js`, served at `<app>/sw.js`, scope `<app>/`): network first, and
    the last copy of the pages under `pages_url_name` (only those whose path matches the JS regex
    `page_pattern`, when given) and of the static files when the network fails. The page script registers
    it and keeps its drafts itself (`wenming/outbox.js`)."""

    cache_name = ""  # the Cache Storage name the page script also fills (outbox.js registerOffline)
    pages_url_name = ""
    page_pattern = ""

    def get(self, request):
        scope = request.path.removesuffix("sw.js")
        context = {
            "cache": self.cache_name, "scope": scope, "static_prefix": static(""),
            "pages_prefix": reverse(self.pages_url_name), "page_pattern": self.page_pattern,
        }  # fmt: skip
        response = HttpResponse(
            render_to_string("core/sw.js", context), content_type="application/javascript; charset=utf-8"
        )
        response["Cache-Control"] = "no-cache"
        response["Service-Worker-Allowed"] = scope
        return response


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


# --- working-day calendar ---------------------------------------------------------------------------------


def _year_param(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 1990 <= year <= 2100 else timezone.localdate().year


def _month_grids(year: int, rows: dict[datetime.date, CalendarDay]) -> list[dict]:
    """Twelve Monday-first month grids; a date without a row shows the Monday–Friday fallback."""
    today = timezone.localdate()
    months = []
    for month in range(1, 13):
        weeks = []
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            cells = []
            for day in week:
                if day.month != month:
                    cells.append(None)
                    continue
                row = rows.get(day)
                kind = row.kind if row else (DayKind.WEEKEND if day.weekday() >= 5 else DayKind.WORKDAY)
                cells.append(
                    {
                        "date": day,
                        "kind": kind,
                        "name": row.name if row else "",
                        "override": bool(row and row.origin == DayOrigin.OVERRIDE),
                        "provisional": bool(row and row.origin == DayOrigin.RULES),
                        "today": day == today,
                    }
                )
            weeks.append(cells)
        months.append({"number": month, "first": datetime.date(year, month, 1), "weeks": weeks})
    return months


class CalendarView(LoginRequiredMixin, TemplateView):
    """The working-day calendar of one year (工作日历): holidays, make-up days and office overrides."""

    template_name = "core/calendar.html"

    def get_template_names(self):
        return ["core/calendar.html#table"] if self.request.htmx else [self.template_name]

    def get_context_data(self, form=None, year=None, **kwargs):
        context = super().get_context_data(**kwargs)
        year = year or _year_param(self.request)
        rows = {row.date: row for row in CalendarDay.objects.restrict(self.request.user).in_year(year)}
        months = _month_grids(year, rows)
        counts = dict.fromkeys(DayKind.values, 0)
        for cell in (c for month in months for week in month["weeks"] for c in week if c):
            counts[cell["kind"]] += 1
        known = package_years()
        context.update(
            year=year,
            months=months,
            weekdays=[_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")],
            special_days=[
                r for r in rows.values() if r.kind in (DayKind.HOLIDAY, DayKind.MAKEUP) or r.is_override
            ],
            configured=bool(rows),
            confirmed=workcal.year_is_confirmed(year),
            provisional=any(r.origin == DayOrigin.RULES for r in rows.values()),
            expiry=workcal.expiry_warning(),
            package_knows_year=year in known,
            package_range=(known.start, known.stop - 1),
            working_days=counts[DayKind.WORKDAY] + counts[DayKind.MAKEUP],
            counts=counts,
            kinds=DayKind,
            badges=DAY_KIND_BADGE,
            can_edit=is_office(self.request.user),
            form=form or CalendarDayForm(initial={"date": datetime.date(year, 1, 1)}),
        )
        return context


class CalendarDaySetView(LoginRequiredMixin, View):
    """POST: the office sets one date's kind (an override)."""

    def post(self, request):
        if not is_office(request.user):
            raise PermissionDenied
        form = CalendarDayForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.set_calendar_day(
                    actor=request.user, date=data["date"], kind=data["kind"], name=data["name"]
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, _("已调整 %(date)s。") % {"date": data["date"].isoformat()})
                return redirect(f"{reverse('core:calendar')}?year={data['date'].year}")
        view = CalendarView()
        view.setup(request)
        day = form.cleaned_data.get("date") if hasattr(form, "cleaned_data") else None
        context = view.get_context_data(form=form, year=day.year if day else None)
        return TemplateResponse(request, "core/calendar.html", context, status=400)


class CalendarDayResetView(LoginRequiredMixin, View):
    """POST: drop the office's override of one date."""

    def post(self, request, day: str):
        if not is_office(request.user):
            raise PermissionDenied
        try:
            date = datetime.date.fromisoformat(day)
        except ValueError:
            raise Http404
        services.reset_calendar_day(actor=request.user, date=date)
        messages.success(request, _("已恢复 %(date)s 的国家安排。") % {"date": date.isoformat()})
        return redirect(f"{reverse('core:calendar')}?year={date.year}")


def _parse_payload(raw: str, year: int) -> dict:
    """The previewed arrangement carried to the apply step: [[date, kind, name], …] → {date: (kind, name)}."""
    try:
        items = json.loads(raw)
        days = {datetime.date.fromisoformat(d): (str(k), str(n)) for d, k, n in items}
    except (ValueError, TypeError):
        raise ValidationError(_("预览数据无效，请重新粘贴或上传。"))
    if not days or any(d.year != year for d in days):
        raise ValidationError(_("预览数据无效，请重新粘贴或上传。"))
    return days


class CalendarImportView(LoginRequiredMixin, View):
    """The office imports a year's arrangement (the notice's text or an XLSX): preview first, then apply."""

    template_name = "core/calendar_import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_office(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _render(self, request, status=200, **context):
        return TemplateResponse(request, self.template_name, context, status=status)

    def get(self, request):
        year = _year_param(request)
        if "year" not in request.GET:
            year = next(y for y in range(timezone.localdate().year, 2101) if not workcal.year_is_confirmed(y))
        return self._render(request, form=CalendarImportForm(initial={"year": year}))

    def post(self, request):
        if request.POST.get("step") == "apply":
            return self._apply(request)
        form = CalendarImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, status=400, form=form)
        year, days = form.cleaned_data["year"], form.cleaned_data["days"]
        preview = services.preview_calendar_import(year=year, days=days)
        payload = json.dumps(
            [[d.isoformat(), k, n] for d, (k, n) in sorted(days.items())], ensure_ascii=False
        )
        return self._render(request, form=form, preview=preview, payload=payload, year=year)

    def _apply(self, request):
        try:
            year = int(request.POST.get("year", ""))
        except ValueError:
            return self._render(request, status=400, form=CalendarImportForm(), error=_("请填写年份。"))
        try:
            days = _parse_payload(request.POST.get("payload", ""), year)
            report = services.import_calendar_year(actor=request.user, year=year, days=days)
        except ValidationError as exc:
            return self._render(
                request,
                status=400,
                form=CalendarImportForm(initial={"year": year}),
                error=" ".join(exc.messages),
            )
        messages.success(request, _("已导入 %(year)s 年放假安排。") % {"year": year})
        return self._render(request, form=None, report=report, year=year)


class CalendarProvisionalView(LoginRequiredMixin, View):
    """POST: the office seeds a not-yet-published year from the statutory holidays (按法定假日推算，暂定)."""

    def post(self, request):
        if not is_office(request.user):
            raise PermissionDenied
        try:
            year = int(request.POST.get("year", ""))
            if not 2000 <= year <= 2100:
                raise ValueError
        except ValueError:
            raise Http404
        try:
            services.seed_provisional_year(actor=request.user, year=year)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已按法定假日推算 %(year)s 年（暂定）。") % {"year": year})
        return redirect(f"{reverse('core:calendar')}?year={year}")


# --- inbox ------------------------------------------------------------------------------------------------


def _unread_trigger(user) -> str:
    return json.dumps({"wenming:unread": {"count": Notification.objects.for_user(user).unread().count()}})


class InboxView(LoginRequiredMixin, ListView):
    """The signed-in user's messages, unread first (消息)."""

    template_name = "core/inbox.html"
    paginate_by = 20
    context_object_name = "notifications"

    def only_unread(self) -> bool:
        return self.request.GET.get("unread") == "1"

    def get_queryset(self):
        queryset = Notification.objects.restrict(self.request.user)
        return queryset.unread() if self.only_unread() else queryset

    def get_template_names(self):
        return ["core/inbox.html#table"] if self.request.htmx else [self.template_name]

    def get_context_data(self, **kwargs):
        return super().get_context_data(only_unread=self.only_unread(), **kwargs)


class InboxReadAllView(InboxView):
    """POST: mark every message read; htmx gets the refreshed table."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        changed = services.mark_all_notifications_read(actor=request.user)
        if not request.htmx:
            messages.success(request, _("已将 %(n)s 条消息标为已读。") % {"n": changed})
            return redirect("core:inbox")
        response = self.get(request, *args, **kwargs)
        response["HX-Trigger"] = json.dumps({"wenming:unread": {"count": 0}})
        return response


class NotificationOpenView(LoginRequiredMixin, View):
    """GET: mark the message read and go to what it is about."""

    def get(self, request, pk: int):
        notification = get_object_or_404(Notification.objects.restrict(request.user), pk=pk)
        services.mark_notification_read(actor=request.user, notification=notification)
        target = notification.url
        if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            return HttpResponseRedirect(target)
        return redirect("core:inbox")


class NotificationReadView(LoginRequiredMixin, View):
    """POST: mark one message read; htmx gets the updated row and the new unread count."""

    def post(self, request, pk: int):
        notification = get_object_or_404(Notification.objects.restrict(request.user, "change"), pk=pk)
        services.mark_notification_read(actor=request.user, notification=notification)
        if not request.htmx:
            return redirect("core:inbox")
        response = TemplateResponse(request, "core/inbox.html#row", {"n": notification})
        response["HX-Trigger"] = _unread_trigger(request.user)
        return response


def media(request, token: str):
    """A stored file behind a short-lived signed link (`core.media.signed_url`); 404 when forged or expired."""
    from wenming.core.media import file_response, name_from_token

    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return file_response(name_from_token(token))
