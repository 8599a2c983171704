// Dashboards: draws each chart of the page's "dashboard-charts" JSON with Apache ECharts (served
// locally); a click on a segment opens the filtered list it counts (its `url`). No inline script:
// the Content-Security-Policy forbids them, so the data comes from a json_script element.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof window.echarts === "undefined") { return; }
  var specs = JSON.parse(source.textContent);
  var drawn = [];

  function option(spec) {
    var data = spec.items.map(function (item) {
      return { name: item.name, value: item.value, url: item.url };
    });
    var unit = spec.unit || "";
    var tooltip = { renderMode: "richText", valueFormatter: function (v) { return v === null ? "—" : v + unit; } };
    if (spec.kind === "pie") {
      return {
        tooltip: Object.assign({ trigger: "item" }, tooltip),
        legend: { type: "scroll", bottom: 0 },
        series: [{ type: "pie", name: spec.series, radius: ["35%", "62%"], center: ["50%", "45%"], data: data,
                   label: { formatter: "{b}: {c}" } }]
      };
    }
    var names = data.map(function (d) { return d.name; });
    var valueAxis = { type: "value", minInterval: 1, axisLabel: { formatter: "{value}" + unit } };
    if (spec.max) { valueAxis.max = spec.max; }
    var categoryAxis = { type: "category", data: names, axisLabel: { interval: 0, hideOverlap: true } };
    var horizontal = spec.kind === "hbar";
    if (horizontal) { categoryAxis.inverse = true; } else { categoryAxis.axisLabel.rotate = names.length > 6 ? 30 : 0; }
    return {
      tooltip: Object.assign({ trigger: "axis", axisPointer: { type: "shadow" } }, tooltip),
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      series: [{ type: "bar", name: spec.series, data: data, cursor: "pointer", barMaxWidth: 28,
                 label: { show: true, position: horizontal ? "right" : "top", formatter: "{c}" + unit } }]
    };
  }

  specs.forEach(function (spec) {
    var el = document.getElementById("chart-" + spec.id);
    if (!el || !spec.items.length) { return; }
    var chart = window.echarts.init(el);
    chart.setOption(option(spec));
    chart.on("click", function (params) {
      if (params.data && params.data.url) { window.location.assign(params.data.url); }
    });
    drawn.push(chart);
  });
  window.addEventListener("resize", function () { drawn.forEach(function (c) { c.resize(); }); });
}());
