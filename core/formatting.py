"""Numbers of a whole table formatted at once, in the active language.

The template filters (`mad`, `floatformat`) look the language's separators up again for every
cell; a page of 250 rows spent more time there than in its queries. `Numbers` reads them once
and then formats each value with Python's own `format`, giving the same text as the filters:
"2 000 000,00 MAD" in French (isolated left-to-right inside Arabic text), "87,50", "25".
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, translation
from django.utils.safestring import SafeString, mark_safe

EMPTY = "—"
CENTIMES = Decimal("0.01")


def written_html(html: str) -> SafeString:
    """Markup a table writes in Python, marked safe for its template.

    Only for cells whose tags are written here and whose every user value went through
    `html.escape` first: the one place such strings are trusted, reviewed as such.
    """
    return mark_safe(html)  # noqa: S308  # nosec B308 B703


class Numbers:
    """The active language's way of writing numbers, for the rows of one page."""

    def __init__(self):
        self.separator = formats.get_format("DECIMAL_SEPARATOR")
        self.grouped = str.maketrans(
            {",": formats.get_format("THOUSAND_SEPARATOR"), ".": self.separator}
        )
        self.isolated = translation.get_language_bidi()

    def decimal(self, value, places=2):
        """`value|floatformat:places` (rounded half up, no grouping); "—" for None."""
        if value is None:
            return EMPTY
        rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        return f"{rounded:f}".replace(".", self.separator)

    def short(self, value):
        """`value|floatformat:"-2"`: two decimals, none for a whole number."""
        if value is None:
            return EMPTY
        rounded = Decimal(value).quantize(CENTIMES, rounding=ROUND_HALF_UP)
        return self.decimal(rounded, 0 if rounded == rounded.to_integral_value() else 2)

    def money(self, value):
        """`value|mad`: "2 000 000,00 MAD"; "—" for None."""
        if value is None:
            return EMPTY
        number = f"{Decimal(value):,.2f}".translate(self.grouped)
        if self.isolated:
            return f"\u2066{number}\u00a0MAD\u2069"
        return f"{number}\u00a0MAD"
