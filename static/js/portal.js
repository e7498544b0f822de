// What the pages need without inline code (the Content-Security-Policy allows none):
// progress bars take their width from data-percent; data-action="print" prints the page; the claim
// form's choices cascade; a need's point is tapped on the estate's site plan.
(function () {
  "use strict";
  function widths(root) {
    root.querySelectorAll("[data-percent]").forEach(function (bar) {
      var percent = Math.max(0, Math.min(100, parseFloat(bar.getAttribute("data-percent")) || 0));
      bar.style.width = percent + "%";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { widths(document); });
  // htmx swaps in new progress (the export job's page polls): size what came in.
  document.addEventListener("htmx:afterSettle", function () { widths(document); });
  // The claim form's cascade (estate → building → entrance → room): a changed choice other than the
  // room asks the server for the next list. Delegated, so it survives the swaps.
  document.addEventListener("change", function (event) {
    var select = event.target;
    var form = select.closest && select.closest("[data-cascade-form]");
    if (form && select.tagName === "SELECT" && select.name !== "household" && window.htmx) {
      window.htmx.trigger(form, "places-changed");
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action='print']");
    if (button) { window.print(); }
    var svg = event.target.closest("[data-plan-svg]");
    if (svg) { placePoint(svg, event); }
    var clear = event.target.closest("[data-plan-clear]");
    if (clear) { setPoint(clear.closest("[data-plan-picker]"), null, null); }
  });
  // A need's place on the estate's site plan: a tap sets the hidden plan_x / plan_y (percent of the
  // plan's width and height) and moves the dot; after an error the kept values draw it again.
  function setPoint(picker, x, y) {
    var inputs = picker.querySelectorAll("input[name='plan_x'], input[name='plan_y']");
    var svg = picker.querySelector("[data-plan-svg]"), dot = picker.querySelector("[data-plan-dot]");
    inputs[0].value = x === null ? "" : x.toFixed(2);
    inputs[1].value = y === null ? "" : y.toFixed(2);
    if (x === null) { dot.setAttribute("visibility", "hidden"); return; }
    var box = svg.viewBox.baseVal;
    dot.setAttribute("cx", box.width * x / 100);
    dot.setAttribute("cy", box.height * y / 100);
    dot.removeAttribute("visibility");
  }
  function placePoint(svg, event) {
    var rect = svg.getBoundingClientRect();
    var clamp = function (v) { return Math.max(0, Math.min(100, v)); };
    setPoint(svg.closest("[data-plan-picker]"), clamp((event.clientX - rect.left) / rect.width * 100),
      clamp((event.clientY - rect.top) / rect.height * 100));
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-plan-picker]").forEach(function (picker) {
      picker.hidden = false;
      var x = picker.querySelector("input[name='plan_x']").value, y = picker.querySelector("input[name='plan_y']").value;
      if (x !== "" && y !== "") { setPoint(picker, parseFloat(x), parseFloat(y)); }
    });
  });
})();
