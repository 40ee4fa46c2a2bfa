"""Formatting shared by every page: amounts in MAD, Moroccan deadlines, status tags (each app
registers its states' colours with `core.states.register_badges`)."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

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
    if value is None:
        return "—"
    return formats.date_format(timezone.localtime(value), fmt)


@register.filter
def filesize(size):
    if size is None:
        return "—"
    if size < 1024:
        return _("%(size)s octets") % {"size": size}
    if size < 1024 * 1024:
        return _("%(size)s Ko") % {"size": formats.number_format(size / 1024, 0)}
    return _("%(size)s Mo") % {"size": formats.number_format(size / 1024 / 1024, 1)}


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
