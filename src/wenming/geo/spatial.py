"""Point-in-area lookups over the area boundaries, with shapely 2 STRtrees.

    index = AreaIndex.build(Area.objects.all())
    index.locate(24.51, 118.14)                 # -> area id of the deepest area containing it, or None
    index.locate_many(lats, lons)               # -> numpy int64 array of area ids, NO_AREA (-1) where none

One tree per level; `locate_many` queries the deepest level (grid) first and only the points still
unplaced against the next level up, so a point gets the most specific area that contains it. A point on
a shared edge belongs to the area that sorts first by code (deterministic). Boundaries are GeoJSON in
WGS-84 (lon, lat order); areas without a boundary are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import shape

from wenming.geo.choices import AreaLevel

NO_AREA = -1
# Deepest first: the order in which levels are tried.
LEVEL_DEPTH = {AreaLevel.DISTRICT: 0, AreaLevel.STREET: 1, AreaLevel.COMMUNITY: 2, AreaLevel.GRID: 3}


def geometry_from_geojson(boundary: Mapping):
    """A shapely geometry from a GeoJSON geometry, Feature or single-feature collection."""
    if boundary.get("type") == "Feature":
        boundary = boundary.get("geometry") or {}
    elif boundary.get("type") == "FeatureCollection":
        geoms = [shape(f["geometry"]) for f in boundary.get("features", []) if f.get("geometry")]
        return shapely.union_all(geoms) if geoms else None
    return shape(boundary)


@dataclass
class _LevelTree:
    ids: np.ndarray
    codes: list[str]
    tree: shapely.STRtree


@dataclass
class AreaIndex:
    """STRtrees of area boundaries by level; build once, query many times."""

    levels: list[_LevelTree] = field(default_factory=list)  # deepest first

    @classmethod
    def build(cls, areas: Iterable) -> AreaIndex:
        """Areas are model instances or mappings with id, code, level and boundary (GeoJSON)."""
        by_depth: dict[int, list[tuple[str, int, object]]] = {}
        for area in areas:
            get = area.get if isinstance(area, Mapping) else lambda k, a=area: getattr(a, k)
            boundary = get("boundary")
            if not boundary:
                continue
            geom = geometry_from_geojson(boundary)
            if geom is None or geom.is_empty:
                continue
            if not geom.is_valid:
                geom = shapely.make_valid(geom)
            depth = LEVEL_DEPTH.get(get("level"), len(LEVEL_DEPTH))
            by_depth.setdefault(depth, []).append((get("code") or "", get("id"), geom))
        levels = []
        for depth in sorted(by_depth, reverse=True):
            rows = sorted(by_depth[depth], key=lambda r: r[0])
            geoms = [r[2] for r in rows]
            shapely.prepare(geoms)
            levels.append(
                _LevelTree(
                    ids=np.array([r[1] for r in rows], dtype=np.int64),
                    codes=[r[0] for r in rows],
                    tree=shapely.STRtree(geoms),
                )
            )
        return cls(levels=levels)

    def __len__(self) -> int:
        return sum(len(level.ids) for level in self.levels)

    def locate(self, lat: float, lon: float) -> int | None:
        """The id of the deepest area containing (lat, lon) in WGS-84, or None."""
        found = self.locate_many(np.array([lat], dtype=float), np.array([lon], dtype=float))
        return None if found[0] == NO_AREA else int(found[0])

    def locate_many(self, lats, lons) -> np.ndarray:
        """Area ids for many positions at once (int64 array; NO_AREA = -1 where no area contains one)."""
        lats = np.asarray(lats, dtype=float)
        lons = np.asarray(lons, dtype=float)
        if lats.shape != lons.shape:
            raise ValueError("lats and lons must have the same shape")
        result = np.full(lats.shape[0], NO_AREA, dtype=np.int64)
        if not len(result) or not self.levels:
            return result
        points = shapely.points(lons, lats)
        todo = np.flatnonzero(np.isfinite(lats) & np.isfinite(lons))
        for level in self.levels:
            if not len(todo):
                break
            # intersects = the polygon covers the point, edges included.
            inputs, tree_idx = level.tree.query(points[todo], predicate="intersects")
            if not len(inputs):
                continue
            # Several hits for one point only on shared edges: keep the first by code (trees are code-sorted).
            order = np.lexsort((tree_idx, inputs))
            inputs, tree_idx = inputs[order], tree_idx[order]
            first = np.unique(inputs, return_index=True)[1]
            hit_points = todo[inputs[first]]
            result[hit_points] = level.ids[tree_idx[first]]
            todo = todo[result[todo] == NO_AREA]
        return result
