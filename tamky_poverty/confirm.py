"""Confirming what cannot be undone, when the browser runs no JavaScript (issue 18).

With JavaScript, a form marked ``data-confirm`` asks in the page's dialog (static/js/app.js) and
sends nothing else. Without it, the ``<noscript>`` field of ``templates/_confirm_noscript.html``
is sent (``confirm_step=1``): the view, once the data is valid, answers with
:func:`confirmation_page` instead of writing. That page shows the same summary and sends the
same data again without the field, which writes.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRM_FIELD = "confirm_step"
_NOT_RESENT = {"csrfmiddlewaretoken", CONFIRM_FIELD}


def needs_confirmation(request: HttpRequest) -> bool:
    """The form was sent by a browser without JavaScript and has not been confirmed yet."""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == "1"


def confirmation_page(request: HttpRequest, *, question: str, cancel_url: str, accept_label: str = "",
                      summary_template: str = "", context: dict | None = None, danger: bool = False,
                      title: str = "") -> HttpResponse:
    """The confirmation step: the question, the summary (``summary_template`` rendered with
    ``context``) and a form that posts the same fields again, without ``confirm_step``."""
    fields = [(name, value) for name, values in request.POST.lists() if name not in _NOT_RESENT
              for value in values]
    ctx = dict(context or {})
    ctx.update({
        "question": question, "cancel_url": cancel_url, "accept_label": accept_label, "danger": danger,
        "summary_template": summary_template, "fields": fields, "form_action": request.get_full_path(),
        "title": title or question,
    })
    return render(request, "confirm_step.html", ctx)
