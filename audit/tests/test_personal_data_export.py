"""`manage.py export_personal_data EMAIL`: a person's data and files, and nobody else's."""

import json
import zipfile
from io import StringIO

import pytest
from axes.models import AccessLog
from django.core.files.base import ContentFile
from django.core.management import CommandError, ManagementUtility, call_command

from accounts.tests.factories import DirectorFactory
from applications.choices import ScanStatus
from applications.models import DossierDocument
from applications.tests.factories import ClusterFactory, DossierFactory, RequiredDocumentFactory
from core.journal import journal_record
from core.models import MailStatus, OutgoingMail
from evaluation.models import ConflictDeclaration
from evaluation.tests.factories import AssignmentFactory, submitted_review

pytestmark = pytest.mark.django_db


def uploaded(dossier, by, name, content):
    return DossierDocument.objects.create(
        dossier=dossier,
        requirement=RequiredDocumentFactory(call=dossier.call),
        file=ContentFile(content, name=name),
        original_name=name,
        size=len(content),
        sha256="0" * 64,
        content_type="application/pdf",
        uploaded_by=by,
        scan_status=ScanStatus.CLEAN,
    )


def mail(to, key, body):
    return OutgoingMail.objects.create(
        key=key,
        template="t",
        to=to,
        language="fr",
        subject="Objet",
        body_text=body,
        status=MailStatus.SENT,
    )


def export(tmp_path, email):
    path = tmp_path / "export.zip"
    call_command("export_personal_data", email, "--output", str(path), stdout=StringIO())
    archive = zipfile.ZipFile(path)
    return archive, json.loads(archive.read("personal-data.json"))


@pytest.fixture
def ours(director, outsider):
    co_editor = DirectorFactory(email="co-editrice@cluster-a.ma", full_name="Leila Berrada")
    cluster = ClusterFactory(owner=director, name="Cluster Solaire")
    cluster.co_editors.add(co_editor)
    dossier = DossierFactory(cluster=cluster)
    uploaded(dossier, director, "../statuts de Salma.pdf", b"%PDF statuts de Salma")
    uploaded(dossier, co_editor, "budget-leila.pdf", b"%PDF budget de Leila")
    theirs = DossierFactory(cluster=ClusterFactory(owner=outsider, name="Cluster Textile"))
    uploaded(theirs, outsider, "statuts-omar.pdf", b"%PDF statuts d'Omar")
    mail(director.email, "to-salma", "Bonjour Salma, votre dossier est déposé.")
    mail(outsider.email, "to-omar", "Bonjour Omar.")
    journal_record(target=dossier, actor=director, action="dossier.submit", message="Déposé")
    journal_record(target=theirs, actor=outsider, action="dossier.submit", message="Omar")
    AccessLog.objects.create(username=director.email, ip_address="192.0.2.10", user_agent="Firefox")
    AccessLog.objects.create(username=outsider.email, ip_address="192.0.2.99", user_agent="Edge")
    return dossier


def test_the_export_holds_the_persons_data_and_files(tmp_path, director, ours):
    archive, data = export(tmp_path, "Directrice@Cluster-A.ma")

    assert data["account"]["email"] == director.email
    assert data["account"]["full_name"] == "Salma Bennani"
    assert data["clusters"][0]["name"] == "Cluster Solaire"
    assert data["clusters"][0]["relation"] == "director"
    assert data["clusters"][0]["dossiers"][0]["reference"] == ours.reference
    [document] = data["files"]
    assert document["file_name"] == "../statuts de Salma.pdf"
    # The file itself, under a name that cannot leave the archive's folder.
    assert document["file_in_zip"].startswith(f"files/{ours.reference}/")
    assert ".." not in document["file_in_zip"]
    assert archive.read(document["file_in_zip"]) == b"%PDF statuts de Salma"
    assert data["emails"][0]["body"].startswith("Bonjour Salma")
    assert [entry["by"] for entry in data["journal"]] == ["you"]
    assert data["login_history"]["logins"][0]["ip_address"] == "192.0.2.10"
    assert "Salma Bennani" in archive.read("README.txt").decode()


def test_the_export_holds_nobody_elses_data(tmp_path, ours):
    archive, _data = export(tmp_path, "directrice@cluster-a.ma")

    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
    for other in (
        "Omar",
        "directeur@cluster-b.ma",
        "Cluster Textile",
        "192.0.2.99",
        "Leila",
        "co-editrice@cluster-a.ma",
        "budget",
    ):
        assert other not in everything
    assert len([name for name in archive.namelist() if name.startswith("files/")]) == 1


def test_an_evaluators_export_holds_reviews_and_declarations(tmp_path, evaluator):
    assignment = AssignmentFactory(evaluator=evaluator)
    submitted_review(assignment, [3] * 9, comment="Gouvernance solide.")
    ConflictDeclaration.objects.create(
        evaluator=evaluator, cluster=assignment.dossier.cluster, has_conflict=False
    )

    _archive, data = export(tmp_path, evaluator.email)

    evaluation = data["evaluation"]
    assert evaluation["assignments"][0]["dossier"] == assignment.dossier.reference
    assert evaluation["reviews"][0]["comment"] == "Gouvernance solide."
    assert len(evaluation["reviews"][0]["scores"]) == 9
    assert evaluation["conflict_declarations"][0]["has_conflict"] is False


def test_an_unknown_address_fails_clearly_and_writes_nothing(tmp_path, director):
    path = tmp_path / "export.zip"
    with pytest.raises(CommandError, match="No account has the e-mail address"):
        call_command("export_personal_data", "personne@inconnue.ma", "--output", str(path))
    assert not path.exists()

    with pytest.raises(SystemExit) as exit_status:
        ManagementUtility(["manage.py", "export_personal_data", "personne@inconnue.ma"]).execute()
    assert exit_status.value.code != 0
