"""What each kind of job does. Feature apps register their kinds from ``AppConfig.ready`` (so every
worker process knows them after ``django.setup()``); this app calls them and knows nothing of
reports or households."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _


class JobError(Exception):
    """An expected failure: the message (Vietnamese) is shown to the user as the job's error."""


@dataclass(frozen=True)
class JobKind:
    code: str
    # run(ctx): does the work and calls ctx.finish(...), or ctx.fan_out(n) to split it into parts
    run: Callable[[Any], None]
    # part(ctx, k): renders part k and stores it with ctx.save_part(k, ...)
    part: Callable[[Any, int], None] | None = None
    # join(ctx): called once, by whoever finishes the last part; reads the parts, calls ctx.finish
    join: Callable[[Any], None] | None = None


KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    KINDS[kind.code] = kind
    return kind


def get(code: str) -> JobKind:
    try:
        return KINDS[code]
    except KeyError:
        raise JobError(_("Không rõ loại công việc “%(code)s”.") % {"code": code}) from None
