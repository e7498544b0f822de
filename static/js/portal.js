// What the pages need without inline code (the Content-Security-Policy allows none):
// progress bars take their width from data-percent; data-action="print" prints the page; the claim
// form's choices cascade.
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
  });
})();
