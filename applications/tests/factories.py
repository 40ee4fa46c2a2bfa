from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.tests.factories import DirectorFactory
from applications.choices import DocumentPart, MemberType, Region, Sector
from applications.models import Call, CallStatus, Cluster, ClusterMember, Dossier, RequiredDocument


class CallFactory(factory.django.DjangoModelFactory):
    """A published call, open now and closing in three weeks."""

    class Meta:
        model = Call

    reference = factory.Sequence(lambda n: f"aap-clusters-{2030 + n}")
    title = factory.Sequence(lambda n: f"Appel à projets clusters {2030 + n}")
    edition_year = 2026
    description = "Appel à projets pour la labellisation et le financement des clusters."
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=21))
    budget_envelope = Decimal("20000000")
    contract_years = 5
    max_annual_subsidy = Decimal("2000000")
    status = CallStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class RequiredDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequiredDocument

    call = factory.SubFactory(CallFactory)
    part = DocumentPart.ADMINISTRATIVE
    label = factory.Sequence(lambda n: f"Pièce {n}")
    mandatory = True
    allowed_types = factory.LazyFunction(lambda: ["pdf"])
    max_size_mb = 5
    position = factory.Sequence(int)


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cluster

    owner = factory.SubFactory(DirectorFactory)
    name = factory.Sequence(lambda n: f"Cluster {n}")
    acronym = factory.Sequence(lambda n: f"CL{n}")
    sector = Sector.ICT
    region = Region.CASABLANCA
    city = "Casablanca"
    founded_year = 2015
    director_name = factory.LazyAttribute(lambda cluster: cluster.owner.full_name)


class ClusterMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClusterMember

    cluster = factory.SubFactory(ClusterFactory)
    name = factory.Sequence(lambda n: f"Membre {n} SARL")
    member_type = MemberType.SME
    city = "Casablanca"
    joined_year = 2018


class DossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dossier

    call = factory.SubFactory(CallFactory)
    cluster = factory.SubFactory(ClusterFactory)
    reference = factory.LazyAttribute(
        lambda dossier: f"{dossier.call.reference}-{dossier.cluster.pk:04d}".upper()
    )
