"""Training (培训指导): sessions for units, attendance per person, materials, short quizzes."""

import uuid
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wenming.core.models import AuthoredModel
from wenming.surveys.choices import ATTENDANCE_BADGE, TRAINING_KIND_BADGE, AttendanceStatus, TrainingKind
from wenming.surveys.querysets import AttendanceQuerySet, TrainingSessionQuerySet


class TrainingSession(AuthoredModel):
    """A training session (培训): topic, date, audience units; 实地考察分类观摩 visits example points by type."""

    topic = models.CharField(_("培训主题"), max_length=200)
    kind = models.CharField(
        _("形式"), max_length=12, choices=TrainingKind.choices, default=TrainingKind.LECTURE
    )
    date = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    trainer = models.CharField(_("主讲/带队"), max_length=120, blank=True)
    description = models.TextField(_("内容摘要"), blank=True)
    audience_units = models.ManyToManyField(
        "org.Unit", verbose_name=_("参训单位"), blank=True, related_name="training_sessions"
    )
    point_types = models.ManyToManyField(
        "standards.PointType", verbose_name=_("观摩点位类型"), blank=True, related_name="training_sessions"
    )
    history = HistoricalRecords(m2m_fields=[audience_units])

    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训")
        verbose_name_plural = _("培训")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.topic}"

    def get_absolute_url(self) -> str:
        return reverse("surveys:training_detail", args=[self.pk])

    @property
    def kind_badge(self) -> str:
        return TRAINING_KIND_BADGE.get(self.kind, "grey")


class Attendance(models.Model):
    """Whether one person attended one session (签到), with their best quiz score."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(
        "org.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="attendances"
    )
    status = models.CharField(
        _("出勤"), max_length=10, choices=AttendanceStatus.choices, default=AttendanceStatus.PRESENT
    )
    quiz_score = models.DecimalField(_("测验成绩"), max_digits=5, decimal_places=1, null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    history = HistoricalRecords()

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训签到")
        verbose_name_plural = _("培训签到")
        ordering = ["session_id", "person__unit_id", "person__name"]
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="survey_attendance_once")]

    def __str__(self) -> str:
        return f"{self.session} · {self.person} · {self.get_status_display()}"

    @property
    def status_badge(self) -> str:
        return ATTENDANCE_BADGE.get(self.status, "grey")


def material_upload_to(instance, filename: str) -> str:
    """training/<yyyy>/<mm>/<uuid><ext> — never the client's file name."""
    suffix = Path(filename).suffix.lower()[:10]
    day = timezone.localdate()
    return f"training/{day:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class TrainingMaterial(models.Model):
    """A file handed out at a session (培训材料): slides, a handbook, a video."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to=material_upload_to, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("培训材料")
        verbose_name_plural = _("培训材料")
        ordering = ["session_id", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("surveys:material_download", args=[self.pk])

    @property
    def extension(self) -> str:
        return Path(self.original_name or self.file.name).suffix.lower().lstrip(".")


class Quiz(models.Model):
    """A short quiz after a session (培训测验); scores are percentages of the points available."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="quizzes")
    title = models.CharField(_("测验名称"), max_length=200)
    pass_score = models.DecimalField(_("及格分"), max_digits=5, decimal_places=1, default=Decimal("60"))
    is_open = models.BooleanField(_("开放作答"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("培训测验")
        verbose_name_plural = _("培训测验")
        ordering = ["session_id", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("surveys:quiz_take", args=[self.pk])


class QuizQuestion(models.Model):
    """A question of a quiz: options (text list) and the indexes of the correct ones (one or more)."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField(_("题目"))
    options = models.JSONField(_("选项"), default=list)
    correct = models.JSONField(_("正确选项"), default=list, help_text=_("从 0 开始的选项序号列表"))
    points = models.DecimalField(_("分值"), max_digits=5, decimal_places=1, default=Decimal("10"))
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("测验题目")
        verbose_name_plural = _("测验题目")
        ordering = ["quiz_id", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def is_multiple(self) -> bool:
        return len(self.correct) > 1


class QuizAttempt(models.Model):
    """One person's answers to a quiz and the score they got (测验成绩)."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    person = models.ForeignKey(
        "org.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="quiz_attempts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("作答账号"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    client_id = models.UUIDField(_("客户端编号"), unique=True, default=uuid.uuid4)
    answers = models.JSONField(_("作答"), default=dict)
    score = models.DecimalField(_("成绩"), max_digits=5, decimal_places=1)
    passed = models.BooleanField(_("及格"), default=False)
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)

    class Meta:
        verbose_name = _("测验作答")
        verbose_name_plural = _("测验作答")
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.quiz} · {self.person} · {self.score}"
