/* Dashboard charts: every <canvas data-chart> is drawn from the JSON in #<id>-data (Chart.js,
   vendored). The same numbers are in the table beside each chart. */
(function () {
  "use strict";
  var palette = ["#9d1d20", "#2b7bb9", "#d9822b", "#3c8d40", "#7b4fa0", "#888888"];
  function draw() {
    if (typeof Chart === "undefined") { return; }
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.id + "-data");
      if (!source) { return; }
      var figures = JSON.parse(source.textContent);
      new Chart(canvas, {
        type: figures.type,
        data: {
          labels: figures.labels,
          datasets: figures.series.map(function (s, i) { return { label: s.label, data: s.data, backgroundColor: palette[i % palette.length] }; })
        },
        options: { responsive: true, maintainAspectRatio: false, animation: false, indexAxis: figures.horizontal ? "y" : "x",
                   plugins: { legend: { display: figures.series.length > 1, position: "bottom" } } }
      });
      canvas.dataset.rendered = "true";
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
