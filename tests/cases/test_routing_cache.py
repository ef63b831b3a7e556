"""The per-process routing cache (cases.routing_cache over core.versions): kept between cases, rebuilt when a
rule, duty, person, area, unit, category or group changes (also in bulk paths and on rollback), and the
fixed number of queries of create + dispatch whatever the size of the configuration."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.cases.helpers import T0, new_case
from tests.factories import make_area, make_person, make_point, make_unit
from wenming.cases import services
from wenming.cases.models import RoutingRule
from wenming.cases.routing import route
from wenming.cases.routing_cache import CACHE
from wenming.core import versions
from wenming.geo.choices import AreaLevel
from wenming.geo.models import Duty

ON = datetime.date(2025, 9, 26)
START = datetime.date(2025, 1, 1)


def _decide(w):
    case = new_case(w, at=T0)
    decision = route(case, on=ON)
    return decision.step, decision.unit, decision.person


def test_the_cache_is_reused_until_a_watched_table_changes(world):
    w = world
    _decide(w)
    builds = CACHE.builds
    for _ in range(3):
        assert _decide(w)[0] == "group"  # no rule, duty or point: the category's special group
    assert CACHE.builds == builds  # creating cases changes nothing routing reads
    unit = make_unit(name="新规则单位")
    assert CACHE.builds == builds
    services.create_routing_rule(actor=w.office, name="新规则", priority=1, category=w.leaf, unit=unit)
    assert _decide(w) == ("rule", unit, None)
    assert CACHE.builds == builds + 1


def test_rules_duties_people_areas_units_and_categories_invalidate(world):
    w = world
    w.grid.unit = None
    w.grid.save()
    assert _decide(w) == ("group", w.bureau, None)

    # a duty for the category, then its person leaves
    person = make_person(name="类别负责人", unit=w.other_unit)
    duty = Duty.objects.create(person=person, post="category_lead", category=w.leaf, start_date=START)
    assert _decide(w) == ("category", w.other_unit, person)
    person.is_active = False
    person.save()
    assert _decide(w)[0] == "group"
    duty.delete()

    # a grid duty (queryset delete sends the signals too)
    grid_person = make_person(name="网格长", unit=w.street_unit)
    Duty.objects.create(person=grid_person, post="grid_lead", area=w.grid, start_date=START)
    assert _decide(w) == ("grid", w.street_unit, grid_person)
    Duty.objects.filter(area=w.grid).delete()
    assert _decide(w)[0] == "group"

    # the group's lead unit changes, then the category leaves the group: territory
    w.group.lead_unit = w.other_unit
    w.group.save()
    assert _decide(w) == ("group", w.other_unit, None)
    w.top.special_group = None
    w.top.save()
    w.leaf.refresh_from_db()
    assert _decide(w) == ("territory", w.street_unit, None)

    # the territorial unit changes, then the unit is renamed (the cached unit follows)
    w.street.unit = w.other_unit
    w.street.save()
    assert _decide(w) == ("territory", w.other_unit, None)
    w.other_unit.name = "区交通运输局"
    w.other_unit.save()
    decision = route(new_case(w, at=T0), on=ON)
    assert decision.unit.name == "区交通运输局"


def test_a_category_deadline_change_reaches_the_fix_deadline(world):
    w = world
    first = services.dispatch(new_case(w, at=T0), actor=w.office, unit=w.bureau, at=T0)
    w.leaf.deadline_value, w.leaf.deadline_unit = 3, "days"
    w.leaf.save()
    second = services.dispatch(new_case(w, at=T0), actor=w.office, unit=w.bureau, at=T0)
    assert first.fix_deadline < second.fix_deadline  # 1 working day, then 3 working days from the same start


def test_an_area_move_re_paths_the_cached_tree(world):
    w = world
    w.grid.unit = None
    w.grid.save()
    w.street.unit = None
    w.street.save()
    other_unit = make_unit(name="禾山街道办事处")
    w.other_street.unit = other_unit
    w.other_street.save()
    assert _decide(w)[0] == "group"
    w.top.special_group = None
    w.top.save()
    w.leaf.refresh_from_db()
    assert _decide(w)[0] == "none"
    from wenming.geo.services import move_area

    move_area(actor=w.office, area=w.community, new_parent=w.other_street)  # descendants re-pathed in bulk
    assert _decide(w) == ("territory", other_unit, None)


def test_a_rolled_back_change_is_forgotten(world):
    w = world
    unit = make_unit(name="回滚单位")
    with pytest.raises(RuntimeError), transaction.atomic():
        RoutingRule.objects.create(name="临时规则", priority=1, category=w.leaf, unit=unit)
        assert _decide(w) == ("rule", unit, None)  # seen at once inside the transaction
        raise RuntimeError
    assert _decide(w)[0] == "group"


def test_without_a_token_row_nothing_is_cached(world):
    from wenming.core.models import ConfigVersion

    w = world
    ConfigVersion.objects.filter(name="routing").delete()
    _decide(w)
    builds = CACHE.builds
    _decide(w)
    assert CACHE.builds >= builds + 1  # rebuilt at every use
    versions.changed("routing")  # recreates the row: cached again from here on
    _decide(w)
    builds = CACHE.builds
    _decide(w)
    assert CACHE.builds == builds


def _create_and_dispatch(w, point):
    case = services.create_case(
        actor=w.office, source="inspection", category=w.leaf, point=point, description="基准问题", at=T0
    )
    return services.dispatch(case, actor=w.office, at=T0)


def _queries(w, point) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        _create_and_dispatch(w, point)
    return [q["sql"] for q in ctx.captured_queries]


# create: routing-cache token, recurrence check, case number (UPDATE … RETURNING), case, history row, event,
# recipients token; dispatch: locked case, routing token, the point, alerts already sent, case update, history
# row, event, recipients token; and the two transactions' savepoints (BEGIN/COMMIT outside tests): 15 + 4.
CREATE_DISPATCH_QUERIES = 19


def test_create_and_dispatch_take_a_fixed_number_of_queries(world):
    w = world
    point = make_point(name="点位甲", area=w.grid, responsible_unit=w.bureau)
    _create_and_dispatch(w, point)  # warm: translations, calendar, routing cache
    small = _queries(w, point)
    # ten times the configuration: rules that do not match, duties elsewhere, more areas and units
    for i in range(10):
        unit = make_unit(name=f"单位{i}")
        RoutingRule.objects.create(name=f"规则{i}", priority=100 + i, category=w.hours_leaf, unit=unit)
        grid = make_area(AreaLevel.GRID, parent=w.community, name=f"网格{i}")
        Duty.objects.create(person=make_person(name=f"网格员{i}", unit=unit), post="grid_worker", area=grid,
                            start_date=START)  # fmt: skip
    _create_and_dispatch(w, point)  # the one rebuild after the changes
    large = _queries(w, point)
    assert len(small) == len(large) == CREATE_DISPATCH_QUERIES, "\n".join(large)
    case = _create_and_dispatch(w, point)
    assert (case.state, case.unit, case.routing_step) == ("dispatched", w.bureau, "point")


def test_recipients_follow_users_and_grants(world):
    from tests.factories import make_user
    from wenming.accounts.models import Membership
    from wenming.cases.notifications import GRANTS, office_user_ids, unit_user_ids

    w = world
    assert office_user_ids() == {w.office.pk, w.office2.pk}
    builds = GRANTS.builds
    assert office_user_ids() == {w.office.pk, w.office2.pk}
    assert GRANTS.builds == builds  # kept while nothing changes
    third = make_user("office", username="office3")
    assert office_user_ids() == {w.office.pk, w.office2.pk, third.pk}
    Membership.objects.filter(user=third).update(valid_until=datetime.date(2000, 1, 1))  # bulk: no signal
    from wenming.core import versions

    versions.changed("recipients")
    assert office_user_ids() == {w.office.pk, w.office2.pk}  # expired grant
    w.office2.is_active = False
    w.office2.save()
    assert office_user_ids() == {w.office.pk}

    case = services.dispatch(new_case(w, at=T0), actor=w.office, unit=w.bureau, person=w.person, at=T0)
    assert unit_user_ids(case) == {w.handler.pk, w.person_user.pk}
    membership = w.handler.memberships.get()
    membership.is_active = False
    membership.save()
    assert unit_user_ids(case) == {w.person_user.pk}
