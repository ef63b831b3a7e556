"""Models of the case screens (not of the workflow): a user's saved list filters and background XLSX exports.

Imported at the end of `cases/models.py` so Django registers them with the cases app.
"""

from django.conf import settings
from django.core.files.storage import Storage
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wenming.cases.choices import ExportStatus
from wenming.core import storage as core_storage
from wenming.core.policy import Policy, RestrictedQuerySet, owner, rows


def generated_storage() -> Storage:
    """Generated files live outside MEDIA_ROOT: they are served only through the owner-checked view."""
    return core_storage.generated_storage()


class SavedFilterQuerySet(RestrictedQuerySet):
    # A saved filter is private: its owner sees and changes it, nobody else.
    policy = Policy(otherwise=[rows(owner("owner"))])


class SavedFilter(models.Model):
    """A named case-list query a user keeps (常用筛选): name + querystring, private to its owner."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("所有人"),
        on_delete=models.CASCADE,
        related_name="case_filters",
    )
    name = models.CharField(_("名称"), max_length=60)
    query = models.CharField(_("筛选条件"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = SavedFilterQuerySet.as_manager()

    class Meta:
        verbose_name = _("常用筛选")
        verbose_name_plural = _("常用筛选")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="case_saved_filter_owner_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        url = reverse("cases:case_list")
        return f"{url}?{self.query}" if self.query else url


class ExportJobQuerySet(RestrictedQuerySet):
    # An export (and its file) belongs to whoever started it; nobody else may even see it exists.
    policy = Policy(otherwise=[rows(owner("owner"))])


class ExportJob(models.Model):
    """A background XLSX export of a filtered case list (案件导出任务): its query, progress and file."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.CASCADE,
        related_name="case_exports",
    )
    params = models.CharField(_("筛选条件"), max_length=1000, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    total = models.PositiveIntegerField(_("总行数"), default=0)
    done_rows = models.PositiveIntegerField(_("已写行数"), default=0)
    file = models.FileField(
        _("文件"), storage=generated_storage, upload_to="exports/cases/%Y/%m/", blank=True
    )
    error = models.CharField(_("错误"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件导出任务")
        verbose_name_plural = _("案件导出任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.owner_id} #{self.pk} {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("cases:export_job", args=[self.pk])

    @property
    def progress(self) -> int:
        """Percent written (0–100)."""
        if self.status == ExportStatus.DONE:
            return 100
        return min(99, self.done_rows * 100 // self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)
