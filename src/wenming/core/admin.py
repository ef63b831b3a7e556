"""Admin for core: the working-day calendar (office edits), notifications with their deliveries, scheduler."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from wenming.core import services
from wenming.core.choices import DeliveryStatus
from wenming.core.models import CalendarDay, Delivery, Notification, ScheduledRun


class ReadOnlyAdminMixin:
    """Workflow, event and ledger models: visible in the admin, never edited there.

    Their rows change only through the services (which lock, validate, append the timeline and notify);
    an admin form would bypass all of that. Admin *actions* that call a service stay possible.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields] + [f.name for f in self.model._meta.many_to_many]


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False


class CalendarDayAdminForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name"]

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("kind"):
            try:
                services.validate_calendar_day(data["date"], data["kind"], data.get("name") or "")
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        self.add_error(field, error)
        return data


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    form = CalendarDayAdminForm
    list_display = ["date", "weekday", "kind", "name", "origin", "updated_at"]
    list_filter = ["kind", "origin"]
    date_hierarchy = "date"
    search_fields = ["name"]
    ordering = ["date"]

    @admin.display(description=_("星期"))
    def weekday(self, obj):
        return obj.date.strftime("%a")

    def save_model(self, request, obj, form, change):
        # Through the service: an edit in the admin is an office override, like one on /calendar/.
        saved = services.set_calendar_day(actor=request.user, date=obj.date, kind=obj.kind, name=obj.name)
        obj.pk = saved.pk
        obj.origin = saved.origin


class DeliveryInline(ReadOnlyInline):
    model = Delivery
    fields = ["channel", "status", "address", "attempts", "last_error", "next_attempt_at", "sent_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at", "deliveries_summary"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter), "deliveries__status"]
    search_fields = ["title", "recipient__username", "recipient__display_name"]
    raw_id_fields = ["recipient"]
    date_hierarchy = "created_at"
    inlines = [DeliveryInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recipient").prefetch_related("deliveries")

    @admin.display(description=_("推送"))
    def deliveries_summary(self, obj):
        return (
            "，".join(f"{d.get_channel_display()}：{d.get_status_display()}" for d in obj.deliveries.all())
            or "—"
        )


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "notification",
        "recipient",
        "channel",
        "status",
        "attempts",
        "error",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["status", "channel"]
    search_fields = ["notification__title", "notification__recipient__username", "address", "last_error"]
    readonly_fields = [
        "notification",
        "channel",
        "status",
        "address",
        "attempts",
        "last_error",
        "next_attempt_at",
        "sent_at",
        "created_at",
    ]
    actions = ["retry_now"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("notification__recipient")

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("接收人"))
    def recipient(self, obj):
        return obj.notification.recipient

    @admin.display(description=_("最近错误"))
    def error(self, obj):
        return Truncator(obj.last_error).chars(80)

    @admin.action(description=_("立即重试所选推送"))
    def retry_now(self, request, queryset):
        count = 0
        for delivery in queryset.exclude(status=DeliveryStatus.SENT):
            services.retry_delivery_now(actor=request.user, delivery=delivery)
            count += 1
        self.message_user(request, _("已安排重试 %(n)s 条推送。") % {"n": count}, messages.SUCCESS)


@admin.register(ScheduledRun)
class ScheduledRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["job", "slot", "enqueued_at", "task_result_id"]
    list_filter = ["job"]
    date_hierarchy = "slot"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
