// Household list import: keep the user informed while a large file is checked
// (htmx shows #import-working through hx-indicator; without htmx the same indicator is shown
// on submit). No inline scripts: the Content Security Policy forbids them.
(function () {
  function busy(form, on) {
    var button = form.querySelector("[data-import-submit]");
    if (button) { button.disabled = on; }
    var indicator = document.getElementById("import-working");
    if (indicator) { indicator.classList.toggle("htmx-request", on); }
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches && form.matches("[data-import-form]") && !window.htmx) { busy(form, true); }
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.target;
    if (form.matches && form.matches("[data-import-form]")) { busy(form, true); }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target;
    if (form.matches && form.matches("[data-import-form]")) { busy(form, false); }
  });
})();
// Import preview: show only the rows whose problems are in the chosen column (and open the
// folded rest of the list while a filter is on).
(function () {
  function apply(select) {
    var result = select.closest("#import-result") || document;
    var column = select.value;
    var shown = 0;
    result.querySelectorAll("[data-problem-row]").forEach(function (row) {
      var match = !column || row.getAttribute("data-columns").indexOf("|" + column + "|") !== -1;
      row.hidden = !match;
      if (match) { shown += 1; }
    });
    var more = result.querySelector("[data-problem-more]");
    if (more && column) { more.open = true; }
    var count = result.querySelector("[data-problem-count]");
    if (count) { count.textContent = column ? shown + " / " + result.querySelectorAll("[data-problem-row]").length : ""; }
  }
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-problem-filter]")) { apply(el); }
  });
})();
