/* Dashboard charts: every <canvas data-chart> is drawn from the JSON in #<id>-data (Chart.js,
   vendored). The same numbers are in the table beside each chart. Counts get whole-number ticks,
   money thousands separators, long names are shortened on the axis (whole in the tooltip). */
(function () {
  "use strict";
  var palette = ["#9d1d20", "#2b7bb9", "#d9822b", "#3c8d40", "#7b4fa0", "#888888"];
  var lang = document.documentElement.lang || "zh-Hans";
  var money = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
  var moneyExact = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  function shorten(text, max) { text = String(text); return text.length > max ? text.slice(0, max - 1) + "…" : text; }
  function draw() {
    if (typeof Chart === "undefined") { return; }
    // Legends and axes follow the page's text size (关怀模式 makes it larger).
    if (document.body.classList.contains("care")) { Chart.defaults.font.size = 16; }
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.id + "-data");
      if (!source) { return; }
      var figures = JSON.parse(source.textContent);
      var valueAxis = figures.horizontal ? "x" : "y", labelAxis = figures.horizontal ? "y" : "x";
      var narrow = canvas.parentElement.clientWidth < 420;
      var scales = {};
      scales[valueAxis] = { beginAtZero: true, ticks: {} };
      if (figures.unit === "count") { scales[valueAxis].ticks.precision = 0; }
      if (figures.unit === "money") {
        scales[valueAxis].ticks.callback = function (v) { return money.format(v); };
        scales[valueAxis].ticks.maxTicksLimit = narrow ? 4 : 6;
      }
      if (figures.unit === "rating") { scales[valueAxis].max = 5; scales[valueAxis].ticks.stepSize = 1; }
      scales[labelAxis] = { ticks: { autoSkip: false, maxRotation: 0, callback: function (v) {
        return shorten(this.getLabelForValue(v), narrow ? 7 : 14); } } };
      new Chart(canvas, {
        type: figures.type,
        data: {
          labels: figures.labels,
          datasets: figures.series.map(function (s, i) { return { label: s.label, data: s.data, backgroundColor: palette[i % palette.length] }; })
        },
        options: { responsive: true, maintainAspectRatio: false, animation: false, indexAxis: figures.horizontal ? "y" : "x",
                   layout: { padding: { right: 8 } }, scales: scales,
                   plugins: { legend: { display: figures.series.length > 1, position: "bottom" },
                              tooltip: { callbacks: { label: function (c) {
                                var v = figures.horizontal ? c.parsed.x : c.parsed.y;
                                return c.dataset.label + ": " + (figures.unit === "money" ? moneyExact.format(v) : v); } } } } }
      });
      canvas.dataset.rendered = "true";
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
