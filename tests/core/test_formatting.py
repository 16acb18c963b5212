from django.template import Context, Template

from tamky_poverty.templatetags.vn import num, vnd


def test_money_and_counts_use_dot_thousands_separator():
    assert vnd(1500000) == "1.500.000 đ"
    assert vnd(0) == "0 đ"
    assert vnd(None) == ""
    assert num(34020) == "34.020"
    assert num("abc") == "abc"


def test_plain_integers_are_not_grouped_in_templates():
    # Ids in links and years in form values must stay machine-readable.
    html = Template("{% load vn %}{{ year }} /ho/{{ pk }}/ {{ amount|vnd }}").render(
        Context({"year": 2025, "pk": 1452, "amount": 30000000})
    )
    assert html == "2025 /ho/1452/ 30.000.000 đ"
