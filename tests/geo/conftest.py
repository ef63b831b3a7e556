from dataclasses import dataclass

import pytest

from tests.factories import make_person, make_point, make_point_type, make_unit, make_user
from tests.geo.helpers import LAT0, LON0, District, build_district
from wenming.accounts.models import User
from wenming.geo import services
from wenming.geo.choices import Post
from wenming.geo.models import Point
from wenming.org.models import Person, Unit


@dataclass
class Scene:
    d: District
    unit_a: Unit
    unit_b: Unit
    person_a: Person
    point_a: Point  # in grid A1 (street A), unit A, person A
    point_b: Point  # in community B1 (street B), unit B
    office: User
    leader: User
    street_a: User
    street_b: User
    handler_a: User
    handler_b: User
    inspector: User
    nobody: User


@pytest.fixture
def scene(db) -> Scene:
    d = build_district()
    unit_a = make_unit(code="UA", name="甲单位")
    unit_b = make_unit(code="UB", name="乙单位")
    person_a = make_person(name="王芳", unit=unit_a, phone="13900000001")
    point_type = make_point_type(name="背街小巷")
    point_a = make_point(code="PA", name="甲巷", point_type=point_type, lat=LAT0 + 0.005, lon=LON0 + 0.005,
                         responsible_unit=unit_a, responsible_person=person_a)  # fmt: skip
    point_b = make_point(code="PB", name="乙巷", point_type=point_type, lat=LAT0 + 0.005, lon=LON0 + 0.03,
                         responsible_unit=unit_b)  # fmt: skip
    services.assign_point_areas()
    point_a.refresh_from_db()
    point_b.refresh_from_db()
    services.create_duty(actor=None, person=person_a, post=Post.POINT_OWNER, point=point_a)
    return Scene(
        d=d, unit_a=unit_a, unit_b=unit_b, person_a=person_a, point_a=point_a, point_b=point_b,
        office=make_user("office"), leader=make_user("leader"),
        street_a=make_user("street", area=d.street_a), street_b=make_user("street", area=d.street_b),
        handler_a=make_user("unit_handler", unit=unit_a), handler_b=make_user("unit_handler", unit=unit_b),
        inspector=make_user("inspector"), nobody=make_user(),
    )  # fmt: skip
