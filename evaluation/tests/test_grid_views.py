from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.tests.factories import CallFactory
from core.journal import journal_for
from core.tests.client import page_text
from evaluation.defaults import DEFAULT_CRITERIA
from evaluation.models import Criterion, Grid
from evaluation.services.grid import grid_ensure

pytestmark = pytest.mark.django_db

FROZEN_MESSAGE = "La grille est figée depuis la première évaluation soumise"


@pytest.fixture
def call():
    return CallFactory()


@pytest.fixture
def grid(call):
    return grid_ensure(call=call)


@pytest.fixture
def criterion(grid):
    return grid.criteria.first()


def _url(name, call, *args):
    return reverse(f"evaluation:{name}", args=[call.pk, *args])


def _settings_data(**overrides):
    data = {
        "scale_max": "4",
        "scale_labels_fr": "Absent\nFaible\nSatisfaisant\nBon\nExcellent",
        "min_total": "65",
        "criterion_min_percent": "35",
        "divergence_threshold": "12.5",
        "evaluation_deadline": "2030-06-10T15:00",
        "conflict_lookback_years": "5",
        "appeal_days": "20",
    }
    return {**data, **overrides}


def _criterion_data(**overrides):
    data = {
        "label_fr": "Impact sur l'emploi qualifié",
        "description_fr": "Emplois de R&D créés.",
        "weight": "5",
        "min_score": "",
        "position": "9",
    }
    return {**data, **overrides}


def _pages(call, criterion):
    return [
        ("get", _url("grid", call)),
        ("get", _url("grid_settings", call)),
        ("post", _url("grid_settings", call)),
        ("get", _url("criterion_add", call)),
        ("post", _url("criterion_add", call)),
        ("get", _url("criterion_edit", call, criterion.pk)),
        ("post", _url("criterion_edit", call, criterion.pk)),
        ("get", _url("criterion_delete", call, criterion.pk)),
        ("post", _url("criterion_delete", call, criterion.pk)),
    ]


def test_the_grid_page_shows_the_ministry_grid_without_writing_it(
    client, administrator, call, django_assert_num_queries
):
    client.force_login(administrator)

    response = client.get(_url("grid", call))

    text = page_text(response)
    assert response.status_code == 200
    assert not Grid.objects.filter(call=call).exists()
    assert str(DEFAULT_CRITERIA[0][0]) in text
    assert "Les poids des critères totalisent 100" in text
    assert "Excellent" in text
    assert "60 sur 100" in text
    assert "40 %" in text
    assert "Adapter la grille" in text
    assert "Ajouter un critère" not in text
    # Its forms lead back to the grid page until the grid is the call's own.
    assert client.get(_url("grid_settings", call)).url == _url("grid", call)
    assert client.post(_url("criterion_add", call), _criterion_data()).url == _url("grid", call)
    assert not Grid.objects.filter(call=call).exists()


def test_adapting_saves_the_ministry_grid_for_the_call_once(client, administrator, call):
    client.force_login(administrator)

    response = client.post(_url("grid_adapt", call))
    client.post(_url("grid_adapt", call))

    assert response.url == _url("grid", call)
    grid = Grid.objects.get(call=call)
    assert grid.criteria.count() == len(DEFAULT_CRITERIA)
    assert [entry.action for entry in journal_for(call)] == ["grid.update"]
    text = page_text(client.get(_url("grid", call)))
    assert "Ajouter un critère" in text and "Adapter la grille" not in text


def test_weights_that_do_not_add_up_to_100_are_flagged(client, administrator, grid, criterion):
    Criterion.objects.filter(pk=criterion.pk).update(weight=criterion.weight - 5)
    client.force_login(administrator)

    text = page_text(client.get(_url("grid", grid.call)))

    assert "totalisent 95 au lieu de 100" in text
    assert "Il manque 5 points" in text


def test_weights_above_100_are_flagged(client, administrator, grid, criterion):
    Criterion.objects.filter(pk=criterion.pk).update(weight=criterion.weight + 3)
    client.force_login(administrator)

    text = page_text(client.get(_url("grid", grid.call)))

    assert "totalisent 103 au lieu de 100" in text
    assert "Il y a 3 points de trop" in text


def test_administrator_changes_the_thresholds(client, administrator, grid):
    client.force_login(administrator)

    response = client.post(_url("grid_settings", grid.call), _settings_data())

    assert response.status_code == 302
    grid.refresh_from_db()
    assert grid.min_total == Decimal("65")
    assert grid.criterion_min_ratio == Decimal("0.35")
    assert grid.divergence_threshold == Decimal("12.5")
    assert timezone.localtime(grid.evaluation_deadline).hour == 15
    assert grid.scale_labels[0] == "Absent"
    assert (grid.conflict_lookback_years, grid.appeal_days) == (5, 20)
    # An unticked box is a "no": results may then be published without a closed sitting.
    assert grid.results_require_closed_sitting is False
    assert journal_for(grid.call).filter(action="grid.update").exists()


def test_scale_labels_must_match_the_scale(client, administrator, grid):
    client.force_login(administrator)

    response = client.post(
        _url("grid_settings", grid.call), _settings_data(scale_max="5", min_total="70")
    )

    assert response.status_code == 200
    assert "Donnez 6 libellés" in page_text(response)
    grid.refresh_from_db()
    assert grid.scale_max == 4 and grid.min_total == Decimal("60")


def test_administrator_adds_edits_and_deletes_a_criterion(client, administrator, grid, criterion):
    client.force_login(administrator)

    form = page_text(client.get(_url("criterion_add", grid.call)))
    assert "Les autres critères totalisent déjà 100" in form
    client.post(_url("criterion_add", grid.call), _criterion_data())
    added = grid.criteria.get(label="Impact sur l'emploi qualifié")
    assert added.weight == 5
    assert "totalisent 105" in page_text(client.get(_url("grid", grid.call)))

    client.post(
        _url("criterion_edit", grid.call, criterion.pk),
        _criterion_data(label=criterion.label, weight="10", min_score="2"),
    )
    criterion.refresh_from_db()
    assert criterion.weight == 10 and criterion.min_score == Decimal("2")
    form = page_text(client.get(_url("criterion_edit", grid.call, criterion.pk)))
    assert "ce critère doit peser 10" in form

    confirm = client.get(_url("criterion_delete", grid.call, added.pk))
    assert "Supprimer ce critère" in page_text(confirm)
    client.post(_url("criterion_delete", grid.call, added.pk))
    assert not grid.criteria.filter(pk=added.pk).exists()
    assert journal_for(grid.call).filter(action="grid.update").count() == 3


def test_a_criterion_minimum_above_the_scale_is_refused(client, administrator, grid, criterion):
    client.force_login(administrator)

    response = client.post(
        _url("criterion_edit", grid.call, criterion.pk),
        _criterion_data(label=criterion.label, weight=str(criterion.weight), min_score="5"),
    )

    assert response.status_code == 200
    assert "ne peut pas dépasser la note maximum" in page_text(response)
    criterion.refresh_from_db()
    assert criterion.min_score is None


def test_a_frozen_grid_shows_no_edit_controls(client, administrator, grid, criterion):
    Grid.objects.filter(pk=grid.pk).update(frozen_at=timezone.now())
    client.force_login(administrator)

    text = page_text(client.get(_url("grid", grid.call)))

    assert "Grille figée." in text
    assert _url("grid_settings", grid.call) not in text
    assert _url("criterion_add", grid.call) not in text
    assert _url("criterion_edit", grid.call, criterion.pk) not in text
    assert _url("criterion_delete", grid.call, criterion.pk) not in text
    for name, args in (
        ("grid_settings", ()),
        ("criterion_add", ()),
        ("criterion_edit", (criterion.pk,)),
    ):
        response = client.get(_url(name, grid.call, *args))
        assert response.status_code == 302 and response.url == _url("grid", grid.call)


def test_a_frozen_grid_refuses_every_change_with_the_service_message(
    client, administrator, grid, criterion
):
    Grid.objects.filter(pk=grid.pk).update(frozen_at=timezone.now())
    client.force_login(administrator)
    weight = criterion.weight

    responses = [
        client.post(_url("grid_settings", grid.call), _settings_data(), follow=True),
        client.post(_url("criterion_add", grid.call), _criterion_data(), follow=True),
        client.post(
            _url("criterion_edit", grid.call, criterion.pk),
            _criterion_data(label="Changé", weight="50"),
            follow=True,
        ),
        client.post(_url("criterion_delete", grid.call, criterion.pk), follow=True),
    ]

    for response in responses:
        assert FROZEN_MESSAGE in page_text(response)
    grid.refresh_from_db()
    criterion.refresh_from_db()
    assert grid.min_total == Decimal("60")
    assert criterion.weight == weight and criterion.label != "Changé"
    assert grid.criteria.count() == len(DEFAULT_CRITERIA)
    assert not journal_for(grid.call).filter(action="grid.update").exists()


@pytest.mark.parametrize("person", ["director", "outsider", "evaluator", "committee_member"])
def test_only_administrators_manage_the_grid(client, request, grid, criterion, person):
    client.force_login(request.getfixturevalue(person))

    for method, url in _pages(grid.call, criterion):
        assert getattr(client, method)(url).status_code == 403, url
    assert grid.criteria.count() == len(DEFAULT_CRITERIA)


def test_anonymous_visitors_are_asked_to_log_in(client, grid, criterion):
    for method, url in _pages(grid.call, criterion):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:login")), url


def test_unknown_call_or_criterion_of_another_grid_is_not_found(client, administrator, grid):
    other = grid_ensure(call=CallFactory()).criteria.first()
    client.force_login(administrator)

    assert client.get(reverse("evaluation:grid", args=[999999])).status_code == 404
    assert client.get(_url("criterion_edit", grid.call, other.pk)).status_code == 404
    assert client.post(_url("criterion_delete", grid.call, other.pk)).status_code == 404
    assert Criterion.objects.filter(pk=other.pk).exists()
