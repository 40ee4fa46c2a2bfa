"""Fuzzing the applications' forms: the calls' back office, the cluster's profile and members,
the co-editors, and every section of a dossier."""

from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from applications.choices import (
    DocumentPart,
    Indicator,
    LegalForm,
    MemberType,
    Region,
    Sector,
)
from applications.models import BudgetYear, Call, CallStatus, Dossier, KpiTarget
from applications.sections import SECTIONS_BY_SLUG
from applications.services.dossiers import project_save
from applications.tests.builders import call_with_checklist, draft_for
from applications.tests.factories import CallFactory, ClusterFactory, ClusterMemberFactory
from core.uploads import FileType

from .conftest import fuzz_post, logged_in
from .strategies import (
    hostile_checkbox,
    hostile_choice,
    hostile_date,
    hostile_datetime,
    hostile_number,
    hostile_text,
    mutated,
)

pytestmark = pytest.mark.django_db

CALL_VALID = {
    "reference": "aap-clusters-2031",
    "title_fr": "Appel à projets clusters 2031",
    "edition_year": "2031",
    "description_fr": "Labellisation des clusters.",
    "opens_at": "2031-01-01T09:00",
    "closes_at": "2031-03-31T18:00",
    "results_expected_on": "2031-06-30",
    "accepts_new_clusters": "on",
    "accepts_returning_clusters": "on",
    "returning_min_years": "3",
    "min_members": "15",
    "min_company_share": "60",
    "budget_envelope": "20000000",
    "contract_years": "5",
    "max_annual_subsidy": "2000000",
    "max_dossier_size_mb": "50",
}
CALL_HOSTILE = {
    "reference": hostile_text(max_size=100),
    "title_fr": hostile_text(),
    "edition_year": hostile_number(),
    "description_fr": hostile_text(),
    "opens_at": hostile_datetime(),
    "closes_at": hostile_datetime(),
    "results_expected_on": hostile_date(),
    "accepts_new_clusters": hostile_checkbox(),
    "returning_min_years": hostile_number(),
    "min_members": hostile_number(),
    "min_company_share": hostile_number(),
    "budget_envelope": hostile_number(),
    "contract_years": hostile_number(),
    "max_annual_subsidy": hostile_number(),
    "max_dossier_size_mb": hostile_number(),
}


@pytest.fixture
def draft_call(db):
    return CallFactory(status=CallStatus.DRAFT, published_at=None, reference="aap-brouillon")


@given(data=mutated(CALL_VALID, CALL_HOSTILE))
@example(data={**CALL_VALID, "opens_at": "0001-01-01T00:00"})
@example(data={**CALL_VALID, "closes_at": "9999-12-31T23:59"})
@example(data={**CALL_VALID, "results_expected_on": "9999-12-31"})
@example(data={**CALL_VALID, "contract_years": "32768"})
def test_call_create_and_update(administrator, draft_call, data):
    client = logged_in(administrator)
    fuzz_post(client, reverse("applications:backoffice_call_create"), data)
    update = reverse("applications:backoffice_call_update", args=[draft_call.pk])
    fuzz_post(client, update, data, objects=[draft_call])


@given(closes_at=hostile_datetime(), reason=st.one_of(st.just("Prolongation."), hostile_text()))
@example(closes_at="9999-12-31T23:59", reason="Prolongation.")
@example(closes_at="0001-01-01T00:00", reason="Prolongation.")
def test_call_deadline_change(administrator, closes_at, reason):
    call = Call.objects.filter(reference="aap-ouvert").first() or CallFactory(
        reference="aap-ouvert"
    )
    url = reverse("applications:backoffice_call_deadline", args=[call.pk])
    fuzz_post(
        logged_in(administrator), url, {"closes_at": closes_at, "reason": reason}, objects=[call]
    )


DOCUMENT_VALID = {
    "part": "administrative",
    "label_fr": "Statuts",
    "help_text_fr": "",
    "mandatory": "on",
    "allowed_types": ["pdf"],
    "max_size_mb": "5",
    "position": "1",
}
DOCUMENT_HOSTILE = {
    "part": hostile_choice(DocumentPart.values),
    "label_fr": hostile_text(),
    "help_text_fr": hostile_text(),
    "mandatory": hostile_checkbox(),
    "allowed_types": st.lists(hostile_choice(FileType.values), max_size=4),
    "max_size_mb": hostile_number(),
    "position": hostile_number(),
}


@given(data=mutated(DOCUMENT_VALID, DOCUMENT_HOSTILE))
@example(data={**DOCUMENT_VALID, "position": "32768"})
def test_required_document_forms(administrator, draft_call, data):
    client = logged_in(administrator)
    document = draft_call.required_documents.first() or draft_call.required_documents.create(
        part="administrative", label="Statuts", allowed_types=["pdf"], max_size_mb=5
    )
    fuzz_post(
        client,
        reverse("applications:backoffice_document_create", args=[draft_call.pk]),
        data,
        objects=[draft_call],
    )
    update = reverse("applications:backoffice_document_update", args=[draft_call.pk, document.pk])
    fuzz_post(client, update, data, objects=[document])


CLUSTER_VALID = {
    "name": "Cluster Solaire",
    "acronym": "CSO",
    "legal_form": "association",
    "sector": "ict",
    "region": Region.values[0],
    "city": "Rabat",
    "founded_year": "2015",
    "first_supported_year": "",
    "niches": "",
    "president_name": "Ali",
    "director_name": "Salma",
    "board": "",
}
CLUSTER_HOSTILE = {
    "name": hostile_text(),
    "acronym": hostile_text(max_size=60),
    "legal_form": hostile_choice(LegalForm.values),
    "sector": hostile_choice(Sector.values),
    "region": hostile_choice(Region.values),
    "city": hostile_text(),
    "founded_year": hostile_number(),
    "first_supported_year": hostile_number(),
    "niches": hostile_text(),
    "president_name": hostile_text(),
    "director_name": hostile_text(),
    "board": hostile_text(),
}


@pytest.fixture
def cluster(director):
    return ClusterFactory(owner=director)


@given(data=mutated(CLUSTER_VALID, CLUSTER_HOSTILE))
@example(data={**CLUSTER_VALID, "founded_year": "32768"})
def test_cluster_profile(director, cluster, data):
    fuzz_post(logged_in(director), reverse("applications:cluster_edit"), data, objects=[cluster])


MEMBER_VALID = {
    "name": "Entreprise SARL",
    "member_type": "sme",
    "city": "Fès",
    "joined_year": "2019",
}
MEMBER_HOSTILE = {
    "name": hostile_text(),
    "member_type": hostile_choice(MemberType.values),
    "city": hostile_text(),
    "joined_year": hostile_number(),
}


@given(data=mutated(MEMBER_VALID, MEMBER_HOSTILE), email=hostile_text(max_size=300))
@example(data={**MEMBER_VALID, "joined_year": "9" * 40}, email="a@b.ma")
def test_members_and_co_editors(director, cluster, data, email):
    member = cluster.members.first() or ClusterMemberFactory(cluster=cluster)
    client = logged_in(director)
    fuzz_post(client, reverse("applications:member_add"), data, objects=[cluster])
    fuzz_post(client, reverse("applications:member_edit", args=[member.pk]), data, objects=[member])
    fuzz_post(client, reverse("applications:co_editors"), {"email": email}, objects=[cluster])


@pytest.fixture
def dossier(director):
    return draft_for(director, call=call_with_checklist(), members=3)


def _section(dossier, slug):
    return reverse("applications:dossier_section", args=[dossier.pk, slug])


TEXT_FIELDS = [
    name
    for slug, section in SECTIONS_BY_SLUG.items()
    if section.kind in ("text", "innovation")
    for name in section.fields
]


@given(
    values=st.dictionaries(
        st.sampled_from(TEXT_FIELDS), hostile_text(max_size=5000), min_size=1, max_size=4
    )
)
@example(values={"strategy": "Stratégie\x00cachée"})
def test_dossier_text_sections(director, dossier, values):
    client = logged_in(director)

    def saved_as_typed(response):
        # The autosave answers 200 whether it saved or not: what is stored is what was typed
        # (stripped, as every text field is), or what was there before.
        stored = Dossier.objects.filter(pk=dossier.pk).values(*values).get()
        for name, value in stored.items():
            assert value in (values[name].strip(), getattr(dossier, name))

    for slug, section in SECTIONS_BY_SLUG.items():
        if section.kind not in ("text", "innovation"):
            continue
        data = {name: value for name, value in values.items() if name in section.fields}
        if data:
            fuzz_post(client, _section(dossier, slug), data, objects=[dossier])
            autosave = {"HX-Request": "true"}
            fuzz_post(
                client,
                _section(dossier, slug),
                data,
                headers=autosave,
                accepted=saved_as_typed,
                success=(200,),
            )


@given(members=st.lists(st.one_of(st.just("mine"), hostile_number()), max_size=4))
# Past the largest database integer: SQLite raised OverflowError on it (a 500).
@example(members=["9223372036854775808"])
@example(members=["mine", "-9223372036854775809"])
def test_dossier_members_section(director, dossier, members):
    mine = [str(pk) for pk in dossier.cluster.members.values_list("pk", flat=True)]
    chosen = [mine[0] if value == "mine" else value for value in members]
    fuzz_post(
        logged_in(director), _section(dossier, "membres"), {"members": chosen}, objects=[dossier]
    )


amounts = st.one_of(st.sampled_from(["", "1000000", "2000000", "0"]), hostile_number())


@given(
    cells=st.dictionaries(
        st.sampled_from([f"{kind}_{year}" for kind in ("budget", "subsidy") for year in range(7)]),
        amounts,
        max_size=8,
    )
)
@example(cells={"budget_1": "1e30", "subsidy_1": "1"})
@example(cells={"budget_1": "sNaN", "subsidy_1": "1"})
def test_dossier_budget_section(director, dossier, cells):
    def accepted(response):
        for row in BudgetYear.objects.filter(dossier=dossier):
            assert 0 <= row.subsidy_requested <= row.animation_budget

    fuzz_post(
        logged_in(director),
        _section(dossier, "budget"),
        cells,
        objects=[dossier],
        accepted=accepted,
    )


@given(
    cells=st.dictionaries(
        st.sampled_from([f"{kind}_{year}" for kind in Indicator.values for year in range(7)]),
        st.one_of(st.sampled_from(["", "3"]), hostile_number()),
        max_size=8,
    )
)
@example(cells={"patents_1": "2147483648"})
def test_dossier_kpi_section(director, dossier, cells):
    def accepted(response):
        for row in KpiTarget.objects.filter(dossier=dossier):
            assert 0 <= row.target <= 100000

    fuzz_post(
        logged_in(director),
        _section(dossier, "indicateurs"),
        cells,
        objects=[dossier],
        accepted=accepted,
    )


PROJECT_VALID = {
    "title": "Plateforme",
    "partners": "IRESEN",
    "budget": "3500000",
    "duration_months": "24",
}
PROJECT_HOSTILE = {
    "title": hostile_text(),
    "partners": hostile_text(),
    "budget": hostile_number(),
    "duration_months": hostile_number(),
}


@given(data=mutated(PROJECT_VALID, PROJECT_HOSTILE))
@example(data={**PROJECT_VALID, "budget": "1e30"})
def test_dossier_project_form(director, dossier, project, data):
    client = logged_in(director)
    fuzz_post(
        client, reverse("applications:project_add", args=[dossier.pk]), data, objects=[dossier]
    )
    edit = reverse("applications:project_edit", args=[dossier.pk, project.pk])
    fuzz_post(client, edit, data, objects=[project])


@pytest.fixture
def project(director, dossier):
    return project_save(
        actor=director,
        dossier=dossier,
        title="Plateforme de tests",
        partners="IRESEN",
        budget=Decimal("3500000"),
        duration_months=24,
    )


@given(declaration=hostile_checkbox(), reason=hostile_text())
def test_dossier_submit_and_withdraw(director, dossier, declaration, reason):
    client = logged_in(director)
    fuzz_post(
        client,
        reverse("applications:dossier_review", args=[dossier.pk]),
        {"declaration": declaration},
        objects=[dossier],
    )
    fuzz_post(
        client,
        reverse("applications:dossier_withdraw", args=[dossier.pk]),
        {"reason": reason},
        objects=[dossier],
    )
