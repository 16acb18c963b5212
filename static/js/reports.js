// Reports page: show that a download is being prepared (PDF/Excel of a large report can take
// a few seconds). Loaded from templates/reports/*; no inline script (CSP).
(function () {
  "use strict";
  function busy(el) {
    el.classList.add("is-downloading");
    el.setAttribute("aria-busy", "true");
    window.setTimeout(function () {
      el.classList.remove("is-downloading");
      el.removeAttribute("aria-busy");
    }, 6000);
  }
  document.addEventListener("click", function (event) {
    var el = event.target.closest && event.target.closest("a[data-download]");
    if (el) { busy(el); }
  });
  document.addEventListener("submit", function (event) {
    var button = event.target.querySelector && event.target.querySelector("button[data-download]");
    if (button) { busy(button); }
  });
})();
