/* Dashboard charts (Apache ECharts, vendored in static/vendor/echarts/).
   The numbers come from <script type="application/json" id="dashboard-charts"> rendered by Django's
   json_script filter: no inline code, so a strict Content-Security-Policy can be set.
   Every chart has the same numbers in a table beside it (for those who print). */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var palette = ["#b3001b", "#f0a202", "#6c757d", "#0d6efd", "#198754"];
  var charts = [];
  var narrow = function () { return window.innerWidth < 576; };

  function base(labels) {
    return {
      color: palette,
      animation: false,
      tooltip: { trigger: "axis", confine: true },
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0, type: "scroll" },
      xAxis: { type: "category", data: labels, axisLabel: { interval: 0, rotate: narrow() ? 45 : 0, hideOverlap: true } },
      yAxis: { type: "value", minInterval: 1 }
    };
  }

  var builders = {
    phases: function (d) {
      var option = base(d.labels);
      option.legend = { show: false };
      option.yAxis = { type: "value", max: 100, axisLabel: { formatter: "{value}%" } };
      option.series = [{
        name: d.name, type: "bar", data: d.percent, barMaxWidth: 48,
        label: { show: true, position: "top", formatter: "{c}%" }
      }];
      return option;
    },
    tiers: function (d) {
      var option = base(d.labels);
      option.series = d.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "tiers", data: s.data, barMaxWidth: 48 };
      });
      return option;
    },
    activity: function (d) {
      var option = base(d.labels);
      option.xAxis.axisLabel.interval = "auto";
      option.series = d.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "activity", data: s.data, barMaxWidth: 32 };
      });
      return option;
    },
    services: function (d) {
      var option = base(d.labels);
      option.xAxis.axisLabel.interval = "auto";
      option.series = d.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "services", data: s.data, barMaxWidth: 32 };
      });
      return option;
    }
  };

  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var name = el.getAttribute("data-chart");
    var d = data[name];
    if (!d || !builders[name] || !d.labels.length) { el.classList.add("d-none"); return; }
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(builders[name](d));
    charts.push(chart);
  });

  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) { window.clearTimeout(pending); }
    pending = window.setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 150);
  });
})();
