/* Score charts (ECharts, served locally). Each chart reads its data from a json_script element. */
(function () {
  "use strict";
  if (!window.echarts) { return; }
  var data = window.WenmingCharts.data, mount = window.WenmingCharts.mount;
  var pareto = data("pareto-data");
  if (pareto) {
    mount("pareto-chart", {
      tooltip: { trigger: "axis" },
      legend: { data: pareto.names },
      grid: { left: 48, right: 48, bottom: 90 },
      xAxis: { type: "category", data: pareto.labels, axisLabel: { rotate: 40, interval: 0 } },
      yAxis: [{ type: "value", name: pareto.names[0] }, { type: "value", name: "%", max: 100 }],
      series: [
        { name: pareto.names[0], type: "bar", data: pareto.lost, itemStyle: { color: "#c0392b" } },
        { name: pareto.names[1], type: "line", yAxisIndex: 1, data: pareto.cumulative, itemStyle: { color: "#2563eb" } }
      ]
    });
  }
  var track = data("track-data");
  if (track) {
    mount("track-chart", {
      tooltip: { trigger: "axis" },
      legend: { type: "scroll" },
      grid: { left: 56, right: 20, bottom: 40 },
      xAxis: { type: "category", data: track.weeks },
      yAxis: { type: "value", minInterval: 1, name: track.name },
      series: track.series.map(function (s) { return { name: s.name, type: "line", data: s.data, connectNulls: false }; })
    });
  }
  var history = data("history-data");
  if (history) {
    mount("history-chart", {
      tooltip: { trigger: "axis" },
      legend: { data: history.names },
      grid: { left: 40, right: 20, bottom: 40 },
      xAxis: { type: "category", data: history.labels },
      yAxis: { type: "value", min: 0, max: 100 },
      series: [
        { name: history.names[0], type: "line", data: history.scores, connectNulls: true, itemStyle: { color: "#c0392b" } },
        { name: history.names[1], type: "scatter", data: history.frozen, itemStyle: { color: "#1e8e3e" } }
      ]
    });
  }
})();
