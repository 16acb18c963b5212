"""Pagination for long lists at city-province scale."""

from __future__ import annotations

from functools import cached_property
from math import ceil

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from tamky_poverty import figures_cache


class CappedPaginator(Paginator):
    """A paginator that serves at most ``max_rows`` rows deep (LIST_MAX_ROWS): past that, a page
    would make the database skip (read and sort) tens of thousands of rows for a page nobody
    reads by paging — a broad list is narrowed with its filters or exported instead. The count
    stays true; a deeper page number shows the last page served, with ``capped`` set."""

    def __init__(self, *args, max_rows: int | None = None, count_key: tuple | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_rows = settings.LIST_MAX_ROWS if max_rows is None else max_rows
        self.count_key = count_key

    @cached_property
    def count(self):
        """The number of rows; with ``count_key`` (who asks and the list's filters) it comes from
        the figures cache, which every write to the register makes stale (a city-wide count of
        100,000 households was 18 of the list's 47 ms on PostgreSQL, on every page)."""
        if self.count_key is None:
            return super().count
        return figures_cache.cached("list-count", self.count_key, lambda: Paginator.count.func(self))

    @cached_property
    def num_pages(self):
        return min(super().num_pages, max(1, ceil(self.max_rows / self.per_page)))

    @property
    def capped(self) -> bool:
        return self.count > self.num_pages * self.per_page


def ids_first_page(listed: QuerySet, number, per_page: int, max_rows: int | None = None,
                   count_key: tuple | None = None) -> Page:
    """One page of ``listed`` (ordered): the page's ids are sorted and sliced first (narrow rows,
    from an index where there is one), then only those rows are read with their joins and
    annotations, in the same order. A deep page never builds the rows it skips, and no page lies
    deeper than LIST_MAX_ROWS rows (``CappedPaginator``). Three queries whatever the page size or
    number: count, ids, rows. ``count_key`` (the list's name, who asks, its filters) takes the
    count from the figures cache (``CappedPaginator.count``)."""
    page = CappedPaginator(listed.values_list("pk", flat=True), per_page, max_rows=max_rows,
                           count_key=count_key).get_page(number)
    ids = list(page.object_list)
    rows = {obj.pk: obj for obj in listed.filter(pk__in=ids).order_by()}
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page
