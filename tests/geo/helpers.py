"""Test data for places: a small district with two streets, communities and grids on a 0.01° grid."""

import io
from dataclasses import dataclass

import openpyxl

from wenming.geo import services
from wenming.geo.choices import AreaLevel
from wenming.geo.models import Area

# South-west corner of the test district (inside Huli's bounding box).
LON0, LAT0 = 118.10, 24.50


@dataclass
class District:
    district: Area
    street_a: Area
    street_b: Area
    community_a1: Area
    community_a2: Area
    community_b1: Area
    grid_a1: Area


def build_district() -> District:
    """湖里区 0.04° × 0.02°: street A (west, two communities; community A1 holds one grid) and street B."""
    district = services.create_area(
        actor=None, code="350206", name="测试区", level=AreaLevel.DISTRICT,
        boundary=rect(LON0, LAT0, 0.04, 0.02),
    )  # fmt: skip
    street_a = services.create_area(actor=None, code="350206001000", name="甲街道", level=AreaLevel.STREET,
                                    parent=district, boundary=rect(LON0, LAT0, 0.02, 0.02))  # fmt: skip
    street_b = services.create_area(actor=None, code="350206002000", name="乙街道", level=AreaLevel.STREET,
                                    parent=district, boundary=rect(LON0 + 0.02, LAT0, 0.02, 0.02))  # fmt: skip
    community_a1 = services.create_area(actor=None, code="350206001001", name="甲一社区",
                                        level=AreaLevel.COMMUNITY, parent=street_a,
                                        boundary=rect(LON0, LAT0, 0.02, 0.01))  # fmt: skip
    community_a2 = services.create_area(actor=None, code="350206001002", name="甲二社区",
                                        level=AreaLevel.COMMUNITY, parent=street_a,
                                        boundary=rect(LON0, LAT0 + 0.01, 0.02, 0.01))  # fmt: skip
    community_b1 = services.create_area(actor=None, code="350206002001", name="乙一社区",
                                        level=AreaLevel.COMMUNITY, parent=street_b,
                                        boundary=rect(LON0 + 0.02, LAT0, 0.02, 0.02))  # fmt: skip
    grid_a1 = services.create_area(actor=None, code="350206001001001", name="甲一社区第1网格",
                                   level=AreaLevel.GRID, parent=community_a1,
                                   boundary=rect(LON0, LAT0, 0.01, 0.01))  # fmt: skip
    return District(district, street_a, street_b, community_a1, community_a2, community_b1, grid_a1)


def rect(lon: float, lat: float, width: float, height: float) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[lon, lat], [lon + width, lat], [lon + width, lat + height], [lon, lat + height],
                         [lon, lat]]],
    }  # fmt: skip


def xlsx_bytes(header: list, rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(header: list, rows: list[list], encoding: str = "utf-8") -> bytes:
    lines = [",".join(str(c) for c in header)] + [",".join(str(c) for c in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)
