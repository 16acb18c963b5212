"""The dashboard in a real browser: every role lands on it, it fits a 360-px phone, the
language switch works, and no page breaks the Content Security Policy."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_ward_officer_lands_on_dashboard(page, ward_officer):
    login(page, "canbo.anphu", PASSWORD)
    assert page.get_by_role("heading", name="Tổng quan", level=1).is_visible()
    assert page.get_by_test_id("current-user").inner_text().endswith("An Phú")
    assert page.get_by_role("heading", name="Việc cần bạn xử lý").is_visible()
