"""Which clusters a call accepts."""

import pytest

from applications.eligibility import eligibility_gaps
from applications.tests.builders import call_with_checklist, draft_for


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("first_supported_year", "accepts_new", "expected"),
    [
        (None, True, None),
        (None, False, "n'est pas ouvert aux nouveaux clusters"),
        (2020, True, "soutenu par l'État depuis 6 ans"),
        (2016, True, None),
    ],
)
def test_years_of_state_support_are_checked(director, first_supported_year, accepts_new, expected):
    call = call_with_checklist(edition_year=2026, accepts_new_clusters=accepts_new)
    cluster = draft_for(director, call).cluster
    cluster.first_supported_year = first_supported_year

    gaps = eligibility_gaps(cluster, call)

    if expected is None:
        assert gaps == []
    else:
        assert any(expected in gap for gap in gaps), gaps
