"""The fuzzers' small but real district: two streets (one with a community and a grid), units, a special
group, categories, points, a standard with a published and a closed round (with a frozen snapshot), cases and
citizen reports made through the services, and one user per role with a real scoped Membership and an API
token. Built once per test module (inside a transaction rolled back afterwards)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from rest_framework.authtoken.models import Token

from tests.factories import (
    make_area,
    make_category,
    make_group,
    make_person,
    make_point,
    make_point_type,
    make_unit,
    make_user,
    square,
)
from tests.inspections.factories import make_standard
from tests.participation.helpers import jpeg
from wenming.accounts.choices import Role
from wenming.geo.choices import AreaLevel
from wenming.org.choices import UnitLevel

# The roles of issue 10, keyed by the demo's account names; None = anonymous.
ROLES = {
    "admin": Role.ADMIN,
    "office": Role.OFFICE,
    "leader": Role.LEADER,
    "group": Role.GROUP_LEAD,
    "unit": Role.UNIT_HANDLER,
    "street": Role.STREET,
    "community": Role.COMMUNITY,
    "grid": Role.GRID,
    "inspector": Role.INSPECTOR,
    "auditor": Role.AUDITOR,
    "anonymous": None,
}
# Inside the first street's square (lon 118.10–118.12, lat 24.50–24.52); the other street is further east.
LAT, LON = 24.5105, 118.1105
OTHER_LAT, OTHER_LON = 24.5105, 118.1705


@dataclass
class World:
    users: dict = field(default_factory=dict)  # role name → User (None for anonymous)
    tokens: dict = field(default_factory=dict)  # role name → token key
    objects: dict = field(default_factory=dict)  # name → row, for targeted tests
    leaf_category_id: int = 0

    def restore_token(self, role: str) -> None:
        """Give the role its token back if a request revoked it, so the rest of the run is not all 401s."""
        key = self.tokens.get(role)
        if key and not Token.objects.filter(key=key).exists():
            Token.objects.filter(user=self.users[role]).delete()
            Token.objects.create(user=self.users[role], key=key)

    def headers(self, role: str) -> dict:
        key = self.tokens.get(role)
        return {"Authorization": f"Token {key}"} if key else {}


def build_world() -> World:
    from wenming.cases import services as cases
    from wenming.cases.choices import CaseSource
    from wenming.inspections import services as inspections
    from wenming.inspections.choices import RoundKind
    from wenming.participation import services as participation

    street_unit = make_unit(name="湖里街道办事处", level=UnitLevel.STREET)
    other_street_unit = make_unit(name="金山街道办事处", level=UnitLevel.STREET)
    bureau = make_unit(name="区城市管理局")
    other_bureau = make_unit(name="区交通运输局")
    city_unit = make_unit(name="市供电公司", level=UnitLevel.MUNICIPAL)
    district = make_area(AreaLevel.DISTRICT, name="湖里区", boundary=square(118.06, 24.47, 0.15))
    street = make_area(
        AreaLevel.STREET,
        parent=district,
        name="湖里街道",
        unit=street_unit,
        boundary=square(118.10, 24.50, 0.02),
    )
    community = make_area(
        AreaLevel.COMMUNITY, parent=street, name="东渡社区", boundary=square(118.10, 24.50, 0.02)
    )
    grid = make_area(
        AreaLevel.GRID, parent=community, name="东渡一网格", boundary=square(118.10, 24.50, 0.02)
    )
    other_street = make_area(
        AreaLevel.STREET,
        parent=district,
        name="金山街道",
        unit=other_street_unit,
        boundary=square(118.16, 24.50, 0.02),
    )
    group = make_group(name="市容环境卫生整治组", lead_unit=bureau)
    other_group = make_group(name="交通秩序整治组", lead_unit=other_bureau)
    top = make_category(code="ENV", name="环境卫生", public_name="环境卫生", special_group=group)
    leaf = make_category(
        parent=top, code="ENV-01", name="暴露垃圾", public_name="垃圾没有及时清运", deadline_value=1,
        deadline_unit="days", examples="路边堆了好几袋生活垃圾\n垃圾好几天没人收",
    )  # fmt: skip
    traffic = make_category(code="TRA", name="交通秩序", public_name="交通秩序", special_group=other_group)
    traffic_leaf = make_category(parent=traffic, code="TRA-01", name="乱停车", public_name="车辆乱停放")
    person = make_person(name="李责任", unit=bureau)
    other_person = make_person(name="王责任", unit=other_bureau)
    pt = make_point_type(name="背街小巷")
    points = [
        make_point(point_type=pt, area=grid, responsible_unit=bureau, responsible_person=person,
                   name="东渡路", lat=LAT, lon=LON),
        make_point(point_type=pt, area=grid, responsible_unit=street_unit, name="海天路", lat=LAT + 0.001, lon=LON),
        make_point(point_type=pt, area=other_street, responsible_unit=other_bureau,
                   responsible_person=other_person, name="金山路", lat=OTHER_LAT, lon=OTHER_LON),
    ]  # fmt: skip

    w = World(leaf_category_id=leaf.pk)
    users = {
        "admin": make_user(Role.ADMIN, username="fz-admin"),
        "office": make_user(Role.OFFICE, username="fz-office"),
        "leader": make_user(Role.LEADER, username="fz-leader"),
        "group": make_user(Role.GROUP_LEAD, special_group=group, username="fz-group"),
        "unit": make_user(Role.UNIT_HANDLER, unit=bureau, username="fz-unit"),
        "street": make_user(Role.STREET, area=street, username="fz-street"),
        "community": make_user(Role.COMMUNITY, area=community, username="fz-community"),
        "grid": make_user(Role.GRID, area=grid, username="fz-grid"),
        "inspector": make_user(Role.INSPECTOR, username="fz-inspector"),
        "auditor": make_user(Role.AUDITOR, username="fz-auditor"),
    }
    w.users = {**users, "anonymous": None}
    w.tokens = {name: Token.objects.create(user=u).key for name, u in users.items()}
    office, inspector = users["office"], users["inspector"]
    partner = make_user(Role.INSPECTOR, username="fz-partner")
    other_handler = make_user(Role.UNIT_HANDLER, unit=other_bureau, username="fz-other-unit")

    # Standard, an open (published) round with tasks and a closed round with inspections and a snapshot.
    standard, criteria = make_standard([pt], category=leaf)
    open_round = inspections.create_round(
        actor=office, kind=RoundKind.MOCK, name="2026年第一季度模拟测评", period_start=datetime.date(2026, 3, 1),
        period_end=datetime.date(2026, 3, 31), standard_set=standard, plan={"mode": "random", "per_type": {pt.code: 3}}, seed=2026,
        inspectors=[inspector, partner],
    )  # fmt: skip
    inspections.publish_round(actor=office, round=open_round)
    closed_round = inspections.create_round(
        actor=office, kind=RoundKind.MOCK, name="2025年第四季度模拟测评", period_start=datetime.date(2025, 12, 1),
        period_end=datetime.date(2025, 12, 31), standard_set=standard, plan={"mode": "random", "per_type": {pt.code: 3}}, seed=2025,
        inspectors=[inspector, partner],
    )  # fmt: skip
    inspections.publish_round(actor=office, round=closed_round)
    from wenming.inspections.models import Inspection, Observation

    for point in points:
        insp = Inspection.objects.create(
            round=closed_round,
            point=point,
            inspector=inspector,
            submitted_at=datetime.datetime.now(datetime.UTC),
        )
        for key, c in criteria.items():
            result = "noncompliant" if key in ("compliance", "block") and point.pk % 2 else "compliant"
            extra = (
                {"count": 2}
                if key == "quota"
                else {"sub_results": [True, True, True]}
                if key == "sampled"
                else {}
            )
            Observation.objects.create(inspection=insp, criterion=c, result=result, problems=0, **extra)
    inspections.close_round(actor=office, round=closed_round)  # freezes the round's scores (a snapshot)

    # Cases in several states, in and out of each field user's scope.
    made = []
    for i, (lat, lon) in enumerate([(LAT, LON), (OTHER_LAT, OTHER_LON), (LAT, LON), (OTHER_LAT, OTHER_LON)]):
        c = cases.create_case(
            actor=inspector, source=CaseSource.INSPECTION, category=leaf if i % 2 == 0 else traffic_leaf,
            description=f"路边暴露垃圾{i}", lat=lat, lon=lon, photos=[jpeg()],
        )  # fmt: skip
        made.append(c)
    cases.register(made[0], actor=office)
    cases.dispatch(made[1], actor=office, unit=other_bureau)
    cases.dispatch(made[2], actor=office, unit=bureau, person=person)
    cases.dispatch(made[3], actor=office, unit=city_unit)
    # Citizen reports: one pending triage inside the district's first street, one in the other street.
    reports = [
        participation.submit_report(
            description="路边绿化带里堆了好几袋生活垃圾，没人收",
            category=leaf,
            lat=lat,
            lon=lon,
            consent=True,
            ip=f"10.0.0.{i + 1}",
            photos=[jpeg()],
            reporter_name="龚秀梅测试",
            reporter_phone="13912345678",
        )  # fmt: skip
        for i, (lat, lon) in enumerate([(LAT, LON), (OTHER_LAT, OTHER_LON)])
    ]
    from wenming.participation.services.clients import issue_client

    open311_client, open311_key = issue_client(actor=None, name="fuzz-open311", hourly_limit=100_000)
    w.objects = {
        "open311_key": open311_key, "tracking_codes": [r.code for r in reports],
        "street": street, "other_street": other_street, "community": community, "grid": grid,
        "bureau": bureau, "other_bureau": other_bureau, "group": group, "leaf": leaf, "traffic_leaf": traffic_leaf,
        "points": points, "standard": standard, "open_round": open_round, "closed_round": closed_round,
        "cases": made, "reports": reports, "person": person, "other_handler": other_handler,
        "weight": Decimal("2"),
    }  # fmt: skip
    return w
