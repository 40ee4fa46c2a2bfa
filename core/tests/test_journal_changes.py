"""What a journal entry changed, as the timelines and the journal page show it."""

from contracts.models import Contract
from core.journal import journal_changes


def test_named_values_show_their_field_name_and_amounts_in_dirhams():
    changes = journal_changes(
        {"before": {"start_date": "2026-01-01"}, "after": {"start_date": "2026-03-01"}},
        Contract,
    )
    assert [(str(name), before, after) for name, before, after in changes] == [
        ("date de prise d'effet", "2026-01-01", "2026-03-01")
    ]
    (total,) = journal_changes({"before": "1000.00", "after": "2500.50"})
    assert (total[1].replace("\xa0", " "), total[2].replace("\xa0", " ")) == (
        "1 000,00 MAD",
        "2 500,50 MAD",
    )


def test_a_review_shows_each_changed_note_and_states_are_left_to_the_from_to():
    changes = journal_changes(
        {
            "before": {"status": "due", "total": "80.00", "scores": {"Vision": 4, "Budget": 3}},
            "after": {"status": "paid", "total": "70.00", "scores": {"Vision": 2, "Budget": 3}},
        }
    )
    assert [(str(name), before, after) for name, before, after in changes] == [
        ("note totale", "80,00", "70,00"),
        ("Vision", "4", "2"),
    ]


def test_an_entry_without_before_and_after_shows_nothing():
    assert journal_changes({"year": 1}) == []
    assert journal_changes(None) == []
