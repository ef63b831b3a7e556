"""Pure parts of the demo: partitions tile their parent, totals split exactly, names and phones."""

import random
import re

import shapely
from shapely.geometry import Point, Polygon

from wenming.demo.geography import (
    district_polygon,
    government_wgs84,
    partition,
    plan_areas,
    random_point_in,
    split_total,
    to_geojson,
)
from wenming.demo.names import PhoneBook, person_name

SQUARE = Polygon([(118.10, 24.50), (118.12, 24.50), (118.12, 24.52), (118.10, 24.52)])


def test_partition_tiles_the_parent_without_gaps_or_overlaps():
    # given a square and a seeded rng
    # when it is split into 6 cells
    cells = partition(SQUARE, 6, random.Random(7))
    # then the cells are 6 valid polygons whose union is the square and whose areas add up to it
    assert len(cells) == 6
    assert all(isinstance(c, Polygon) and c.is_valid and c.area > 0 for c in cells)
    union = shapely.union_all(cells)
    assert union.symmetric_difference(SQUARE).area < SQUARE.area * 1e-9
    assert abs(sum(c.area for c in cells) - SQUARE.area) < SQUARE.area * 1e-9


def test_partition_is_reproducible_for_a_seed_and_differs_between_seeds():
    first = [c.wkt for c in partition(SQUARE, 5, random.Random(1))]
    again = [c.wkt for c in partition(SQUARE, 5, random.Random(1))]
    other = [c.wkt for c in partition(SQUARE, 5, random.Random(2))]
    assert first == again
    assert first != other


def test_random_point_keeps_its_margin_from_the_edge():
    rng = random.Random(3)
    for _ in range(200):
        p = random_point_in(SQUARE, rng, margin=0.001)
        assert SQUARE.exterior.distance(p) >= 0.001


def test_split_total_sums_exactly_and_stays_positive():
    rng = random.Random(5)
    for total, parts in [(236_000, 18), (1_000, 3), (17, 6)]:
        shares = split_total(total, parts, rng)
        assert sum(shares) == total
        assert len(shares) == parts
        assert all(s > 0 for s in shares)


def test_geojson_ring_is_closed_and_counter_clockwise_with_plain_lists():
    geojson = to_geojson(SQUARE)
    ring = geojson["coordinates"][0]
    assert geojson["type"] == "Polygon"
    assert ring[0] == ring[-1]
    assert all(isinstance(xy, list) for xy in ring)
    assert Polygon(ring).exterior.is_ccw


def test_the_district_outline_lies_in_the_published_bounding_box():
    min_lon, min_lat, max_lon, max_lat = district_polygon().bounds
    assert 118.06 <= min_lon and max_lon <= 118.21
    assert 24.47 <= min_lat and max_lat <= 24.57


def test_the_district_government_lies_in_heshan_street():
    # given the government's GCJ-02 position converted to WGS-84
    lat, lon = government_wgs84()
    # then it is a few hundred metres from the GCJ-02 figure and inside 禾山街道's synthetic boundary
    assert 0.002 < abs(lon - 118.1457) < 0.01
    streets = [a for a in plan_areas(random.Random(1)) if a["level"] == "street"]
    containing = [a["name"] for a in streets if a["shape"].contains(Point(lon, lat))]
    assert containing == ["禾山街道"]


def test_area_plan_is_reproducible_and_seed_dependent():
    # given two plans with the same seed and one with another seed
    first = plan_areas(random.Random("2026:load_areas"))
    again = plan_areas(random.Random("2026:load_areas"))
    other = plan_areas(random.Random("7:load_areas"))
    # then codes never depend on the seed, shapes and populations do
    assert [a["code"] for a in first] == [a["code"] for a in again]
    assert [a["shape"].wkt for a in first] == [a["shape"].wkt for a in again]
    assert [(a["population"], a["households"]) for a in first] == [
        (a["population"], a["households"]) for a in again
    ]
    communities = [a["code"] for a in first if a["level"] != "grid"]
    assert communities == [a["code"] for a in other if a["level"] != "grid"]
    assert [a["shape"].wkt for a in first if a["level"] == "community"] != [
        a["shape"].wkt for a in other if a["level"] == "community"
    ]


def test_phone_book_hands_out_distinct_obviously_fake_mobiles():
    book = PhoneBook(2026)
    phones = [book.next() for _ in range(3000)]
    assert len(set(phones)) == 3000
    assert all(re.fullmatch(r"1390000\d{4}", p) for p in phones)
    same_seed, other_seed = PhoneBook(2026), PhoneBook(1)
    assert [same_seed.next() for _ in range(20)] == phones[:20]
    assert [other_seed.next() for _ in range(20)] != phones[:20]


def test_person_names_are_two_or_three_chinese_characters():
    rng = random.Random(11)
    names = [person_name(rng) for _ in range(500)]
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,3}", n) for n in names)
    assert len(set(names)) > 300
