"""GeoJSON for maps: area boundaries and points (WGS-84, [lon, lat]); read paths built on `.values()`."""

from django.urls import reverse

from wenming.geo.choices import AreaLevel, PointStatus
from wenming.geo.colors import point_type_colors
from wenming.standards.models import PointType


def areas_feature_collection(areas) -> dict:
    labels = dict(AreaLevel.choices)
    detail = reverse("geo:area_detail", args=[0]).replace("/0/", "/{}/")
    features = []
    rows = areas.values(
        "id", "code", "name", "level", "parent_id", "population", "households", "boundary",
        "boundary_is_synthetic", "centroid_lat", "centroid_lon",
    )  # fmt: skip
    synthetic = False
    for row in rows:
        synthetic |= row["boundary_is_synthetic"]
        centroid = [row["centroid_lon"], row["centroid_lat"]] if row["centroid_lat"] is not None else None
        features.append(
            {
                "type": "Feature",
                "id": row["id"],
                "geometry": row["boundary"],
                "properties": {
                    "id": row["id"],
                    "code": row["code"],
                    "name": row["name"],
                    "level": row["level"],
                    "level_label": str(labels.get(row["level"], row["level"])),
                    "parent": row["parent_id"],
                    "population": row["population"],
                    "households": row["households"],
                    "synthetic": row["boundary_is_synthetic"],
                    "centroid": centroid,
                    "url": detail.format(row["id"]),
                },  # fmt: skip
            }
        )
    return {"type": "FeatureCollection", "features": features, "synthetic": synthetic}


def points_feature_collection(points) -> dict:
    colors = point_type_colors()
    status_labels = dict(PointStatus.choices)
    detail = reverse("geo:point_detail", args=[0]).replace("/0/", "/{}/")
    counts: dict[int, int] = {}
    features = []
    rows = points.order_by().values_list(
        "id", "code", "name", "point_type_id", "status", "lat", "lon", "address"
    )
    for pk, code, name, type_id, status, lat, lon, address in rows:
        counts[type_id] = counts.get(type_id, 0) + 1
        features.append(
            {
                "type": "Feature",
                "id": pk,
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "id": pk,
                    "code": code,
                    "name": name,
                    "type": type_id,
                    "status": status,
                    "status_label": str(status_labels.get(status, status)),
                    "address": address,
                    "color": colors.get(type_id, "#555555"),
                    "url": detail.format(pk),
                },  # fmt: skip
            }
        )
    types = PointType.objects.filter(pk__in=list(counts)).order_by("order", "code").values_list("id", "name")
    legend = [
        {"id": pk, "name": name, "color": colors.get(pk, "#555555"), "count": counts[pk]}
        for pk, name in types
    ]
    return {"type": "FeatureCollection", "features": features, "point_types": legend}
