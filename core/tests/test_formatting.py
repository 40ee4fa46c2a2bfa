"""Amounts as each language writes them."""

from decimal import Decimal

from django.utils import translation

from core.templatetags.portal import mad


def test_amounts_are_grouped_in_french():
    with translation.override("fr"):
        assert mad(Decimal("2000000")) == "2\u00a0000\u00a0000,00\u00a0MAD"


def test_amounts_stay_left_to_right_inside_arabic_text():
    with translation.override("ar"):
        amount = mad(Decimal("1200000.5"))
    assert amount.startswith("\u2066") and amount.endswith("MAD\u2069")
    assert "1" in amount and "200" in amount


def test_no_amount_is_a_dash():
    assert mad(None) == "—"
