"""Base model mixins shared by every app; the working-day calendar, the photo mixin, the notification inbox
and the periodic-job ledger."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wenming.core.choices import DayKind, DayOrigin, DeliveryChannel, DeliveryStatus
from wenming.core.querysets import (
    CalendarDayQuerySet,
    DeliveryQuerySet,
    NotificationQuerySet,
    ScheduledRunQuerySet,
)


class TimeStampedModel(models.Model):
    """Created/updated timestamps (UTC) for any domain object."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class AuthoredModel(TimeStampedModel):
    """A domain object whose creator is recorded (money and blame are at stake)."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True


def new_public_id() -> str:
    """An unguessable identifier for anything a citizen may see."""
    return uuid.uuid4().hex


class PublicIdModel(models.Model):
    """Adds an unguessable public id beside the internal integer key."""

    public_id = models.CharField(
        _("公开编号"), max_length=32, unique=True, default=new_public_id, editable=False
    )

    class Meta:
        abstract = True


# --- working-day calendar (工作日历) -------------------------------------------------------------------


class CalendarDay(models.Model):
    """One date of the working-day calendar: workday, statutory holiday, make-up workday or weekend (工作日历)."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("名称"), max_length=40, blank=True, help_text=_("如：国庆节、国庆节调休"))
    origin = models.CharField(_("来源"), max_length=10, choices=DayOrigin.choices, default=DayOrigin.PACKAGE)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    objects = CalendarDayQuerySet.as_manager()

    class Meta:
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")
        ordering = ["date"]

    def __str__(self) -> str:
        label = self.name or self.get_kind_display()
        return f"{self.date:%Y-%m-%d} {label}"

    @property
    def is_working(self) -> bool:
        return self.kind in DayKind.working()

    @property
    def is_override(self) -> bool:
        return self.origin == DayOrigin.OVERRIDE


class CalendarVersion(models.Model):
    """A single row whose random token changes with every calendar edit; per-process caches key on it."""

    token = models.CharField(max_length=32, default=new_public_id)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("工作日历版本")
        verbose_name_plural = _("工作日历版本")

    def __str__(self) -> str:
        return self.token


# --- photos (照片) ------------------------------------------------------------------------------------


def _dated_photo_path(instance, filename: str, suffix: str = "") -> str:
    stem = Path(filename).stem or uuid.uuid4().hex
    day = timezone.localdate()
    return f"photos/{instance._meta.app_label}/{day:%Y/%m/%d}/{stem}{suffix}.jpg"


def photo_upload_to(instance, filename: str) -> str:
    """photos/<app>/<yyyy>/<mm>/<dd>/<uuid>.jpg — never the client's file name."""
    return _dated_photo_path(instance, filename)


def thumbnail_upload_to(instance, filename: str) -> str:
    """photos/<app>/<yyyy>/<mm>/<dd>/<uuid>_t.jpg"""
    return _dated_photo_path(instance, filename, "_t")


class PhotoBase(models.Model):
    """Abstract evidence photo (照片): a re-encoded JPEG without metadata, its thumbnail, and the EXIF facts
    read before stripping. Apps subclass it for their own attachments; fill it with
    `wenming.core.photos.save_processed_photo(instance, process_photo(upload))`."""

    image = models.FileField(_("照片"), upload_to=photo_upload_to, max_length=200)
    thumbnail = models.FileField(_("缩略图"), upload_to=thumbnail_upload_to, max_length=200, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    width = models.PositiveIntegerField(_("宽度"), default=0)
    height = models.PositiveIntegerField(_("高度"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True, blank=True)
    gps_lat = models.FloatField(_("拍摄纬度（WGS-84）"), null=True, blank=True)
    gps_lon = models.FloatField(_("拍摄经度（WGS-84）"), null=True, blank=True)
    taken_at = models.DateTimeField(_("拍摄时间"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True, db_index=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name or self.image.name

    @property
    def has_gps(self) -> bool:
        return self.gps_lat is not None and self.gps_lon is not None


# --- notifications (站内消息与推送) --------------------------------------------------------------------


class Notification(models.Model):
    """A message in one user's in-app inbox (站内消息); e-mail/SMS copies are its deliveries."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("类型"), max_length=50, db_index=True, help_text=_("如 case.dispatched"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = [models.F("read_at").asc(nulls_first=True), "-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="core_notif_recipient_read")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("core:notification_open", args=[self.pk])

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Delivery(models.Model):
    """One outbound copy of a notification on a channel (e-mail/SMS), retried with backoff (消息推送)."""

    notification = models.ForeignKey(
        Notification, verbose_name=_("消息"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=DeliveryChannel.choices)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        db_index=True,
    )
    address = models.CharField(_("地址"), max_length=254, blank=True, help_text=_("发送时使用的邮箱或手机号"))
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True, db_index=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("消息推送")
        verbose_name_plural = _("消息推送")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="core_delivery_one_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.notification}"


# --- periodic jobs (定时任务) ---------------------------------------------------------------------------


class ScheduledRun(models.Model):
    """One slot of one periodic job, claimed by exactly one scheduler (定时任务运行记录)."""

    job = models.CharField(_("任务"), max_length=200)
    slot = models.DateTimeField(_("时段开始"))
    enqueued_at = models.DateTimeField(_("入队时间"), default=timezone.now)
    task_result_id = models.CharField(_("任务结果编号"), max_length=64, blank=True)

    objects = ScheduledRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("定时任务运行")
        verbose_name_plural = _("定时任务运行")
        ordering = ["-slot", "job"]
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="core_scheduledrun_one_per_slot")]

    def __str__(self) -> str:
        return f"{self.job} @ {self.slot:%Y-%m-%d %H:%M}"


class ConfigVersion(models.Model):
    """One row per named configuration cache (`core.versions`): its random token changes, in the same
    transaction, with every write to the tables the cache is built from; per-process caches key on it."""

    name = models.CharField(_("名称"), max_length=40, unique=True)
    token = models.CharField(max_length=32, default=new_public_id)

    class Meta:
        verbose_name = _("配置缓存版本")
        verbose_name_plural = _("配置缓存版本")

    def __str__(self) -> str:
        return f"{self.name} {self.token}"
