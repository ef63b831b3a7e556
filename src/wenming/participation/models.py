"""Citizen participation (群众参与): reports from the public site and Open311, their photos and public timeline,
"me too" supports, participation points, the category classifier, Open311 clients and rate-limit counters."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wenming.core.appendonly import AppendOnlyModel
from wenming.core.choices import CoordSystem
from wenming.core.models import PhotoBase, PublicIdModel, TimeStampedModel
from wenming.participation.choices import (
    REPORT_STATE_BADGE,
    Channel,
    PointsReason,
    PositionSource,
    ReportEventKind,
    ReportState,
)
from wenming.participation.querysets import (
    ClassifierModelQuerySet,
    Open311ClientQuerySet,
    PointsEntryQuerySet,
    ReportEventQuerySet,
    ReportQuerySet,
)

# Crockford's base32 without I, L, O, U: nothing to misread when a citizen types the code from a screenshot.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 50 bits: the tracking code is the reporter's only key to confirm, dispute and rate


def new_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_tracking_code(text: str) -> str:
    """What a citizen typed ("k7m2q-9xp3d ") → the stored form ("K7M2Q9XP3D"); O→0, I/L→1 as Crockford says."""
    cleaned = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))[:CODE_LENGTH]


class Report(PublicIdModel, TimeStampedModel):
    """A citizen's report (群众上报 / 文明随手拍): what, where, photos, and how the office triaged it.

    Reporter contact data (name, phone, e-mail, device/account ids) is private: only the office sees it;
    it never appears on public pages, Open311 answers or public exports.
    """

    code = models.CharField(
        _("查询码"), max_length=CODE_LENGTH, unique=True, default=new_tracking_code, editable=False
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    state = models.CharField(
        _("审核状态"), max_length=10, choices=ReportState.choices, default=ReportState.PENDING, db_index=True
    )
    submitted_at = models.DateTimeField(_("上报时间"), default=timezone.now, db_index=True)
    # what
    category = models.ForeignKey(
        "standards.ProblemCategory",
        verbose_name=_("群众所选类别"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    suggested_category = models.ForeignKey(
        "standards.ProblemCategory",
        verbose_name=_("建议类别"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    suggestion_confidence = models.FloatField(_("建议置信度"), null=True, blank=True)
    classifier = models.ForeignKey(
        "participation.ClassifierModel",
        verbose_name=_("分类模型"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = models.TextField(_("问题描述（原文）"))
    public_description = models.TextField(
        _("公开描述"), blank=True, help_text=_("审核后公开的文字；留空则公开原文（个人信息自动打码）")
    )
    description_hidden = models.BooleanField(_("隐藏描述"), default=False)
    moderated_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    attributes = models.JSONField(_("补充信息"), default=dict, blank=True)
    media_url = models.URLField(_("外部图片链接"), max_length=500, blank=True)
    # where (stored WGS-84 with the system it arrived in)
    lat = models.FloatField(_("纬度（WGS-84）"), null=True, blank=True)
    lon = models.FloatField(_("经度（WGS-84）"), null=True, blank=True)
    coord_system = models.CharField(
        _("原始坐标系"), max_length=10, choices=CoordSystem.choices, default=CoordSystem.WGS84
    )
    position_source = models.CharField(
        _("位置来源"), max_length=10, choices=PositionSource.choices, default=PositionSource.NONE
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    area = models.ForeignKey(
        "geo.Area",
        verbose_name=_("所在区域"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    street = models.ForeignKey(
        "geo.Area",
        verbose_name=_("所在街道"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # routing preview at submission (the real routing happens when the case is created and dispatched)
    suggested_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("预计责任单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    routing_reason = models.CharField(_("预计派遣依据"), max_length=300, blank=True)
    duplicate_count = models.PositiveIntegerField(_("疑似重复数"), default=0)
    # who (private)
    reporter_name = models.CharField(_("上报人姓名"), max_length=60, blank=True)
    reporter_phone = models.CharField(_("上报人手机号"), max_length=20, blank=True, db_index=True)
    reporter_email = models.EmailField(_("上报人邮箱"), blank=True)
    device_id = models.CharField(_("设备标识"), max_length=100, blank=True)
    account_id = models.CharField(_("客户端账号"), max_length=100, blank=True)
    consented_at = models.DateTimeField(_("同意告知时间"), null=True, blank=True)
    client = models.ForeignKey(
        "participation.Open311Client",
        verbose_name=_("Open311 客户端"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    idempotency_key = models.CharField(max_length=120, unique=True, null=True, blank=True, editable=False)
    # triage
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("对应案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="citizen_reports",
    )
    reject_reason = models.CharField(_("不予受理理由"), max_length=300, blank=True)
    triaged_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # the reporter's follow-up
    supports = models.PositiveIntegerField(_("“我也遇到”人数"), default=0)
    confirmed_at = models.DateTimeField(_("确认解决时间"), null=True, blank=True)
    disputes = models.PositiveIntegerField(_("异议次数"), default=0)
    disputed_at = models.DateTimeField(_("最近异议时间"), null=True, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)

    # the place cell of (lat, lon) for the duplicate search (participation/cells.py); set by save()
    geo_cell = models.BigIntegerField(_("位置网格"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["supports", "updated_at", "duplicate_count", "geo_cell"])
    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("群众上报")
        verbose_name_plural = _("群众上报")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["state", "submitted_at"], name="report_state_submitted"),
            models.Index(fields=["lat", "lon"], name="report_lat_lon"),
            models.Index(fields=["street", "state"], name="report_street_state"),
            models.Index(fields=["category", "submitted_at"], name="report_category_submitted"),
            models.Index(fields=["state", "geo_cell", "submitted_at"], name="report_state_cell_submitted"),
        ]

    def save(self, *args, **kwargs) -> None:
        from wenming.participation.cells import cell

        geo_cell = cell(self.lat, self.lon)
        if geo_cell != self.geo_cell:
            self.geo_cell = geo_cell
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "geo_cell"}
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        # Never the reporter's name or phone: this string ends up in logs and admin pages.
        return f"{_('群众上报')} #{self.pk or '-'}"

    def get_absolute_url(self) -> str:
        return reverse("participation:report_detail", args=[self.pk])

    def get_tracking_url(self) -> str:
        return reverse("participation_public:track", args=[self.code])

    @property
    def request_id(self) -> str:
        """The public Open311 `service_request_id` (not the tracking code, which stays the reporter's secret)."""
        return str(self.pk)

    @property
    def state_badge(self) -> str:
        return REPORT_STATE_BADGE.get(self.state, "grey")

    @property
    def display_code(self) -> str:
        return f"{self.code[:5]}-{self.code[5:]}"

    @property
    def has_position(self) -> bool:
        return self.lat is not None and self.lon is not None

    @property
    def is_pending(self) -> bool:
        return self.state == ReportState.PENDING

    def effective_category(self):
        """The case's category once there is a case; else the citizen's choice; else the suggestion."""
        if self.case_id:
            return self.case.category
        return self.category or self.suggested_category


class ReportPhoto(PhotoBase):
    """A photo of a citizen report (上报照片); the office may hide it or blur parts before it is public."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    is_hidden = models.BooleanField(_("不公开"), default=False)
    redacted = models.FileField(
        _("遮挡后照片"), upload_to="photos/participation/redacted/", max_length=200, blank=True
    )
    redactions = models.JSONField(_("遮挡区域"), default=list, blank=True)

    class Meta:
        verbose_name = _("上报照片")
        verbose_name_plural = _("上报照片")
        ordering = ["report_id", "id"]

    def __str__(self) -> str:
        return f"{_('上报照片')} #{self.pk}"

    def public_file(self):
        """The file the public may see: the redacted version if there is one (None when hidden)."""
        if self.is_hidden:
            return None
        return self.redacted if self.redacted else self.image


class ReportEvent(AppendOnlyModel):
    """One row of a report's append-only timeline (上报流转记录); the case's own timeline continues it."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("类型"), max_length=20, choices=ReportEventKind.choices)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("公开说明"), blank=True, help_text=_("会显示在进度页上"))
    data = models.JSONField(_("数据"), default=dict, blank=True)

    objects = ReportEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("上报流转记录")
        verbose_name_plural = _("上报流转记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["report", "at"], name="report_event_report_at")]

    def __str__(self) -> str:
        return f"{self.report_id} {self.get_kind_display()}"


class Support(models.Model):
    """A "me too" (我也遇到) on an open report instead of a new one; counted once per phone when one is given.
    The phone is kept only as a keyed hash (`privacy.keyed_hash(phone, "support")`), never in the clear."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="support_rows")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    phone_hash = models.CharField(_("手机号摘要"), max_length=64, blank=True)
    client_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("我也遇到")
        verbose_name_plural = _("我也遇到")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "phone_hash"], condition=~Q(phone_hash=""), name="support_once_per_phone"
            ),
            models.UniqueConstraint(
                fields=["report", "client_hash"], condition=~Q(client_hash=""), name="support_once_per_client"
            ),
        ]

    def __str__(self) -> str:
        return f"{_('我也遇到')} → {self.report_id}"


class PointsEntry(AppendOnlyModel):
    """One line of a citizen's participation points (积分流水), keyed by phone number; no account needed."""

    phone = models.CharField(_("手机号"), max_length=20, db_index=True)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="points_entries")
    reason = models.CharField(_("原因"), max_length=10, choices=PointsReason.choices)
    points = models.IntegerField(_("积分"))
    at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = PointsEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("积分流水")
        verbose_name_plural = _("积分流水")
        ordering = ["-at", "-id"]
        constraints = [models.UniqueConstraint(fields=["report", "reason"], name="points_once_per_reason")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} +{self.points}"


class ClassifierModel(models.Model):
    """A trained category classifier (自动分类模型): char n-gram TF-IDF + logistic regression, stored here in
    the database (joblib blob) with its held-out metrics; the newest active one answers predictions."""

    created_at = models.DateTimeField(_("训练时间"), default=timezone.now, db_index=True)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    algorithm = models.CharField(_("算法"), max_length=120)
    blob = models.BinaryField(_("模型数据"))
    metrics = models.JSONField(_("评估指标"), default=dict)
    n_train = models.PositiveIntegerField(_("训练样本数"), default=0)
    n_test = models.PositiveIntegerField(_("留出样本数"), default=0)
    n_classes = models.PositiveIntegerField(_("类别数"), default=0)
    accuracy = models.FloatField(_("留出准确率"), null=True, blank=True)
    top3_accuracy = models.FloatField(_("前三命中率"), null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = ClassifierModelQuerySet.as_manager()

    class Meta:
        verbose_name = _("分类模型")
        verbose_name_plural = _("分类模型")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{_('分类模型')} #{self.pk} ({self.created_at:%Y-%m-%d %H:%M})"


class ClassifierLexicon(models.Model):
    """The office's edited slang and synonym lexicon of the classifier (分类词表), YAML as in
    `participation/data/lexicon.yaml`; the newest row wins over the shipped file at the next training."""

    created_at = models.DateTimeField(_("保存时间"), default=timezone.now)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("编辑人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("词表（YAML）"))

    class Meta:
        verbose_name = _("分类词表")
        verbose_name_plural = _("分类词表")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{_('分类词表')} #{self.pk}"


class Open311Client(TimeStampedModel):
    """An Open311 client (接口客户端): an app or script with its own API key, issued and revoked by the office.

    Only the key's SHA-256 is stored; the key itself is shown once, when it is issued."""

    name = models.CharField(_("名称"), max_length=80, unique=True)
    contact = models.CharField(_("联系人/说明"), max_length=200, blank=True)
    key_prefix = models.CharField(_("密钥前缀"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("有效"), default=True)
    hourly_limit = models.PositiveIntegerField(_("每小时提交上限（每个 IP）"), default=600)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("吊销人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["last_used_at", "updated_at"])

    objects = Open311ClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("Open311 客户端")
        verbose_name_plural = _("Open311 客户端")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RateCounter(models.Model):
    """A fixed-window counter for rate limits (限流计数), shared by every process through the database.

    `key` is an HMAC of the client's IP or phone (never the raw value) plus the limit's name."""

    key = models.CharField(max_length=120)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("限流计数")
        verbose_name_plural = _("限流计数")
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="rate_counter_key_window")
        ]
        indexes = [models.Index(fields=["window_start"], name="rate_counter_window")]

    def __str__(self) -> str:
        return f"{self.key[:16]}… {self.count}"
