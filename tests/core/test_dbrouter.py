"""The read-replica router (wenming.core.dbrouter): which reads go to the replica, and read-your-writes.

Unit tests of the router, the pin middleware and the view mixin with the replica switched on
(`replica_configured` patched: the suite's database has no second alias); the settings wiring from the
environment is checked in a child process (tests/core/test_storage_settings.py).
"""

import pytest
from django.http import HttpResponse
from django.template import engines
from django.template.response import SimpleTemplateResponse
from django.test import RequestFactory
from django.views import View

from wenming.accounts.models import User
from wenming.cases.models import Case
from wenming.core import dbrouter
from wenming.core.dbrouter import (
    PIN_COOKIE,
    ReplicaPinMiddleware,
    ReplicaReadsMixin,
    ReplicaRouter,
    replica_reads,
)

router = ReplicaRouter()


@pytest.fixture
def replica(monkeypatch):
    monkeypatch.setattr(dbrouter, "replica_configured", lambda: True)


def test_without_a_replica_every_read_is_the_primarys():
    with replica_reads() as used:
        assert used is False
        assert router.db_for_read(Case) == "default"


def test_reads_inside_replica_reads_go_to_the_replica_and_only_there(replica):
    assert router.db_for_read(Case) == "default"
    with replica_reads() as used:
        assert used is True
        assert router.db_for_read(Case) == "replica"
    assert router.db_for_read(Case) == "default"


def test_a_write_sends_the_rest_of_the_request_to_the_primary(replica):
    with replica_reads():
        assert router.db_for_read(Case) == "replica"
        assert router.db_for_write(Case) == "default"
        assert router.db_for_read(Case) == "default"  # read your writes
    with replica_reads():
        assert router.db_for_read(Case) == "replica"  # the next request starts afresh


def test_saving_the_session_does_not_pin(replica):
    from django.contrib.sessions.models import Session

    with replica_reads():
        assert router.db_for_write(Session) == "default"
        assert router.db_for_read(Case) == "replica"


def test_only_get_and_head_without_the_pin_cookie_may_use_the_replica(replica):
    rf = RequestFactory()
    assert dbrouter.may_use_replica(rf.get("/"))
    assert dbrouter.may_use_replica(rf.head("/"))
    assert not dbrouter.may_use_replica(rf.post("/"))
    pinned = rf.get("/")
    pinned.COOKIES[PIN_COOKIE] = "1"
    assert not dbrouter.may_use_replica(pinned)
    with replica_reads(rf.post("/")) as used:
        assert used is False and router.db_for_read(Case) == "default"


def test_migrations_run_on_the_primary_only_and_relations_across_the_two_are_allowed():
    assert router.allow_migrate("default", "cases") is True
    assert router.allow_migrate("replica", "cases") is False
    a, b = Case(), User()
    a._state.db, b._state.db = "replica", "default"
    assert router.allow_relation(a, b) is True
    b._state.db = "other"
    assert router.allow_relation(a, b) is None


def test_a_request_that_wrote_pins_the_user_to_the_primary_for_a_while(settings):
    settings.REPLICA_PIN_SECONDS = 7
    rf = RequestFactory()

    def writes(request):
        router.db_for_write(Case)
        return HttpResponse("ok")

    def reads(request):
        router.db_for_read(Case)
        return HttpResponse("ok")

    response = ReplicaPinMiddleware(writes)(rf.post("/"))
    assert response.cookies[PIN_COOKIE]["max-age"] == 7
    assert response.cookies[PIN_COOKIE]["httponly"]
    assert PIN_COOKIE not in ReplicaPinMiddleware(reads)(rf.get("/")).cookies


class Probe(ReplicaReadsMixin, View):
    """Where the view's reads, and its lazily rendered template's, would go."""

    def get(self, request):
        template = engines["django"].from_string("{{ view_db }}|{{ template_db }}")
        return SimpleTemplateResponse(
            template, {"view_db": router.db_for_read(Case), "template_db": lambda: router.db_for_read(Case)}
        )

    def post(self, request):
        return HttpResponse(router.db_for_read(Case))


def test_the_mixin_routes_a_get_and_its_template_to_the_replica_and_nothing_else(replica):
    rf = RequestFactory()
    response = Probe.as_view()(rf.get("/"))
    assert response.content == b"replica|replica"  # rendered inside the view's replica block
    assert Probe.as_view()(rf.post("/")).content == b"default"
    pinned = rf.get("/")
    pinned.COOKIES[PIN_COOKIE] = "1"
    assert Probe.as_view()(pinned).content == b"default|default"
    assert router.db_for_read(Case) == "default"  # nothing leaks past the request


def test_the_dashboards_opt_in_and_the_other_pages_do_not():
    from wenming.cases.views_exports import ExportDownloadView
    from wenming.dashboard import views as dashboard
    from wenming.scoring.views import RankingsView

    for view in (dashboard.HomeView, dashboard.LeaderView, dashboard.BigScreenView, dashboard.LeaderPointsView,
                 dashboard.LeaderHeatView, dashboard.EstimateView, RankingsView):  # fmt: skip
        assert issubclass(view, ReplicaReadsMixin), view
    assert not issubclass(dashboard.TestDateView, ReplicaReadsMixin)
    assert not issubclass(ExportDownloadView, ReplicaReadsMixin)
