"""The map script's WGS-84 → GCJ-02 / BD-09 conversion agrees with the server's (prcoords)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from wenming.core.coords import from_wgs84

MAP_JS = Path(__file__).resolve().parents[2] / "src/wenming/geo/static/geo/map.js"
POSITIONS = [(24.5122, 118.1457), (24.47, 118.06), (24.57, 118.21), (39.9087, 116.3975), (22.5431, 114.0579)]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is needed to run the browser script")
@pytest.mark.parametrize("system", ["GCJ02", "BD09", "WGS84"])
def test_js_conversion_matches_prcoords(system):
    script = (
        f"const m = require({json.dumps(str(MAP_JS))});"
        f"const out = {json.dumps(POSITIONS)}.map(p => m.coords.fromWgs84(p[0], p[1], {json.dumps(system)}));"
        "console.log(JSON.stringify(out));"
    )
    result = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)
    converted = json.loads(result.stdout)
    for (lat, lon), (js_lat, js_lon) in zip(POSITIONS, converted, strict=True):
        py_lat, py_lon = from_wgs84(lat, lon, system)
        assert abs(js_lat - py_lat) < 1e-6 and abs(js_lon - py_lon) < 1e-6, (lat, lon, system)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is needed to run the browser script")
def test_js_leaves_positions_outside_china_alone():
    script = f"const m = require({json.dumps(str(MAP_JS))}); console.log(JSON.stringify(m.coords.fromWgs84(51.5, -0.12, 'GCJ-02')));"
    result = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == [51.5, -0.12]
