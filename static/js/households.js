// Household form: add a member row from the <template> (no inline scripts: CSP).
(function () {
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-add-member]");
    if (!button) { return; }
    var prefix = button.getAttribute("data-prefix");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById("member-empty-form");
    var container = document.getElementById("member-forms");
    if (!total || !template || !container) { return; }
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var fieldset = holder.firstElementChild;
    var number = fieldset.querySelector("[data-member-number]");
    if (number) { number.textContent = String(index + 1); }
    container.appendChild(fieldset);
    total.value = String(index + 1);
    var first = fieldset.querySelector("input, select");
    if (first) { first.focus(); }
  });
})();
