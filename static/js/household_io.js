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
