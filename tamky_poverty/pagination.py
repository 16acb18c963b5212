"""Pagination for long lists at city-province scale."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


def ids_first_page(listed: QuerySet, number, per_page: int) -> Page:
    """One page of ``listed`` (ordered): the page's ids are sorted and sliced first (narrow rows,
    from an index where there is one), then only those rows are read with their joins and
    annotations, in the same order. A deep page never builds the rows it skips. Three queries
    whatever the page size or number: count, ids, rows."""
    page = Paginator(listed.values_list("pk", flat=True), per_page).get_page(number)
    ids = list(page.object_list)
    rows = {obj.pk: obj for obj in listed.filter(pk__in=ids).order_by()}
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page
