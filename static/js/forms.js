// Forms (issue 18): the error summary takes the officer to the field, money shows as 1.500.000.
// A file, not inline code: the Content Security Policy forbids inline scripts.
(function () {
  // A page that opens with an error summary puts it in focus (screen readers read it first).
  var summary = document.querySelector("[data-testid=error-summary]");
  if (summary) { summary.focus(); }

  // A link of the summary focuses its field (a plain #anchor only scrolls to it).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-testid=error-summary] a[href^='#']");
    if (!link) { return; }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) { return; }
    event.preventDefault();
    target.scrollIntoView({ block: "center" });
    target.focus();
  });

  // Money typed as digits is shown with dots between thousands once the field is left
  // (the server reads both spellings: tamky_poverty/widgets.py).
  document.addEventListener("focusout", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-money-input]")) { return; }
    var digits = input.value.replace(/[\s.,\u00a0\u202f]|đ|Đ/g, "");
    if (!/^\d+$/.test(digits)) { return; }
    input.value = digits.replace(/^0+(?=\d)/, "").replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  });
})();
