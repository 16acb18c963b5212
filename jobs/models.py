"""A background job a user asked for (a long document, a bundle, an export) and what it made.

The task queue (django-tasks: database or Redis) only runs the work; this row is what the user
sees on "Tài liệu của tôi": state, progress reported by the job itself, the file, the error in
Vietnamese. It outlives the queue's own records, so a job whose worker died can be started again
(``jobs.services.jobs_recover``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def result_path(job: Job, filename: str) -> str:
    return f"jobs/{job.owner_id}/{job.pk}/{filename}"


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang thực hiện")
        DONE = "done", _("Hoàn thành")
        FAILED = "failed", _("Không thành công")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs",
                              verbose_name=_("người yêu cầu"))
    kind = models.CharField(_("loại"), max_length=40)
    title = models.CharField(_("tài liệu"), max_length=250)
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_done = models.PositiveIntegerField(_("số dòng đã xong"), default=0)
    rows_total = models.PositiveIntegerField(_("tổng số dòng"), default=0)
    progress_label = models.CharField(max_length=30, blank=True, default="dòng")  # what rows_done counts
    # A retry or a recovery starts a new attempt; work of an older attempt is ignored.
    attempt = models.PositiveSmallIntegerField(default=1)
    parts_total = models.PositiveSmallIntegerField(default=0)
    parts_done = models.PositiveSmallIntegerField(default=0)
    task_ids = models.JSONField(default=list, blank=True)  # task results of the current attempt
    worker = models.CharField(max_length=120, blank=True)  # host:pid that last worked on it
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    result = models.FileField(_("tệp kết quả"), upload_to=result_path, blank=True, max_length=300)
    result_name = models.CharField(max_length=200, blank=True)
    result_type = models.CharField(max_length=120, blank=True)
    # A job that records something (an import, a decision) makes no file: what it did, in words,
    # and the page where the user sees it.
    summary = models.TextField(_("kết quả"), blank=True)
    result_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("tài liệu yêu cầu")
        verbose_name_plural = _("tài liệu yêu cầu")
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="job_owner_recent"),
            models.Index(fields=["status"], name="job_open", condition=Q(status__in=["queued", "running"])),
            models.Index(fields=["expires_at"], name="job_expiry"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(parts_done__lte=models.F("parts_total")), name="job_parts_le_total"),
            models.CheckConstraint(condition=~Q(status="done") | ~Q(result="") | ~Q(result_url=""),
                                   name="job_done_has_result"),
        ]

    def __str__(self):
        return f"{self.title} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, self.rows_done * 100 // self.rows_total)
