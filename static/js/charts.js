/* Charts of the public project page, drawn from the JSON the page embeds (#chart-data).
   Every chart has a table with the same numbers beside it, for screen readers and for copying. */
(function () {
  "use strict";
  function draw() {
    var data = document.getElementById("chart-data");
    if (!data || typeof Chart === "undefined") { return; }
    // Legends and axes follow the page's text size (关怀模式 makes it larger).
    if (document.body.classList.contains("care")) { Chart.defaults.font.size = 16; }
    var figures = JSON.parse(data.textContent);
    var palette = ["#9d1d20", "#d9822b", "#2b7bb9", "#3c8d40", "#7b4fa0", "#888888", "#c4a000", "#1b998b"];
    var sources = document.getElementById("chart-sources");
    if (sources && figures.sources.values.length) {
      new Chart(sources, {
        type: "doughnut",
        data: { labels: figures.sources.labels, datasets: [{ data: figures.sources.values, backgroundColor: palette }] },
        options: { responsive: true, animation: false, plugins: { legend: { position: "bottom" } } }
      });
      sources.dataset.rendered = "true";
    }
    var items = document.getElementById("chart-items");
    if (items && figures.items.labels.length) {
      var planned = items.dataset.plannedLabel || "planned", spent = items.dataset.spentLabel || "spent";
      new Chart(items, {
        type: "bar",
        data: {
          labels: figures.items.labels,
          datasets: [
            { label: planned, data: figures.items.planned, backgroundColor: "#cfd8e3" },
            { label: spent, data: figures.items.spent, backgroundColor: "#9d1d20" }
          ]
        },
        options: { responsive: true, animation: false, indexAxis: "y", plugins: { legend: { position: "bottom" } } }
      });
      items.dataset.rendered = "true";
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
