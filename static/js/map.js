/* The city on a map (issue 22): the portal's own GeoJSON on Leaflet (vendored); base tiles only when
   a tile URL is configured. Filters by street, stage and year redraw the markers; the bureau's view
   adds each estate's late approval matters and open complaints. No inline script: the settings come
   from the page's JSON block (CSP). */
(function () {
  "use strict";
  function start() {
    var node = document.getElementById("map-config");
    var box = document.getElementById("city-map");
    if (!node || !box || typeof L === "undefined") { return; }
    var config = JSON.parse(node.textContent);
    var map = L.map(box, { preferCanvas: false, zoomSnap: 0.5 });
    map.attributionControl.setPrefix("Leaflet");
    if (config.tiles) {
      L.tileLayer(config.tiles, { attribution: config.attribution || "", maxZoom: 18 }).addTo(map);
    }
    var outlines = L.layerGroup().addTo(map);
    var markers = L.layerGroup().addTo(map);
    var data = null, loads = {};
    var street = document.getElementById("f-street");
    var stage = document.getElementById("f-stage");
    var year = document.getElementById("f-year");
    var count = document.getElementById("map-count");

    function escape(text) {
      var div = document.createElement("div");
      div.textContent = text == null ? "" : String(text);
      return div.innerHTML;
    }

    function popup(p) {
      var html = "<strong>" + escape(p.name) + "</strong><br>" + escape(p.street_name);
      html += "<br>" + escape(p.status ? config.labels.statuses[p.status] : config.labels.no_project);
      var load = loads[p.code];
      if (load) {
        if (load.late_matters) { html += "<br>" + load.late_matters + " " + escape(config.labels.late_matters); }
        if (load.open_complaints) { html += "<br>" + load.open_complaints + " " + escape(config.labels.open_complaints); }
      }
      if (p.url) { html += '<br><a href="' + escape(p.url) + '">' + escape(config.labels.open) + "</a>"; }
      return html;
    }

    function draw(fit) {
      outlines.clearLayers();
      markers.clearLayers();
      var shown = 0, bounds = [];
      data.features.forEach(function (f) {
        var p = f.properties;
        if (street.value && p.street !== street.value) { return; }
        if (p.kind === "street") {
          L.geoJSON(f, {
            style: { color: "#8d6e63", weight: 1.5, fill: false, dashArray: "4 3", className: "street-outline" },
          }).addTo(outlines);
          return;
        }
        if (stage.value && p.stage !== stage.value) { return; }
        if (year.value && String(p.year) !== year.value) { return; }
        var ll = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
        var load = loads[p.code] || {};
        var busy = (load.late_matters || 0) + (load.open_complaints || 0);
        L.circleMarker(ll, {
          radius: busy ? 9 + Math.min(busy, 6) : 8,
          color: busy ? "#b71c1c" : "#ffffff",
          weight: busy ? 3 : 1.5,
          fillColor: config.colours[p.stage] || "#9e9e9e",
          fillOpacity: 0.9,
          className: "estate-marker",
        }).bindPopup(popup(p)).addTo(markers);
        bounds.push(ll);
        shown += 1;
      });
      count.textContent = config.labels.shown.replace("%(n)s", shown);
      if (fit && bounds.length === 1) { map.setView(bounds[0], 16, { animate: false }); }
      if (fit && bounds.length > 1) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16, animate: false }); }
      if (!bounds.length && fit) { map.setView([22.817, 108.366], 11); }
    }

    function years() {
      var seen = {};
      data.features.forEach(function (f) { if (f.properties.year) { seen[f.properties.year] = true; } });
      Object.keys(seen).sort().reverse().forEach(function (y) {
        var option = document.createElement("option");
        option.value = y;
        option.textContent = y;
        year.appendChild(option);
      });
    }

    var requests = [fetch(config.geojson, { credentials: "same-origin" }).then(function (r) { return r.json(); })];
    if (config.workloads) {
      requests.push(fetch(config.workloads, { credentials: "same-origin" }).then(function (r) { return r.json(); }));
    }
    Promise.all(requests).then(function (answers) {
      data = answers[0];
      loads = answers[1] || {};
      years();
      draw(true);
      box.setAttribute("data-ready", "1");
    });
    [street, stage, year].forEach(function (select) {
      select.addEventListener("change", function () { draw(true); });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
