"""List pages on a phone (issue 18 item 4): the filters folded behind a button, the active ones
shown as chips, each with a link that removes it.

``{% filter_chips form %}`` — ``form`` is the list's bound filter form (a Django form read from
``request.GET``). A chip's text is the field's label and the chosen value as the form shows it
(a choice's label, a model choice's name from ``cleaned_data``: no extra query). Fields named in
``skip`` (the search box, paging) get no chip."""

from __future__ import annotations

from django import forms, template

register = template.Library()

SKIP = "q page per_page"


def _value_text(form, bound, raw: str) -> str:
    field = bound.field
    cleaned = getattr(form, "cleaned_data", {}).get(bound.name)
    if isinstance(field, forms.ModelChoiceField):
        return str(cleaned) if cleaned is not None else raw
    if isinstance(field, forms.ChoiceField):
        return str(dict((str(k), v) for k, v in field.choices).get(raw, raw))
    if isinstance(field, forms.BooleanField):
        return ""
    return raw


def active_filters(request, form, skip: str = SKIP) -> list[dict]:
    """[{"label", "value", "remove_url"}] for every filter of ``form`` set in the query string."""
    if not form.is_bound:
        return []
    form.is_valid()  # cleaned_data (memoised by the form)
    skipped = set(skip.split())
    chips = []
    for bound in form:
        raw = (request.GET.get(bound.name) or "").strip()
        if bound.name in skipped or not raw or bound.errors:
            continue
        query = request.GET.copy()
        for name in [bound.name, "page"] + [k for k, v in query.lists() if not any(x.strip() for x in v)]:
            query.pop(name, None)  # the filter itself, the page, and the empty fields of the form
        chips.append({"label": str(bound.label), "value": _value_text(form, bound, raw),
                      "remove_url": f"{request.path}?{query.urlencode()}" if query else request.path})
    return chips


@register.inclusion_tag("_filter_chips.html", takes_context=True)
def filter_chips(context, form, skip: str = SKIP):
    return {"chips": active_filters(context["request"], form, skip)}


@register.simple_tag(takes_context=True)
def active_filter_count(context, form, skip: str = SKIP) -> int:
    return len(active_filters(context["request"], form, skip))
