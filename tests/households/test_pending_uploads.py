"""Uploads waiting for confirmation live in the shared storage (every web process and machine
sees them) and are claimed once, whichever process the confirming request reaches."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.core.cache import cache

from households.io import pending

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def own_storage(settings, tmp_path, db):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    return Path(settings.MEDIA_ROOT)


def test_a_waiting_upload_is_kept_in_the_shared_storage_and_claimed_once(own_storage):
    token = pending.store(b"workbook bytes")
    assert (own_storage / "imports" / "pending" / f"{token}.xlsx").read_bytes() == b"workbook bytes"
    assert pending.exists(token) and pending.waiting() == [token]
    assert pending.claim(token) == b"workbook bytes"
    # a second request (a double click, maybe on another machine) finds nothing, and the file is gone
    assert pending.claim(token) is None
    assert not pending.exists(token) and pending.waiting() == []


def test_a_claim_made_elsewhere_wins_even_before_the_file_is_removed(own_storage):
    token = pending.store(b"x")
    cache.add(f"household-import:claimed:{token}", True)  # another process claimed it first
    assert pending.claim(token) is None
    assert pending.exists(token)  # that process removes it


@pytest.mark.parametrize("token", ["", "../../etc/passwd", "short", "a/b" * 10, None])
def test_a_token_that_is_not_one_of_ours_claims_nothing(token, own_storage):
    assert pending.claim(token) is None and not pending.exists(token)
    pending.discard(token)  # and removes nothing
    assert list(own_storage.rglob("*")) == []


def test_the_sweep_removes_what_waited_more_than_a_day_and_keeps_the_rest(own_storage):
    old, fresh = pending.store(b"old"), pending.store(b"fresh")
    day_and_a_minute = (NOW - dt.timedelta(hours=24, minutes=1)).timestamp()
    os.utime(own_storage / "imports" / "pending" / f"{old}.xlsx", (day_and_a_minute, day_and_a_minute))
    fresh_time = (NOW - dt.timedelta(hours=23)).timestamp()
    os.utime(own_storage / "imports" / "pending" / f"{fresh}.xlsx", (fresh_time, fresh_time))
    assert pending.sweep(NOW) == 1
    assert pending.waiting() == [fresh]


def test_discard_removes_the_file(own_storage):
    token = pending.store(b"x")
    pending.discard(token)
    assert pending.waiting() == [] and pending.claim(token) is None
