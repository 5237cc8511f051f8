// The monitor's charts (ECharts, served from static/vendor); the search box over the long
// reassign choices is app.js's, as on every page. Without them the tables and the plain
// selects do the same work.
(function () {
  "use strict";
  var data = document.getElementById("monitor-chart");
  if (data && window.echarts) {
    var chart = JSON.parse(data.textContent);
    document.querySelectorAll("[data-chart]").forEach(function (box) {
      var series = chart[box.dataset.chart];
      if (!series || !series.names.length) { return; }  // the figure stays hidden
      box.closest("figure").hidden = false;  // shown before drawing: ECharts needs its size
      var view = window.echarts.init(box, null, {renderer: "canvas"});
      view.setOption({
        animation: false,
        tooltip: {trigger: "axis", axisPointer: {type: "shadow"}, confine: true},
        legend: {top: 0, data: [chart.labels.overdue, chart.labels.due_soon]},
        grid: {left: 8, right: 16, top: 28, bottom: 8, containLabel: true},
        xAxis: {type: "value", minInterval: 1},
        yAxis: {type: "category", inverse: true, data: series.names,
                axisLabel: {width: 120, overflow: "truncate"}},
        series: [
          {name: chart.labels.overdue, type: "bar", stack: "late", data: series.overdue,
           itemStyle: {color: "#d64545"}},
          {name: chart.labels.due_soon, type: "bar", stack: "late", data: series.due_soon,
           itemStyle: {color: "#d69e2e"}}
        ]
      });
      // Drill down: a bar opens the list of its area or department.
      view.on("click", function (event) { window.location.href = series.links[event.dataIndex]; });
      window.addEventListener("resize", function () { view.resize(); });
    });
  }
})();
