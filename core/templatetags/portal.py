"""Formatting shared by every page: amounts in MAD, Moroccan deadlines, status tags (each app
registers its states' colours with `core.states.register_badges`), and the isolation of user
data inside text of the other direction (`isolate`, `isolate_text`, `listjoin`, `filesize`)."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats, timezone, translation

from core import formatting
from core.states import badge_style

register = template.Library()


@register.filter
def mad(value):
    """2000000 → "2 000 000,00 MAD" in French, "2,000,000.00 MAD" in English."""
    if value in (None, ""):
        return "—"
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return value
    number = formats.number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)
    if translation.get_language_bidi():
        # Isolated left-to-right inside Arabic text, so "1 200 000,00 MAD" is not reordered.
        return f"\u2066{number}\u00a0MAD\u2069"
    return f"{number}\u00a0MAD"


@register.filter
def status_style(state):
    return badge_style(state)


@register.inclusion_tag("partials/deadline.html")
def deadline(closes_at, now=None):
    """The closing date in Moroccan time, with a countdown and a warning in the last 48 hours."""
    now = now or timezone.now()
    remaining = closes_at - now
    seconds = int(remaining.total_seconds())
    return {
        "closes_at": closes_at,
        "closed": seconds <= 0,
        "urgent": 0 < seconds <= 48 * 3600,
        "days": max(seconds, 0) // 86400,
        "hours": max(seconds, 0) % 86400 // 3600,
        "iso": closes_at.isoformat(),
    }


@register.simple_tag
def moroccan_time(value, fmt="DATETIME_FORMAT"):
    """A moment in Moroccan time, isolated: "06/12/2026 15:00" is not read "15:00 06/12/2026"
    in a right-to-left sentence."""
    if value is None:
        return "—"
    return formatting.isolated(formats.date_format(timezone.localtime(value), fmt))


@register.filter
def filesize(size):
    """ "193 octets" as one isolated unit (HTML)."""
    return formatting.file_size(size)


@register.filter
def filesize_text(size):
    """ "193 octets" for plain text (e-mails): number and unit joined by a no-break space."""
    return formatting.file_size_text(size)


@register.filter
def isolate(value):
    """User data (a name, a file name, a title) inside a sentence: `<bdi>value</bdi>`."""
    return formatting.isolated(value)


@register.filter
def isolate_print(value):
    """`isolate` for the PDFs' HTML: `<bdi dir="ltr">`, the direction computed, not guessed by
    WeasyPrint."""
    return formatting.isolated_for_print(value)


@register.filter
def isolate_text(value):
    """`isolate` for plain text (e-mails, subjects): the Unicode isolates FSI … PDI."""
    return formatting.isolated_text(value)


@register.filter
def listjoin(values, isolate=True):
    """Items joined with the language's separator (", " or "، "), each one isolated."""
    return formatting.joined(values, isolate=isolate)


@register.simple_tag
def list_separator(kind=""):
    """Between the items of a list written in a loop: ", " or "، "; `"long"` for items with commas."""
    return formatting.list_separator(long=kind == "long")


@register.filter
def listjoin_text(values):
    """`listjoin` for plain text."""
    return formatting.joined_text(values)


@register.filter
def width_class(value, scale=100):
    """The CSS class drawing a bar at value/scale of its track (`w-pct-0` … `w-pct-100`).

    Widths are classes rather than style attributes so that the Content-Security-Policy can
    refuse every inline style.
    """
    try:
        ratio = Decimal(str(value)) / Decimal(str(scale)) if scale else Decimal(0)
    except (InvalidOperation, TypeError, ValueError):
        ratio = Decimal(0)
    percent = int((ratio * 100).to_integral_value())
    return f"w-pct-{min(max(percent, 0), 100)}"
