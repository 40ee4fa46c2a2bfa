"""Numbers of a whole table formatted at once, in the active language.

The template filters (`mad`, `floatformat`) look the language's separators up again for every
cell; a page of 250 rows spent more time there than in its queries. `Numbers` reads them once
and then formats each value with Python's own `format`, giving the same text as the filters:
"2 000 000,00 MAD" in French (isolated left-to-right inside Arabic text), "87,50", "25".

It also keeps right-to-left text readable: a value typed by a user (a name, a file name, a
title) or a number with its unit, set inside a sentence of the other direction, is isolated so
the Unicode bidirectional algorithm cannot mix it with its neighbours. Without it an Arabic page
showed "193 — ok_statuts.pdf بايت": the size read as part of the file name, its unit cut off.
In HTML the isolate is `<bdi>` (which also guesses the value's own direction); in plain text
(e-mails, PDF metadata, messages) the Unicode isolates FSI … PDI.
"""

import re
import unicodedata
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext

EMPTY = "—"
CENTIMES = Decimal("0.01")
FSI, PDI = "\u2068", "\u2069"
# Letters of the right-to-left scripts (Hebrew, Arabic and their presentation forms).
RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def isolated(value) -> SafeString | str:
    """`value` escaped and wrapped in `<bdi>`: its own direction, apart from the sentence."""
    if value is None or value == "":
        return "" if value is None else value
    return format_html("<bdi>{}</bdi>", value)


def direction(value) -> str:
    """The direction of the value's first letter that has one (Unicode rule P2): "rtl" or "ltr"."""
    for character in str(value):
        kind = unicodedata.bidirectional(character)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return "ltr"


def isolated_for_print(value) -> SafeString | str:
    """`isolated` with its direction written out, for PDFs.

    WeasyPrint gives `<bdi>` no direction of its own and loses the Unicode isolates where a
    value wraps onto the next line ("2031 (Industrie 4.0)." came out "(Industrie 4.0).» 2031");
    an explicit `dir` holds across the line break.
    """
    if value is None or value == "":
        return "" if value is None else value
    return format_html('<bdi dir="{}">{}</bdi>', direction(value), value)


def isolated_text(value) -> str:
    """`value` between FSI and PDI when a bidirectional reader could reorder it.

    Plain text has no `<bdi>`: the Unicode isolates do the same. They are added inside
    right-to-left text, and around right-to-left values in left-to-right text; a French name in
    a French e-mail stays as it is, byte for byte.
    """
    text = "" if value is None else str(value)
    if text and (translation.get_language_bidi() or RIGHT_TO_LEFT.search(text)):
        return f"{FSI}{text}{PDI}"
    return text


def moment_text(value, fmt: str = "SHORT_DATETIME_FORMAT") -> str:
    """A moment in Moroccan time for a message in plain text: "06/12/2026 15:00", isolated in
    right-to-left text, where the date and the hour would otherwise change places."""
    return isolated_text(formats.date_format(timezone.localtime(value), fmt))


def list_separator(*, long: bool = False) -> str:
    """The active language's separator between the items of a list: ", " or the Arabic "، ".

    `long` items hold commas of their own (amounts): French parts them with " ; ".
    """
    if long:
        return pgettext("list separator between items holding commas", " ; ")
    return pgettext("list separator", ", ")


def joined(values: Iterable, *, isolate: bool = True) -> SafeString:
    """Items escaped, each isolated (unless `isolate` is false), with the language's separator."""
    pattern = "<bdi>{}</bdi>" if isolate else "{}"
    return format_html_join(list_separator(), pattern, ((value,) for value in values))


def joined_text(values: Iterable) -> str:
    """Plain-text `joined`: items between Unicode isolates where needed."""
    return list_separator().join(isolated_text(value) for value in values)


def file_size_text(size: int | None) -> str:
    """ "193 octets", "12 Ko", "1,5 Mo" in the active language; "—" for no size."""
    if size is None:
        return EMPTY
    if size < 1024:
        text = gettext("%(size)s octets") % {"size": size}
    elif size < 1024 * 1024:
        text = gettext("%(size)s Ko") % {"size": formats.number_format(size / 1024, 0)}
    else:
        text = gettext("%(size)s Mo") % {"size": formats.number_format(size / 1024 / 1024, 1)}
    # A number never parted from its unit, at the end of a line or in a right-to-left sentence.
    return text.replace(" ", "\u00a0")


def file_size(size: int | None) -> SafeString | str:
    """`file_size_text` as one isolated unit in HTML: "193 بايت", never "193 — … بايت"."""
    if size is None:
        return EMPTY
    return isolated(file_size_text(size))


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
