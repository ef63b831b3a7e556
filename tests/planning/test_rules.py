"""Visit rules per point type: parsing, the service, the office's pages and their permission matrix."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.factories import make_point_type, make_user
from tests.permissions import assert_matrix
from wenming.planning import rules, services
from wenming.planning.models import VisitRule


def test_parse_windows_sorts_and_refuses_bad_windows():
    assert rules.parse_windows([["17:00", "19:00"], ["07:00", "09:00"]]) == ((420, 540), (1020, 1140))
    assert rules.parse_windows([]) == ()
    for bad in (
        [["09:00", "07:00"]],
        [["07:00", "10:00"], ["09:00", "11:00"]],
        [["7h", "9h"]],
        [["07:00"]],
        "x",
    ):
        with pytest.raises(rules.WindowError):
            rules.parse_windows(bad)


@pytest.mark.django_db
def test_defaults_apply_until_the_office_sets_a_rule():
    bus = make_point_type(code="BUS_STOP", name="公交站点")
    other = make_point_type()
    by_type = rules.rules_by_type()
    assert by_type["BUS_STOP"].windows == ((420, 540),)
    assert by_type[other.code] == rules.Rule(10, (), None)
    office = make_user("office")
    services.set_visit_rule(
        actor=office, point_type=bus, service_minutes=5, windows=[["06:30", "08:00"]], coverage_days=3
    )
    assert rules.rules_by_type()["BUS_STOP"] == rules.Rule(5, ((390, 480),), 3)
    with pytest.raises(PermissionDenied):
        services.set_visit_rule(actor=make_user("inspector"), point_type=bus, service_minutes=5, windows=[])
    with pytest.raises(services.PlanningError, match="重叠"):
        services.set_visit_rule(
            actor=office, point_type=bus, service_minutes=5, windows=[["07:00", "09:00"], ["08:00", "10:00"]]
        )
    assert VisitRule.objects.get().service_minutes == 5


@pytest.mark.django_db
def test_rule_pages(client):
    point_type = make_point_type(code="MARKET", name="农贸市场")
    office, leader, inspector = make_user("office"), make_user("leader"), make_user("inspector")
    assert_matrix(
        client, reverse("planning:rule_list"), {"anonymous": 302, office: 200, leader: 200, inspector: 404}
    )
    edit = reverse("planning:rule_edit", args=[point_type.pk])
    assert_matrix(client, edit, {"anonymous": 302, office: 200, leader: 404, inspector: 404})
    client.force_login(office)
    bad = client.post(edit, {"service_minutes": "15", "windows": "09:00-07:00"})
    assert bad.status_code == 400 and "晚于" in bad.content.decode() and not VisitRule.objects.exists()
    ok = client.post(
        edit, {"service_minutes": "15", "windows": "06:30-11:00，14:00–16:00", "coverage_days": "7"}
    )
    assert ok.status_code == 302
    rule = VisitRule.objects.get()
    assert (rule.windows, rule.coverage_days) == ([["06:30", "11:00"], ["14:00", "16:00"]], 7)
    assert "06:30-11:00, 14:00-16:00" in client.get(reverse("planning:rule_list")).content.decode()
