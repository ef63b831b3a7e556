/* Survey charts (ECharts, served locally). Data from json_script elements: the estimates of a wave by stratum
   (bars, the interval in the tooltip) and the comparison of waves. */
(function () {
  "use strict";
  if (!window.echarts) { return; }
  var data = window.WenmingCharts.data, mount = window.WenmingCharts.mount;
  var colors = ["#2563eb", "#1e8e3e", "#7c3aed", "#d68910", "#c0392b"];
  // The tooltip formatter returns HTML: every name from the data (strata, series) is escaped first.
  function escapeHtml(value) {
    return String(value === null || value === undefined ? "" : value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }
  var est = data("estimates-data");
  if (est) {
    mount("estimates-chart", {
      color: colors,
      tooltip: {
        trigger: "axis",
        formatter: function (items) {
          var i = items[0].dataIndex, lines = [escapeHtml(est.categories[i])];
          items.forEach(function (it) {
            var s = est.series[it.seriesIndex];
            if (s.values[i] === null) { return; }
            lines.push(it.marker + escapeHtml(s.name) + "：" + escapeHtml(s.values[i]) + "%（" + escapeHtml(s.low[i]) +
              "–" + escapeHtml(s.high[i]) + "）");
          });
          return lines.join("<br>");
        }
      },
      legend: { data: est.series.map(function (s) { return s.name; }) },
      grid: { left: 44, right: 16, bottom: 60 },
      xAxis: { type: "category", data: est.categories, axisLabel: { interval: 0, rotate: est.categories.length > 6 ? 35 : 0 } },
      yAxis: { type: "value", min: 0, max: 100, name: "%" },
      series: est.series.map(function (s) { return { name: s.name, type: "bar", data: s.values }; })
    });
  }
  var cmp = data("compare-data");
  if (cmp) {
    mount("compare-chart", {
      color: colors,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + "%"; } },
      legend: { data: cmp.series.map(function (s) { return s.name; }) },
      grid: { left: 44, right: 16, bottom: 40 },
      xAxis: { type: "category", data: cmp.categories },
      yAxis: { type: "value", min: 0, max: 100, name: "%" },
      series: cmp.series.map(function (s) { return { name: s.name, type: "line", data: s.values, connectNulls: false }; })
    });
  }
})();
