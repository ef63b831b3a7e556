"""The survey estimates chart builds its tooltip as HTML: names from the data (strata, series) are escaped."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

CHARTS_JS = Path(__file__).resolve().parents[2] / "src/wenming/surveys/static/surveys/charts.js"


@pytest.mark.skipif(shutil.which("node") is None, reason="node is needed to run the browser script")
def test_the_estimates_tooltip_escapes_stratum_and_series_names():
    est = {"categories": ['<img src=x onerror="alert(1)">街道'], "series": [
        {"name": "<script>alert(2)</script>", "values": [80.5], "low": [70.1], "high": [90.2]}]}  # fmt: skip
    script = (
        "let options = null; global.window = {echarts: {}, WenmingCharts: {"
        f"data: id => id === 'estimates-data' ? {json.dumps(est)} : null, mount: (id, o) => {{ options = o; }}}}}};"
        f"require({json.dumps(str(CHARTS_JS))});"
        "console.log(options.tooltip.formatter([{dataIndex: 0, seriesIndex: 0, marker: ''}]));"
    )
    html = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True).stdout.strip()
    assert html == (
        "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;街道<br>&lt;script&gt;alert(2)&lt;/script&gt;：80.5%（70.1–90.2）"
    )
