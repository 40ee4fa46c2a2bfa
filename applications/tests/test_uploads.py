import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.tests.builders import PDF, office_file, pdf_file
from applications.tests.hostile_files import HOSTILE_FILES
from core.errors import ApplicationError
from core.uploads import FileType, check_name, check_upload, clean_name

ALL = [FileType.PDF, FileType.DOCX, FileType.XLSX, FileType.PNG]


def _refused(uploaded, allowed=ALL, size=5):
    with pytest.raises(ApplicationError) as refused:
        check_upload(uploaded, allowed_types=allowed, max_size_mb=size)
    return refused.value.message


def test_a_real_pdf_is_accepted_with_its_fingerprint():
    checked = check_upload(pdf_file(), allowed_types=ALL, max_size_mb=5)

    assert checked.content_type == "application/pdf"
    assert checked.sha256 == hashlib.sha256(PDF).hexdigest()


def test_a_real_docx_is_accepted():
    checked = check_upload(
        office_file("plan.docx", "word/document.xml"), allowed_types=ALL, max_size_mb=5
    )

    assert checked.name == "plan.docx"


@pytest.mark.parametrize(
    ("uploaded", "message"),
    [
        (SimpleUploadedFile("vide.pdf", b""), "Le fichier est vide."),
        (SimpleUploadedFile("faux.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100), "ne correspond pas"),
        (
            SimpleUploadedFile("page.pdf", b"<html><script>alert(1)</script></html>"),
            "ne correspond pas",
        ),
        (SimpleUploadedFile("outil.exe", b"MZ\x90\x00"), "n'est pas accepté"),
        (SimpleUploadedFile("sans-extension", PDF), "n'est pas accepté"),
        (office_file("tableau.docx", "xl/workbook.xml"), "ne correspond pas"),
        (office_file("macro.docx", "word/document.xml", {"word/vbaProject.bin": "x"}), "macros"),
        (
            office_file("bombe.docx", "word/document.xml", {"word/big.xml": "0" * 5_000_000}),
            "compressé",
        ),
        (SimpleUploadedFile("secret.pdf", PDF + b"trailer<</Encrypt 5 0 R>>"), "mot de passe"),
    ],
)
def test_hostile_or_wrong_files_are_refused_with_a_reason(uploaded, message):
    assert message in _refused(uploaded)


def test_a_file_over_the_size_limit_is_refused():
    big = SimpleUploadedFile("gros.pdf", PDF + b"0" * (1024 * 1024 + 1))

    assert "taille maximum de 1 Mo" in _refused(big, size=1)


def test_a_type_not_allowed_by_the_requirement_is_refused_with_the_accepted_list():
    message = _refused(office_file("plan.docx", "word/document.xml"), allowed=[FileType.PDF])

    assert "Types acceptés : PDF" in message


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\x\\statuts.pdf", "statuts.pdf"),
        ("stat\x00uts\x1b.pdf", "statuts.pdf"),
        ("  rapport   annuel .PDF", "rapport annuel.pdf"),
    ],
)
def test_names_are_cleaned(name, expected):
    assert clean_name(name) == expected


def test_a_name_with_nothing_left_is_refused():
    with pytest.raises(ApplicationError):
        clean_name("../..")


@pytest.mark.parametrize("hostile", HOSTILE_FILES, ids=lambda hostile: hostile.case)
def test_every_hostile_file_is_refused_by_the_checker(hostile):
    assert hostile.message in _refused(hostile.upload(), allowed=list(FileType.values))


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd.pdf", "..\\..\\x.pdf", "stat\x00uts.pdf", "facture\u202efdp.pdf", "a" * 256],
)
def test_a_name_no_browser_sends_is_refused_when_a_service_gets_it_raw(name):
    with pytest.raises(ApplicationError):
        check_name(name)


def test_windows_device_names_are_made_safe_to_save():
    assert clean_name("CON.pdf") == "CON_.pdf"
    assert clean_name("lpt1.tar.pdf") == "lpt1.tar_.pdf"
    assert clean_name("console.pdf") == "console.pdf"


def test_a_pdf_opening_on_a_page_is_not_active_content():
    view = PDF.replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction[3 0 R/Fit]")

    assert check_upload(pdf_file(content=view), allowed_types=ALL, max_size_mb=5)


def test_a_word_file_with_a_hyperlink_and_a_chart_is_accepted():
    rels = (
        '<Relationships><Relationship Id="rId1" TargetMode="External" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/hyperlink" '
        'Target="https://www.mcinet.gov.ma"/></Relationships>'
    )
    extra = {"word/_rels/document.xml.rels": rels, "word/embeddings/Classeur1.xlsx": "x"}

    assert check_upload(
        office_file("plan.docx", "word/document.xml", extra), allowed_types=ALL, max_size_mb=5
    )
