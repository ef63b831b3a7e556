/* Chart helpers for the pages' own chart scripts (ECharts, served locally; load this after echarts.min.js
   and before the page script). WenmingCharts.data(id): the value of a json_script element, or null;
   WenmingCharts.mount(id, option): draw a chart in the element with that id (if any) and keep it sized
   with the window. */
(function () {
  "use strict";
  function data(id) { var el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; }
  function mount(id, option) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var chart = window.echarts.init(el);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  window.WenmingCharts = {data: data, mount: mount};
})();
