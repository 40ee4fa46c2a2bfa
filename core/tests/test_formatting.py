"""Amounts as each language writes them."""

from decimal import Decimal

import pytest
from django.template.defaultfilters import floatformat
from django.utils import translation

from core.formatting import Numbers
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


# A page's numbers written at once (core.formatting), exactly as the filters write them

VALUES = [
    Decimal("0"),
    Decimal("7.5"),
    Decimal("25.00"),
    Decimal("87.505"),
    Decimal("73.333333"),
    Decimal("1234.5"),
    Decimal("2000000"),
    Decimal("1502500000.00"),
    Decimal("-12.345"),
]


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_numbers_are_written_as_the_template_filters_write_them(language):
    with translation.override(language):
        numbers = Numbers()
        for value in VALUES:
            assert numbers.decimal(value) == floatformat(value, 2)
            assert numbers.decimal(value, 1) == floatformat(value, 1)
            assert numbers.decimal(value, 0) == floatformat(value, 0)
            assert numbers.short(value) == floatformat(value, "-2")
            if value == value.quantize(Decimal("0.01")):
                assert numbers.money(value) == mad(value)


def test_no_number_is_a_dash():
    numbers = Numbers()
    assert numbers.decimal(None) == numbers.short(None) == numbers.money(None) == "—"
