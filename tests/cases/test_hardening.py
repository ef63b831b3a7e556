"""Cases under issue 10: the timeline refuses rewrites at every level (cascades included), the admin cannot
edit workflow state, and reporter views, exports and out-of-scope requests land in the audit log."""

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import RequestFactory

from tests.cases.helpers import case_in, new_case
from tests.factories import make_user
from wenming.accounts.choices import AuditAction
from wenming.accounts.models import AuditEvent
from wenming.cases.models import Case, CaseEvent
from wenming.core.appendonly import AppendOnlyError


def test_the_timeline_refuses_queryset_updates_deletes_and_the_cascade_of_a_case(world):
    case = case_in(world, "dispatched")
    events = list(case.events.values_list("pk", "kind"))
    assert len(events) >= 2
    with pytest.raises(AppendOnlyError):
        case.events.update(note="改写")
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.filter(case=case).delete()
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.bulk_update(list(case.events.all()), ["note"])
    # deleting the case would cascade into its timeline: refused, and the whole delete rolls back
    with pytest.raises(AppendOnlyError), transaction.atomic():
        case.delete()
    with pytest.raises(AppendOnlyError), transaction.atomic():
        Case.objects.filter(pk=case.pk).delete()
    assert Case.objects.filter(pk=case.pk).exists()
    assert list(case.events.values_list("pk", "kind")) == events


WORKFLOW_ADMINS = [
    "cases.Case",
    "participation.Report",
    "participation.ReportEvent",
    "participation.PointsEntry",
    "inspections.Round",
    "inspections.Task",
    "inspections.Inspection",
    "inspections.ObservationPhoto",
    "bulletins.Bulletin",
    "bulletins.AppraisalRun",
    "bulletins.Appeal",
    "scoring.ScoreSnapshot",
    "surveys.Wave",
    "surveys.Response",
    "surveys.QuizAttempt",
    "accounts.AuditEvent",
    "core.ScheduledRun",
    "core.Notification",
    "core.Delivery",
    "axes.AccessLog",
    "axes.AccessFailureLog",
    "authtoken.TokenProxy",
]


@pytest.mark.django_db
def test_workflow_event_and_ledger_models_are_read_only_in_the_django_admin():
    from django.apps import apps

    superuser = make_user(is_superuser=True, is_staff=True)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    for label in WORKFLOW_ADMINS:
        model_admin = admin.site._registry[apps.get_model(label)]
        assert not model_admin.has_add_permission(request), label
        assert not model_admin.has_change_permission(request), label
        assert not model_admin.has_delete_permission(request), label
        for inline in model_admin.get_inline_instances(request):
            assert not inline.has_change_permission(request), (label, inline)
            assert not inline.has_delete_permission(request), (label, inline)
            assert not inline.has_add_permission(request, None), (label, inline)


def test_a_post_to_the_admin_change_page_of_a_case_changes_nothing(world, client):
    case = new_case(world)
    superuser = make_user(is_superuser=True, is_staff=True)
    client.force_login(superuser)
    page = client.get(f"/admin/cases/case/{case.pk}/change/")
    assert page.status_code == 200  # visible …
    response = client.post(f"/admin/cases/case/{case.pk}/change/", {"state": "closed", "description": "改写"})
    assert response.status_code == 403  # … not editable
    case.refresh_from_db()
    assert case.state == "reported" and case.description == "路边暴露垃圾"
    assert client.post(f"/admin/cases/case/{case.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Case.objects.filter(pk=case.pk).exists()


def test_reporter_views_exports_and_out_of_scope_requests_are_audited(world, client):
    mine = new_case(world, reporter_name="王某", reporter_phone="13800000000")
    client.force_login(world.office)
    assert client.get(f"/cases/{mine.pk}/").status_code == 200
    export = client.get("/cases/export/?state=reported")
    assert export.status_code == 200
    client.force_login(world.other_street_user)  # the case is in another street
    assert client.get(f"/cases/{mine.pk}/").status_code == 404

    view = AuditEvent.objects.get(action=AuditAction.PERSONAL_VIEW)
    assert (view.actor, view.target) == (world.office, f"cases.Case:{mine.pk}")
    exported = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert exported.actor == world.office and exported.target == "cases.Case"
    assert exported.detail == {"rows": 1, "with_reporter": True, "query": "state=reported"}
    denied = AuditEvent.objects.get(action=AuditAction.DENIED)
    assert denied.actor == world.other_street_user and denied.target == f"/cases/{mine.pk}/"
    assert denied.detail["status"] == 404


def test_only_real_denials_are_audited_not_misses_of_ids_that_name_nothing(world, client):
    """A signed-in user reaching a case outside their scope (web and API) or a role refused an action is a
    denial; the same URLs with an id that names no case are ordinary misses."""
    from rest_framework.authtoken.models import Token

    mine = new_case(world, reporter_name="王某", reporter_phone="13800000000")
    missing = mine.pk + 1000
    client.force_login(world.other_street_user)
    assert client.get(f"/cases/{mine.pk}/").status_code == 404  # exists, out of scope
    assert client.get(f"/cases/{missing}/").status_code == 404  # names nothing
    client.logout()
    token = Token.objects.create(user=world.other_street_user).key
    api = {"HTTP_AUTHORIZATION": f"Token {token}"}
    assert client.get(f"/api/v1/cases/{mine.pk}/", **api).status_code == 404
    assert client.get(f"/api/v1/cases/{missing}/", **api).status_code == 404
    assert client.get(f"/api/v1/cases/{missing}/events/", **api).status_code == 404
    assert client.get("/api/v1/users/", **api).status_code == 403  # a role refused

    denied = sorted(AuditEvent.objects.filter(action=AuditAction.DENIED).values_list("target", flat=True))
    assert denied == sorted([f"/cases/{mine.pk}/", f"/api/v1/cases/{mine.pk}/", "/api/v1/users/"])
    assert set(AuditEvent.objects.filter(action=AuditAction.DENIED).values_list("actor", flat=True)) == {
        world.other_street_user.pk
    }
