"""Hostile values for the portal's forms: what a careless paste, a broken browser or an attacker
may send. Every strategy yields strings, as a browser's form post does."""

from hypothesis import strategies as st

# Any character a browser can send: lone surrogates cannot be encoded in UTF-8 at all.
CHARACTERS = st.characters(exclude_categories=["Cs"])
ARABIC = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
CONTROLS = st.characters(max_codepoint=0x1F) | st.sampled_from("\u200e\u200f\u202a\u202e\u2066")

SPECIAL_TEXTS = (
    "",
    " ",
    "\x00",
    "Cluster\x00Nord",
    "\u202eتقرير\u202c",
    "الاستراتيجية الوطنية للابتكار \u200f(2026)",
    "👩‍🔬🇲🇦🚀" * 10,
    "\r\n" * 200,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%s %(name)s {0} {{ x }}",
    "\ufeff\u00a0\u202f",
)


def hostile_text(max_size=2000):
    """Text of every kind: any Unicode, Arabic and right-to-left marks, control characters
    and NUL bytes, emoji, and now and then a huge block."""
    return st.one_of(
        st.sampled_from(SPECIAL_TEXTS),
        st.text(CHARACTERS, max_size=max_size),
        st.text(ARABIC | CONTROLS | st.sampled_from(" \u200f"), max_size=max_size),
        st.integers(1_000, 200_000).map(
            lambda size: ("ب" * 7 + "x\u200f")[: size % 9 + 1] * (size // 9)
        ),
    )


SPECIAL_NUMBERS = (
    "",
    "0",
    "-0",
    "-5",
    "-0.01",
    "1e30",
    "-1e30",
    "1e-30",
    "9" * 40,
    "9" * 400,
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "inf",
    "sNaN",
    "-sNaN",
    "32767",
    "32768",
    "65536",
    "2147483647",
    "2147483648",
    "9223372036854775808",
    "1.005",
    "0.001",
    "12345678901234.99",
    "123456789012345",
    "1 200 000,50",
    "1.200.000,50",
    "1,5",
    "٣٤٥",
    "١٢٣٫٤٥",
    "0x10",
    "1_000",
    "abc",
    " 42 ",
)


def hostile_number():
    """Numbers as typed: extremes, non-numbers, odd separators and odd numbers of decimals."""
    return st.one_of(
        st.sampled_from(SPECIAL_NUMBERS),
        st.integers().map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.floats().map(str),
        st.text(CHARACTERS, max_size=20),
    )


SPECIAL_DATES = (
    "",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "31/12/99999",
    "31/12/2026",
    "99999-12-31",
    "2026-1-1",
    "1900-01-01",
    "2026-06-15",
    "-2026-01-01",
    "today",
)


def hostile_date():
    return st.one_of(
        st.sampled_from(SPECIAL_DATES),
        st.dates().map(str),
        st.text(CHARACTERS, max_size=20),
    )


def hostile_datetime():
    """What a datetime-local input may send, and what it never should."""
    return st.one_of(
        st.sampled_from(SPECIAL_DATES),
        st.sampled_from(("0001-01-01T00:00", "9999-12-31T23:59", "2026-02-30T10:00")),
        st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M")),
        st.text(CHARACTERS, max_size=20),
    )


def hostile_choice(valid):
    """A valid choice most of the time, otherwise anything."""
    return st.one_of(st.sampled_from(list(valid)), hostile_text(max_size=50))


def hostile_checkbox():
    return st.sampled_from(("", "on", "true", "false", "0", "1", "\x00"))


def mutated(valid, hostile, max_changes=2):
    """A post that a form accepts, with one or two fields swapped for hostile values (or
    none, or all of them): a form refused at its first field never reaches its save."""
    keys = sorted(hostile)

    @st.composite
    def build(draw):
        changed = draw(st.lists(st.sampled_from(keys), max_size=max_changes, unique=True))
        return {**valid, **{key: draw(hostile[key]) for key in changed}}

    fixed = {key: st.just(value) for key, value in valid.items()}
    return st.one_of(build(), st.fixed_dictionaries({**fixed, **hostile}))
