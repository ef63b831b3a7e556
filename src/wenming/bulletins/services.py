"""Writes of the bulletins app: create and edit bulletins, generate them in the background, move them through
the workflow, number and publish them (then they are frozen).

Every function is `verb_noun(*, actor, …)`, runs in one transaction and returns what it changed. Refusals
raise `BulletinError` (a ValidationError with a Chinese message), `PermissionDenied` (wrong role) or
`Http404` (outside the actor's scope), and write nothing. Jobs and notifications start after the commit.
The appraisal writes are in `bulletins/appraisal.py`.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.bulletins import collect as collecting
from wenming.bulletins.choices import (
    EDITABLE_STATES,
    FROZEN_STATES,
    BulletinEventKind,
    BulletinKind,
    BulletinState,
    JobKind,
    JobState,
)
from wenming.bulletins.models import Bulletin, BulletinEvent, BulletinJob, DocNumberSequence
from wenming.bulletins.periods import default_code, period_title, window_of
from wenming.bulletins.summary import write_summary
from wenming.bulletins.workflow import TRANSITIONS
from wenming.core.roles import sees_all

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = ("title", "summary", "requirements", "remarks", "issuer", "cc", "top_n")


class BulletinError(ValidationError):
    """A refused bulletin operation; the message says why, in Chinese."""


def default_issuer() -> str:
    return getattr(settings, "BULLETIN_ISSUER", "") or _("湖里区创建全国文明城市工作领导小组办公室")


def doc_prefix() -> str:
    return getattr(settings, "BULLETIN_DOC_PREFIX", "") or _("湖文明办")


def format_doc_number(year: int, seq: int) -> str:
    return f"{doc_prefix()}〔{year}〕{seq}号"


def _event(bulletin, kind, actor, *, from_state="", to_state="", note="", at=None) -> BulletinEvent:
    return BulletinEvent.objects.create(
        bulletin=bulletin, kind=kind, actor=actor, from_state=from_state, to_state=to_state, note=note,
        at=at or timezone.now(),
    )  # fmt: skip


def _require(actor, bulletin: Bulletin | None, action: str = "change") -> None:
    """PermissionDenied for a role that may never do this; Http404 when the bulletin is outside the scope."""
    if bulletin is None:
        if not sees_all(actor, action):
            raise PermissionDenied(_("只有文明办可以编辑通报。"))
        return
    if not Bulletin.objects.restrict(actor, "view").filter(pk=bulletin.pk).exists():
        raise Http404
    if not Bulletin.objects.restrict(actor, action).filter(pk=bulletin.pk).exists():
        raise PermissionDenied(_("您没有权限执行此操作。"))


def default_title(kind: str, *, period_code: str = "", round=None, theme=None, unit=None) -> str:  # noqa: A002
    if kind == BulletinKind.INSPECTION and round is not None:
        return _("关于%(name)s情况的通报") % {"name": round.name}
    if kind == BulletinKind.SPECIAL:
        if theme is not None:
            return _("关于%(p)s“%(t)s”专项整治情况的通报") % {"p": period_title(period_code), "t": theme.name}
        return _("关于%(u)s%(p)s文明创建问题整改情况的专项通报") % {
            "u": unit.name,
            "p": period_title(period_code),
        }
    if kind == BulletinKind.REDBLACK:
        return _("%(p)s文明创建工作红黑榜") % {"p": period_title(period_code)}
    return _("关于%(p)s文明创建工作情况的通报") % {"p": period_title(period_code)}


def _check_kind(kind, period_code, round, theme, unit) -> str:  # noqa: A002
    if kind not in BulletinKind.values:
        raise BulletinError({"kind": _("未知的通报类型。")})
    if kind == BulletinKind.INSPECTION:
        if round is None:
            raise BulletinError({"round": _("实地测评督查通报须选择测评轮次。")})
        if round.state == "draft":
            raise BulletinError({"round": _("草稿状态的轮次尚未开展，不能通报。")})
        return ""
    period_code = (period_code or "").strip() or default_code(kind, timezone.localdate())
    try:
        window = window_of(period_code)
    except ValidationError as exc:
        raise BulletinError({"period_code": exc.messages})
    if kind == BulletinKind.SPECIAL and theme is None and unit is None:
        raise BulletinError(_("专项通报须选择专项主题或通报单位。"))
    return window.code


@transaction.atomic
def create_bulletin(
    *, actor, kind: str, period_code: str = "", round=None, theme=None, subject_unit=None,  # noqa: A002
    title: str = "", issuer: str = "", recipients=None, top_n: int = 3, ranking_basis: str = "",
) -> Bulletin:  # fmt: skip
    """A new draft; its figures are collected by `start_job(kind=generate)` (the view does it at once)."""
    _require(actor, None)
    code = _check_kind(kind, period_code, round, theme, subject_unit)
    window = (
        collecting.window_of_dates(round.period_start, round.period_end)
        if kind == BulletinKind.INSPECTION
        else window_of(code)
    )
    if not 1 <= int(top_n or 0) <= 20:
        raise BulletinError({"top_n": _("红黑榜名额应为 1–20。")})
    from wenming.scoring import bases

    ranking_basis = ranking_basis or bases.DEFAULT
    if ranking_basis not in bases.BASES:
        raise BulletinError({"ranking_basis": _("未知的排名依据。")})
    bulletin = Bulletin.objects.create(
        kind=kind,
        title=(title or "").strip() or default_title(kind, period_code=code, round=round, theme=theme, unit=subject_unit),
        period_code=code,
        period_start=window.first_day,
        period_end=window.last_day,
        round=round if kind == BulletinKind.INSPECTION else None,
        theme=theme if kind == BulletinKind.SPECIAL else None,
        subject_unit=subject_unit if kind == BulletinKind.SPECIAL else None,
        issuer=(issuer or "").strip() or default_issuer(),
        top_n=top_n,
        ranking_basis=ranking_basis,
        created_by=actor,
    )  # fmt: skip
    if recipients:
        bulletin.recipients.set(recipients)
    _event(bulletin, BulletinEventKind.CREATED, actor, to_state=bulletin.state)
    return bulletin


def _locked(bulletin: Bulletin) -> Bulletin:
    return Bulletin.objects.select_for_update().get(pk=bulletin.pk)


@transaction.atomic
def update_bulletin(*, actor, bulletin: Bulletin, recipients=None, **fields) -> Bulletin:
    """Edit the text and the head of a draft; a bulletin under review, signed or published is locked."""
    _require(actor, bulletin)
    locked = _locked(bulletin)
    if locked.state not in EDITABLE_STATES:
        raise BulletinError(_("只有草稿状态的通报可以修改（已提交审核的请先退回）。"))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if "title" in fields and not (fields["title"] or "").strip():
        raise BulletinError({"title": _("请填写标题。")})
    if "issuer" in fields and not (fields["issuer"] or "").strip():
        raise BulletinError({"issuer": _("请填写发文机关。")})
    if "top_n" in fields and not 1 <= int(fields["top_n"] or 0) <= 20:
        raise BulletinError({"top_n": _("红黑榜名额应为 1–20。")})
    changed = []
    for name, value in fields.items():
        value = value.strip() if isinstance(value, str) else value
        if getattr(locked, name) != value:
            setattr(locked, name, value)
            changed.append(name)
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
    if recipients is not None:
        locked.recipients.set(recipients)
        changed.append("recipients")
    if changed:
        _event(
            locked,
            BulletinEventKind.EDITED,
            actor,
            note="、".join(str(Bulletin._meta.get_field(f).verbose_name) for f in changed),
        )
    return locked


# --- document numbers ---------------------------------------------------------------------------------------


def allocate_doc_number(year: int) -> int:
    """The next sequence number of `year`: the year's row is locked, so two publications never share one."""
    DocNumberSequence.objects.get_or_create(year=year)
    row = DocNumberSequence.objects.select_for_update().get(year=year)
    row.last += 1
    row.save(update_fields=["last"])
    return row.last


# --- workflow -------------------------------------------------------------------------------------------------


def _allowed(actor, bulletin, transition) -> bool:
    if Bulletin.objects.restrict(actor, transition.permission).filter(pk=bulletin.pk).exists():
        return True
    # a leader returns a bulletin under review to the office
    return (
        transition.action == "return"
        and bulletin.state == BulletinState.REVIEW
        and (Bulletin.objects.restrict(actor, "sign").filter(pk=bulletin.pk).exists())
    )


@transaction.atomic
def transition_bulletin(*, actor, bulletin: Bulletin, action: str, note: str = "", at=None) -> Bulletin:
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise BulletinError(_("未知的操作。"))
    if not Bulletin.objects.restrict(actor, "view").filter(pk=bulletin.pk).exists():
        raise Http404
    locked = _locked(bulletin)
    if not _allowed(actor, locked, transition):
        raise PermissionDenied(_("您没有权限执行此操作。"))
    if locked.state not in transition.sources:
        raise BulletinError(
            _("当前状态“%(s)s”不能%(a)s。") % {"s": locked.get_state_display(), "a": transition.label}
        )
    note = (note or "").strip()
    if transition.needs_note and not note:
        raise BulletinError({"note": _("请填写退回理由。")})
    at = at or timezone.now()
    if action == "submit" and not locked.has_data:
        raise BulletinError(_("请先生成通报数据，再提交审核。"))
    if (
        action == "submit"
        and BulletinJob.objects.filter(
            bulletin=locked, state__in=[JobState.PENDING, JobState.RUNNING]
        ).exists()
    ):
        raise BulletinError(_("通报正在生成，请等待完成后再提交审核。"))
    before = locked.state
    fields = ["state", "updated_at"]
    locked.state = transition.target
    if action == "submit":
        locked.submitted_at = at
        fields.append("submitted_at")
    elif action == "sign":
        locked.signed_at, locked.signed_by = at, actor
        fields += ["signed_at", "signed_by"]
    elif action == "return":
        locked.signed_at, locked.signed_by = None, None
        fields += ["signed_at", "signed_by"]
    elif action == "archive":
        locked.archived_at = at
        fields.append("archived_at")
    elif action == "publish":
        _publish(locked, actor, at)
        fields += [
            "doc_year",
            "doc_seq",
            "doc_number",
            "issue_date",
            "published_at",
            "published_by",
            "data_hash",
        ]
    locked.save(update_fields=fields)
    _event(locked, transition.event, actor, from_state=before, to_state=locked.state, note=note, at=at)
    _notify_transition(locked, action, actor)
    if action == "publish":
        job = BulletinJob.objects.create(bulletin=locked, kind=JobKind.PUBLISH, requested_by=actor)
        transaction.on_commit(partial(_enqueue, job.pk))
    return locked


def _publish(bulletin: Bulletin, actor, at) -> None:
    """Number, date and freeze: the snapshot's fingerprint is fixed here and checked by every later render."""
    issue = bulletin.issue_date or timezone.localdate(at)
    bulletin.issue_date = issue
    if not bulletin.doc_seq:
        bulletin.doc_year = issue.year
        bulletin.doc_seq = allocate_doc_number(issue.year)
        bulletin.doc_number = format_doc_number(issue.year, bulletin.doc_seq)
    bulletin.published_at, bulletin.published_by = at, actor
    bulletin.data_hash = collecting.data_hash(bulletin.data)


def _notify_transition(bulletin: Bulletin, action: str, actor) -> None:
    from wenming.accounts.models import User

    if action == "submit":
        users = User.objects.with_role("leader").filter(is_active=True)
        title = _("通报待签发：%(t)s") % {"t": bulletin.title}
    elif action == "publish":
        from wenming.accounts.models import Membership

        holders = Membership.objects.active().filter(unit__in=bulletin.recipients.all()).values("user_id")
        users = User.objects.filter(pk__in=holders, is_active=True)
        title = _("新通报：%(t)s") % {"t": bulletin.title}
    else:
        return
    ids = [u for u in users.values_list("pk", flat=True) if u != getattr(actor, "pk", None)]
    if not ids:
        return
    url = bulletin.get_absolute_url()

    def send():
        from wenming.core.notify import notify

        notify(list(User.objects.filter(pk__in=ids)), kind=f"bulletin.{action}", title=title, url=url)

    transaction.on_commit(send)


# --- background generation ------------------------------------------------------------------------------------


def _enqueue(job_id: int) -> None:
    from wenming.bulletins.tasks import run_bulletin_job

    run_bulletin_job.enqueue(job_id)


@transaction.atomic
def start_job(*, actor, bulletin: Bulletin, kind: str) -> BulletinJob:
    """Queue a generation (draft only) or a PDF; refused while another job of the bulletin is unfinished."""
    _require(actor, bulletin)
    locked = _locked(bulletin)
    if kind == JobKind.GENERATE and locked.state not in EDITABLE_STATES:
        raise BulletinError(_("只有草稿状态的通报可以重新生成数据。"))
    if kind == JobKind.PDF:
        if not locked.has_data:
            raise BulletinError(_("请先生成通报数据。"))
        if locked.state in FROZEN_STATES:
            raise BulletinError(_("已印发的通报已定稿，文件不再重新生成。"))
    if kind == JobKind.PUBLISH and (locked.state not in FROZEN_STATES or len(final_formats(locked)) == 3):
        raise BulletinError(_("只能为已印发但定稿文件未生成完成的通报补生成文件。"))
    if BulletinJob.objects.filter(bulletin=locked, state__in=[JobState.PENDING, JobState.RUNNING]).exists():
        raise BulletinError(_("该通报已有正在进行的生成任务，请稍候。"))
    job = BulletinJob.objects.create(bulletin=locked, kind=kind, requested_by=actor)
    transaction.on_commit(partial(_enqueue, job.pk))
    return job


class _Progress:
    """Maps work units of one step onto a range of the job's percentage; writes at most every 2 %."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.last = -1

    def set(self, percent: int, stage: str = "") -> None:
        percent = max(0, min(99, int(percent)))
        if percent - self.last < 2 and not stage:
            return
        self.last = percent
        values = {"progress": percent}
        if stage:
            values["stage"] = stage[:120]
        BulletinJob.objects.filter(pk=self.job_id).update(**values)

    def span(self, start: int, end: int, total: int, stage: str):
        self.set(start, stage)
        done = [0]

        def step(n: int) -> None:
            done[0] += n
            self.set(start + (end - start) * min(done[0], total) / max(total, 1))

        return step


def _file_name(bulletin: Bulletin, ext: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    return f"bulletin-{bulletin.pk}-{stamp}.{ext}"


def _store(bulletin: Bulletin, field: str, content: bytes, ext: str) -> str:
    """Replace the file of a field; returns its SHA-256."""
    current = getattr(bulletin, field)
    if current:
        current.storage.delete(current.name)
    getattr(bulletin, field).save(_file_name(bulletin, ext), ContentFile(content), save=False)
    return hashlib.sha256(content).hexdigest()


def _render(bulletin: Bulletin, formats: tuple[str, ...], progress: _Progress, start: int) -> dict[str, str]:
    from wenming.bulletins.render import document, excel, pdf, word

    outline = document.outline(bulletin)
    hashes = {}
    share = (100 - start) // len(formats)
    for i, fmt in enumerate(formats):
        lo, hi = start + i * share, start + (i + 1) * share
        if fmt == "docx":
            step = progress.span(lo, hi, word.work_units(outline), _("正在生成 Word 文件"))
            hashes["docx"] = _store(bulletin, "docx", word.write_docx(outline, progress=step), "docx")
        elif fmt == "xlsx":
            step = progress.span(
                lo,
                hi,
                max(1, sum(len(t.rows) for t in excel.all_tables(outline.sections))),
                _("正在生成 Excel 文件"),
            )
            hashes["xlsx"] = _store(bulletin, "xlsx", excel.write_xlsx(outline, progress=step), "xlsx")
        else:
            progress.set(lo, _("正在生成 PDF 文件"))
            hashes["pdf"] = _store(bulletin, "pdf", pdf.write_pdf(outline), "pdf")
    return hashes


def _generate(job: BulletinJob, progress: _Progress) -> None:
    bulletin = job.bulletin
    spec = collecting.spec_of(bulletin)
    data = collecting.collect(spec, progress=lambda p, stage: progress.set(p, stage))
    generated = write_summary(data)
    with transaction.atomic():
        locked = _locked(bulletin)
        if locked.state not in EDITABLE_STATES:
            raise BulletinError(_("通报已提交审核或已印发，数据未更新。"))
        previous_auto = (locked.data or {}).get("summary", "")
        data["summary"] = generated
        locked.data = data
        locked.data_hash = collecting.data_hash(data)
        locked.generated_at = timezone.now()
        fields = ["data", "data_hash", "generated_at", "updated_at"]
        if not locked.summary.strip() or locked.summary == previous_auto:
            locked.summary = generated
            fields.append("summary")
        locked.save(update_fields=fields)
        if not locked.recipients.exists() and data.get("recipient_unit_ids"):
            locked.recipients.set(data["recipient_unit_ids"])
        _event(locked, BulletinEventKind.GENERATED, job.requested_by,
               note=_("问题 %(n)d 个，照片 %(p)d 张") % {"n": len(data["problems"]), "p": data["photos"]})  # fmt: skip
    hashes = _render(locked, ("docx", "xlsx"), progress, 12)
    _save_files(locked, hashes, ("docx", "xlsx"), draft=True)


def final_formats(bulletin: Bulletin) -> list[str]:
    """The formats already rendered as the published, frozen document."""
    return list((bulletin.files_hash or {}).get("final", []))


def _save_files(bulletin: Bulletin, hashes: dict, formats, *, draft: bool) -> None:
    with transaction.atomic():
        locked = _locked(bulletin)
        if draft and locked.state in FROZEN_STATES:
            for fmt in formats:  # published meanwhile: the publication job writes the final files
                getattr(bulletin, fmt).storage.delete(getattr(bulletin, fmt).name)
            return
        for fmt in formats:
            setattr(locked, fmt, getattr(bulletin, fmt).name)
        files_hash = {**(locked.files_hash or {}), **hashes}
        if not draft:
            files_hash["final"] = sorted(set(final_formats(locked)) | set(formats))
        locked.files_hash = files_hash
        locked.save(update_fields=[*formats, "files_hash", "updated_at"])


def _publish_files(job: BulletinJob, progress: _Progress) -> None:
    """The final DOCX, XLSX and PDF of a published bulletin, from its frozen snapshot (checked first)."""
    bulletin = job.bulletin
    if bulletin.data_hash != collecting.data_hash(bulletin.data):
        raise BulletinError(_("数据快照与印发时的指纹不一致，拒绝生成。"))
    missing = tuple(f for f in ("docx", "xlsx", "pdf") if f not in final_formats(bulletin))
    if not missing:
        return
    hashes = _render(bulletin, missing, progress, 5)
    _save_files(bulletin, hashes, missing, draft=False)
    _event(
        bulletin,
        BulletinEventKind.RENDERED,
        job.requested_by,
        note=_("定稿文件：%(f)s") % {"f": "、".join(missing)},
    )


def _pdf(job: BulletinJob, progress: _Progress) -> None:
    bulletin = job.bulletin
    if bulletin.state in FROZEN_STATES:
        raise BulletinError(_("已印发的通报由印发任务生成定稿文件。"))
    hashes = _render(bulletin, ("pdf",), progress, 5)
    _save_files(bulletin, hashes, ("pdf",), draft=True)


RUNNERS = {JobKind.GENERATE: _generate, JobKind.PUBLISH: _publish_files, JobKind.PDF: _pdf}


def run_job(job_id: int) -> str:
    """The worker's side of a job: claim it, run it, record the outcome (never left "running")."""
    claimed = BulletinJob.objects.filter(pk=job_id, state=JobState.PENDING).update(
        state=JobState.RUNNING, started_at=timezone.now(), progress=0
    )
    if not claimed:
        job = BulletinJob.objects.filter(pk=job_id).first()
        return job.state if job else "missing"
    job = BulletinJob.objects.select_related("bulletin", "requested_by").get(pk=job_id)
    progress = _Progress(job.pk)
    try:
        RUNNERS[job.kind](job, progress)
    except Exception as exc:  # the job must end visibly failed, with the reason
        logger.exception("bulletin job %s failed", job_id)
        message = (
            " ".join(exc.messages) if isinstance(exc, ValidationError) else f"{exc.__class__.__name__}: {exc}"
        )
        BulletinJob.objects.filter(pk=job_id).update(
            state=JobState.FAILED, error=message[:500], finished_at=timezone.now()
        )
        return JobState.FAILED
    BulletinJob.objects.filter(pk=job_id).update(
        state=JobState.DONE, progress=100, stage=_("已完成"), finished_at=timezone.now()
    )
    return JobState.DONE


def generate_now(*, actor, bulletin: Bulletin, pdf: bool = False) -> Bulletin:
    """Generate synchronously (the demo loader and the benchmarks): the same job, run in this process."""
    job = BulletinJob.objects.create(bulletin=bulletin, kind=JobKind.GENERATE, requested_by=actor)
    run_job(job.pk)
    job.refresh_from_db()
    if job.state != JobState.DONE:
        raise BulletinError(job.error)
    if pdf:
        job = BulletinJob.objects.create(bulletin=bulletin, kind=JobKind.PDF, requested_by=actor)
        run_job(job.pk)
    bulletin.refresh_from_db()
    return bulletin


def publish_now(*, actor, bulletin: Bulletin, signer, at: datetime.datetime | None = None) -> Bulletin:
    """Submit, sign and publish in one go, rendering the final files in this process (demo loader)."""
    for action, who in (("submit", actor), ("sign", signer), ("publish", actor)):
        bulletin = transition_bulletin(actor=who, bulletin=bulletin, action=action, at=at)
    job = BulletinJob.objects.filter(bulletin=bulletin, kind=JobKind.PUBLISH).order_by("-pk").first()
    if job is not None and job.state == JobState.PENDING:
        run_job(job.pk)
    bulletin.refresh_from_db()
    return bulletin


def reset_interrupted_job(sender, task_path: str, args: list, **kwargs) -> None:
    """A bulletin job whose worker died: back to pending for the re-queued task (it claims pending jobs only)."""
    if task_path.endswith("run_bulletin_job") and args:
        BulletinJob.objects.filter(pk=args[0], state=JobState.RUNNING).update(
            state=JobState.PENDING, progress=0
        )


def fail_abandoned_job(sender, task_path: str, args: list, **kwargs) -> None:
    """A bulletin job whose worker died too often ends visibly failed, never "running" forever."""
    if task_path.endswith("run_bulletin_job") and args:
        BulletinJob.objects.filter(pk=args[0]).exclude(state=JobState.DONE).update(
            state=JobState.FAILED, error=_("后台任务中断次数过多，请重新生成。"), finished_at=timezone.now()
        )
