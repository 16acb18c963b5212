// Behaviour that would otherwise be inline (the Content Security Policy forbids inline scripts).
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("[data-autosubmit]") && el.form) { el.form.submit(); }
});

/* Confirm what cannot be undone, and busy buttons (issue 18).
 *
 * On a <form> (or on one of its submit buttons, which then wins for that button):
 *   data-confirm="Question?"        ask once in the page's <dialog id="confirm-dialog"> before sending
 *   data-confirm-summary="ID ID2"   show copies of the elements with these ids (a <template> or any element,
 *                                   e.g. the live class preview) under the question: what will be recorded;
 *                                   inside, <span data-confirm-value="field_name"> shows that field's value
 *                                   as typed (data-confirm-empty="…" when it is empty; data-confirm-format="money"
 *                                   writes 1500000 as 1.500.000); a live element that changes while the
 *                                   dialog is open (htmx redrew it) is copied again
 *   data-confirm-accept="Ghi"       label of the confirming button (default "Xác nhận")
 *   data-confirm-tone="danger"      the confirming button is red (deletions)
 *   data-busy                       no question, only the busy state below
 *   data-busy-label="Đang ghi…"     text of the pressed button while the request runs (default "Đang xử lý…")
 * A form with data-confirm or data-busy, once sent, gets aria-busy="true", its pressed button shows a
 * spinner and the label, and every submit button is disabled: it cannot be sent twice. Going back to
 * the page (back/forward cache) makes it usable again.
 * Without JavaScript: put {% include "_confirm_noscript.html" %} inside the form; the form then sends
 * confirm_step=1 and the view answers with the confirmation page (tamky_poverty.confirm).
 */
(function () {
  function attr(el, name) { return el && el.getAttribute ? el.getAttribute(name) : null; }
  function pick(form, submitter, name) { return attr(submitter, name) || attr(form, name); }
  function dialog() { return document.getElementById("confirm-dialog"); }

  function submitButtons(form) {
    var list = Array.prototype.slice.call(form.querySelectorAll("button, input[type=submit]"));
    if (form.id) {
      list = list.concat(Array.prototype.slice.call(document.querySelectorAll('[form="' + form.id + '"]')));
    }
    return list.filter(function (b) { return b.type === "submit"; });
  }

  function markBusy(form, submitter) {
    form.setAttribute("data-submitting", "1");
    form.setAttribute("aria-busy", "true");
    var shown = submitter || submitButtons(form)[0];
    var label = pick(form, submitter, "data-busy-label") || attr(dialog(), "data-busy-label") || "…";
    if (shown && shown.tagName === "BUTTON") {
      shown.setAttribute("data-idle-html", shown.innerHTML);
      var spinner = document.createElement("span");
      spinner.className = "spinner-border spinner-border-sm me-1";
      spinner.setAttribute("aria-hidden", "true");
      shown.textContent = label;
      shown.insertBefore(spinner, shown.firstChild);
    }
    // Disabled after the browser has collected the form's data, so the pressed button's
    // name and value are still sent.
    window.setTimeout(function () {
      submitButtons(form).forEach(function (b) { b.disabled = true; b.setAttribute("data-busy-disabled", "1"); });
    }, 0);
  }

  function unmarkBusy(form) {
    form.removeAttribute("data-submitting");
    form.removeAttribute("aria-busy");
    submitButtons(form).forEach(function (b) {
      if (b.getAttribute("data-busy-disabled")) { b.disabled = false; b.removeAttribute("data-busy-disabled"); }
      var html = b.getAttribute("data-idle-html");
      if (html !== null) { b.innerHTML = html; b.removeAttribute("data-idle-html"); }
    });
  }

  // The text of a form field as the user sees it: a select's chosen option, dd/mm/yyyy for a date.
  function fieldText(form, name, format) {
    var field = form.elements[name];
    if (!field) { return ""; }
    if (field.tagName === "SELECT") { return field.selectedIndex >= 0 ? field.options[field.selectedIndex].text : ""; }
    var value = (field.value || "").trim();
    if (format === "money" && /^\d{4,}$/.test(value)) {  // 1500000 → 1.500.000
      value = value.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    }
    var iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    return iso ? iso[3] + "/" + iso[2] + "/" + iso[1] : value;
  }

  function copySummary(ids, form, into) {
    (ids || "").split(/\s+/).forEach(function (id) {
      var source = id && document.getElementById(id);
      if (!source) { return; }
      var copy = source.tagName === "TEMPLATE" ? source.content.cloneNode(true) : source.cloneNode(true);
      if (copy.removeAttribute) { copy.removeAttribute("id"); copy.classList.remove("d-none"); }
      Array.prototype.forEach.call(copy.querySelectorAll("[id]"), function (el) { el.removeAttribute("id"); });
      Array.prototype.forEach.call(copy.querySelectorAll("input, select, textarea, button"), function (el) {
        el.remove();
      });
      Array.prototype.forEach.call(copy.querySelectorAll("[data-confirm-value]"), function (el) {
        var text = fieldText(form, el.getAttribute("data-confirm-value"), el.getAttribute("data-confirm-format"));
        el.textContent = text || el.getAttribute("data-confirm-empty") || "—";
      });
      into.appendChild(copy);
    });
  }

  function ask(form, submitter, message) {
    var box = dialog();
    if (!box || typeof box.showModal !== "function") {  // no <dialog>: the browser's own question
      if (window.confirm(message)) { send(form, submitter); }
      return;
    }
    var title = box.querySelector("[data-confirm-title]");
    var body = box.querySelector("[data-confirm-body]");
    var accept = box.querySelector("[data-confirm-accept]");
    title.textContent = message;
    var ids = pick(form, submitter, "data-confirm-summary");
    function fill() {
      body.textContent = "";
      copySummary(ids, form, body);
      body.hidden = !body.firstChild;
    }
    fill();
    // A live summary (the class preview, redrawn by htmx) that changes while the dialog is open
    // is copied again: the dialog never shows a stale result.
    var observers = (ids || "").split(/\s+/).map(function (id) {
      var source = id && document.getElementById(id);
      if (!source || source.tagName === "TEMPLATE" || typeof MutationObserver !== "function") { return null; }
      var observer = new MutationObserver(fill);
      observer.observe(source, {childList: true, subtree: true, characterData: true});
      return observer;
    });
    if (!accept.hasAttribute("data-default-label")) { accept.setAttribute("data-default-label", accept.textContent); }
    accept.textContent = pick(form, submitter, "data-confirm-accept") || accept.getAttribute("data-default-label");
    var danger = pick(form, submitter, "data-confirm-tone") === "danger";
    accept.classList.toggle("btn-danger", danger);
    accept.classList.toggle("btn-primary", !danger);
    box.returnValue = "";
    box.onclose = function () {
      box.onclose = null;
      observers.forEach(function (o) { if (o) { o.disconnect(); } });
      if (box.returnValue === "accept") { send(form, submitter); }
      else if (submitter && submitter.focus) { submitter.focus(); }
    };
    box.showModal();
  }

  function send(form, submitter) {
    form.__confirmed = true;
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
      form.__confirmed = false;  // (the submit event ran synchronously; an invalid form asks again)
      return;
    }
    if (submitter && submitter.name) {  // old browsers: keep the pressed button's value
      var hidden = document.createElement("input");
      hidden.type = "hidden"; hidden.name = submitter.name; hidden.value = submitter.value;
      form.appendChild(hidden);
    }
    markBusy(form, submitter);
    form.submit();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.getAttribute || event.defaultPrevented) { return; }  // htmx sends its own
    if ((form.getAttribute("method") || "").toLowerCase() === "dialog") { return; }
    if (form.getAttribute("data-submitting")) { event.preventDefault(); return; }  // never twice
    var submitter = event.submitter || null;
    var message = pick(form, submitter, "data-confirm");
    if (message && !form.__confirmed) {
      event.preventDefault();
      ask(form, submitter, message);
      return;
    }
    form.__confirmed = false;
    if (message || form.hasAttribute("data-busy")) { markBusy(form, submitter); }
  });

  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("form[data-submitting]"), unmarkBusy);
  });
})();
