/* 领导驾驶舱 / 大屏: the map (WenmingMap, points coloured by verdict + a heat layer of recent problems) and the
 * ECharts charts. Everything is served locally; the data comes from the page's json_script element. */
(function () {
  "use strict";
  function json(id) { var el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; }
  var data = json("leader-charts") || {};
  var L10N = data.labels || {};
  var dark = document.body.classList.contains("big-screen");
  var ink = dark ? "#dfe7f1" : "#26303b";
  var charts = [];

  function mount(id, option) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) { return; }
    var chart = window.echarts.init(el, dark ? "dark" : null, { renderer: "canvas" });
    option.backgroundColor = "transparent";
    option.textStyle = { color: ink };
    chart.setOption(option);
    charts.push(chart);
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });

  var trend = data.caseTrend || [];
  mount("chart-cases", {
    tooltip: { trigger: "axis" },
    legend: { data: [L10N.open, L10N.overdue, L10N.new], textStyle: { color: ink } },
    grid: { left: 44, right: 16, top: 36, bottom: 28 },
    xAxis: { type: "category", data: trend.map(function (r) { return r.week; }) },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: L10N.open, type: "line", data: trend.map(function (r) { return r.open; }), itemStyle: { color: "#d68910" } },
      { name: L10N.overdue, type: "line", data: trend.map(function (r) { return r.overdue; }), itemStyle: { color: "#c0392b" } },
      { name: L10N.new, type: "bar", data: trend.map(function (r) { return r.new; }), itemStyle: { color: "#7aa6e0" } }
    ]
  });
  var scores = data.scoreTrend || [];
  mount("chart-scores", {
    tooltip: { trigger: "axis" },
    legend: { data: [L10N.score, L10N.passRate], textStyle: { color: ink } },
    grid: { left: 44, right: 44, top: 36, bottom: 28 },
    xAxis: { type: "category", data: scores.map(function (r) { return r.round; }), axisLabel: { interval: 0, rotate: 20 } },
    yAxis: [{ type: "value", min: 0, max: 100 }, { type: "value", min: 0, max: 100, name: "%" }],
    series: [
      { name: L10N.score, type: "line", data: scores.map(function (r) { return r.mean_score; }), itemStyle: { color: "#c0392b" } },
      { name: L10N.passRate, type: "line", yAxisIndex: 1,
        data: scores.map(function (r) { return r.pass_rate == null ? null : Math.round(r.pass_rate * 1000) / 10; }),
        itemStyle: { color: "#1e8e3e" } }
    ]
  });
  var heat = data.heat || { streets: [], categories: [], cells: [], max: 0 };
  mount("chart-heat", {
    tooltip: { position: "top" },
    grid: { left: 80, right: 16, top: 16, bottom: 90 },
    xAxis: { type: "category", data: heat.categories, axisLabel: { rotate: 40, interval: 0 }, splitArea: { show: true } },
    yAxis: { type: "category", data: heat.streets, splitArea: { show: true } },
    visualMap: { min: 0, max: Math.max(1, heat.max), calculable: true, orient: "horizontal", left: "center", bottom: 0,
                 inRange: { color: ["#fff5f0", "#fcae91", "#de2d26", "#a50f15"] }, textStyle: { color: ink } },
    series: [{ type: "heatmap", data: heat.cells, label: { show: true } }]
  });
  var pareto = data.pareto || [];
  mount("chart-pareto", {
    tooltip: { trigger: "axis" },
    grid: { left: 160, right: 24, top: 12, bottom: 24 },
    xAxis: { type: "value" },
    yAxis: { type: "category", inverse: true, data: pareto.map(function (r) { return r.label.length > 16 ? r.label.slice(0, 16) + "…" : r.label; }) },
    series: [{ name: L10N.lost, type: "bar", data: pareto.map(function (r) { return r.lost; }), itemStyle: { color: "#c0392b" } }]
  });

  // The map: points by verdict, and squares shaded by the number of recent problems.
  var mapEl = document.getElementById("leader-map");
  if (mapEl && window.WenmingMap) {
    var esc = window.WenmingMap.escapeHtml;
    var api = window.WenmingMap.create(mapEl, {
      pointsUrl: mapEl.dataset.pointsUrl,
      areasUrl: mapEl.dataset.areasUrl,
      legend: true,
      fitTo: "areas",
      statusElement: document.getElementById("leader-map-status"),
      pointStyle: function (f) { return { radius: 4 + Math.min(6, f.properties.open_cases || 0) }; },
      popup: function (f) {
        var p = f.properties;
        var failing = (p.failing || []).map(function (x) { return "<li>" + esc(x) + "</li>"; }).join("");
        return "<strong>" + esc(p.name) + "</strong> <span class=\"wm-muted\">" + esc(p.code) + "</span><br>" +
          esc(p.status_label) + (p.address ? "<br><span class=\"wm-muted\">" + esc(p.address) + "</span>" : "") +
          (failing ? "<ul>" + failing + "</ul>" : "") + "<br><a href=\"" + esc(p.url) + "\">" + esc(L10N.detail) + " ›</a>";
      }
    });
    if (mapEl.dataset.heatUrl && window.L) {
      fetch(mapEl.dataset.heatUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (heatData) {
        var layer = window.L.layerGroup();
        var max = Math.max(1, heatData.max || 0);
        (heatData.cells || []).forEach(function (c) {
          var sw = api.project(c.lat0, c.lon0), ne = api.project(c.lat1, c.lon1);
          window.L.rectangle([sw, ne], { stroke: false, fillColor: "#de2d26", fillOpacity: 0.15 + 0.55 * c.count / max, interactive: true })
            .bindTooltip(String(c.count)).addTo(layer);
        });
        layer.addTo(api.map);
        var toggle = document.getElementById("heat-toggle");
        if (toggle) {
          toggle.addEventListener("change", function () { if (toggle.checked) { layer.addTo(api.map); } else { layer.remove(); } });
        }
      });
    }
  }
})();
