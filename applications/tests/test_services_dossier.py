"""The dossier's sections saved by their services."""

import pytest

from applications.services.dossiers import budget_save
from applications.tests.builders import complete, draft_for


@pytest.mark.django_db
def test_a_year_left_empty_is_removed_from_the_budget(director):
    dossier = complete(draft_for(director), director)

    budget_save(actor=director, dossier=dossier, years={1: None})

    assert sorted(dossier.budget_years.values_list("year", flat=True)) == [2, 3, 4, 5]
