import numpy as np
import pytest

from tests.factories import make_point
from tests.geo.helpers import LAT0, LON0, build_district, rect
from wenming.geo import services
from wenming.geo.choices import AreaLevel
from wenming.geo.models import Point
from wenming.geo.spatial import NO_AREA, AreaIndex


def _areas():
    return [
        {"id": 1, "code": "350206", "level": AreaLevel.DISTRICT, "boundary": rect(LON0, LAT0, 0.04, 0.02)},
        {
            "id": 2,
            "code": "350206001000",
            "level": AreaLevel.STREET,
            "boundary": rect(LON0, LAT0, 0.02, 0.02),
        },
        {
            "id": 3,
            "code": "350206001001",
            "level": AreaLevel.COMMUNITY,
            "boundary": rect(LON0, LAT0, 0.02, 0.01),
        },
        {
            "id": 4,
            "code": "350206001001001",
            "level": AreaLevel.GRID,
            "boundary": rect(LON0, LAT0, 0.01, 0.01),
        },
        {"id": 5, "code": "350206002000", "level": AreaLevel.STREET, "boundary": None},
    ]


def test_locate_picks_the_deepest_area_containing_the_point():
    index = AreaIndex.build(_areas())
    assert index.locate(LAT0 + 0.005, LON0 + 0.005) == 4  # inside the grid
    assert index.locate(LAT0 + 0.005, LON0 + 0.015) == 3  # community, outside the grid
    assert index.locate(LAT0 + 0.015, LON0 + 0.005) == 2  # street only
    assert index.locate(LAT0 + 0.015, LON0 + 0.03) == 1  # district only (street 5 has no boundary)
    assert index.locate(LAT0 - 0.5, LON0) is None  # outside everything
    assert len(index) == 4


def test_locate_many_is_vectorised_and_marks_misses():
    index = AreaIndex.build(_areas())
    lats = np.array([LAT0 + 0.005, LAT0 + 0.005, LAT0 + 0.015, 30.0, np.nan])
    lons = np.array([LON0 + 0.005, LON0 + 0.015, LON0 + 0.005, 110.0, LON0])
    assert index.locate_many(lats, lons).tolist() == [4, 3, 2, NO_AREA, NO_AREA]


def test_point_on_shared_edge_goes_to_the_first_area_by_code():
    areas = [
        {"id": 10, "code": "350206001002", "level": AreaLevel.COMMUNITY, "boundary": rect(LON0 + 0.01, LAT0, 0.01, 0.01)},
        {"id": 11, "code": "350206001001", "level": AreaLevel.COMMUNITY, "boundary": rect(LON0, LAT0, 0.01, 0.01)},
    ]  # fmt: skip
    index = AreaIndex.build(areas)
    assert index.locate(LAT0 + 0.005, LON0 + 0.01) == 11


def test_empty_index_and_empty_input():
    assert AreaIndex.build([]).locate(24.5, 118.1) is None
    assert AreaIndex.build(_areas()).locate_many([], []).tolist() == []
    with pytest.raises(ValueError):
        AreaIndex.build(_areas()).locate_many([1.0], [1.0, 2.0])


def test_assign_point_areas_sets_deepest_area_and_skips_overridden(db):
    # given a district and three points: in the grid, in the community, and a hand-placed one
    d = build_district()
    in_grid = make_point(lat=LAT0 + 0.005, lon=LON0 + 0.005)
    in_community = make_point(lat=LAT0 + 0.005, lon=LON0 + 0.015)
    outside = make_point(lat=LAT0 - 0.2, lon=LON0, area=d.street_b)
    manual = make_point(lat=LAT0 + 0.005, lon=LON0 + 0.005, area=d.street_b, area_overridden=True)
    # when
    changed = services.assign_point_areas()
    # then
    assert changed == 3
    assert Point.objects.get(pk=in_grid.pk).area == d.grid_a1
    assert Point.objects.get(pk=in_community.pk).area == d.community_a1
    assert Point.objects.get(pk=outside.pk).area is None
    assert Point.objects.get(pk=manual.pk).area == d.street_b
    assert services.assign_point_areas() == 0  # idempotent
    # history records the change
    assert Point.history.filter(id=in_grid.pk).count() == 2


def test_assign_point_areas_limited_to_given_points(db):
    build_district()
    first = make_point(lat=LAT0 + 0.005, lon=LON0 + 0.005)
    second = make_point(lat=LAT0 + 0.005, lon=LON0 + 0.005)
    assert services.assign_point_areas(points=[first]) == 1
    assert Point.objects.get(pk=second.pk).area_id is None
    assert services.assign_point_areas(points=Point.objects.filter(pk=second.pk)) == 1


def test_area_index_cache_follows_boundary_changes(db):
    d = build_district()
    index = services.current_area_index()
    assert services.current_area_index() is index
    services.set_area_boundary(actor=None, area=d.grid_a1, boundary=rect(LON0 + 0.01, LAT0, 0.01, 0.01))
    rebuilt = services.current_area_index()
    assert rebuilt is not index
    assert rebuilt.locate(LAT0 + 0.005, LON0 + 0.015) == d.grid_a1.pk
