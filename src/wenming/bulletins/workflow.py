"""The bulletin workflow, declared once: which action moves a bulletin from which state to which, and who may.

    草稿 ──submit──► 待审核 ──sign──► 已签发 ──publish──► 已印发 ──archive──► 已归档
      ▲                │                 │
      └────return──────┴─────────────────┘

`permission` names the `Bulletin.objects.restrict(user, …)` action the actor needs: "change" (admin/office)
or "sign" (leader/admin). Services look the action up here; nothing else decides a transition.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from wenming.bulletins.choices import BulletinEventKind, BulletinState

S = BulletinState


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[str]
    target: str
    permission: str
    event: str
    needs_note: bool = False
    css: str = ""


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("submit", _("提交审核"), frozenset({S.DRAFT}), S.REVIEW, "change", BulletinEventKind.SUBMITTED,
                   css="btn-primary"),
        Transition("return", _("退回修改"), frozenset({S.REVIEW, S.SIGNED}), S.DRAFT, "change",
                   BulletinEventKind.RETURNED, needs_note=True),
        Transition("sign", _("签发"), frozenset({S.REVIEW}), S.SIGNED, "sign", BulletinEventKind.SIGNED,
                   css="btn-primary"),
        Transition("publish", _("印发"), frozenset({S.SIGNED}), S.PUBLISHED, "change", BulletinEventKind.PUBLISHED,
                   css="btn-primary"),
        Transition("archive", _("归档"), frozenset({S.PUBLISHED}), S.ARCHIVED, "change", BulletinEventKind.ARCHIVED),
    )
}  # fmt: skip


def available(bulletin, user) -> list[Transition]:
    """The actions this user may take on this bulletin now (for the detail page's buttons)."""
    from wenming.bulletins.models import Bulletin

    out = []
    for t in TRANSITIONS.values():
        if bulletin.state not in t.sources:
            continue
        if t.action == "return" and bulletin.state == S.REVIEW:
            # the leader returns from review too
            allowed = Bulletin.objects.restrict(user, "change").filter(pk=bulletin.pk).exists() or (
                Bulletin.objects.restrict(user, "sign").filter(pk=bulletin.pk).exists()
            )
        else:
            allowed = Bulletin.objects.restrict(user, t.permission).filter(pk=bulletin.pk).exists()
        if allowed:
            out.append(t)
    return out
