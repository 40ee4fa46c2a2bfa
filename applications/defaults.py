"""The checklist of documents the ministry usually asks for, used to seed a new call."""

from django.utils.translation import gettext_lazy as _

from core.uploads import FileType

from .choices import DocumentPart

PDF = [FileType.PDF]
ADMINISTRATIVE = DocumentPart.ADMINISTRATIVE
TECHNICAL = DocumentPart.TECHNICAL

# (part, label, mandatory, types, max size in MB)
DEFAULT_CHECKLIST = [
    (ADMINISTRATIVE, _("Statuts de la structure d'animation"), True, PDF, 10),
    (ADMINISTRATIVE, _("Procès-verbal de la dernière assemblée générale"), True, PDF, 10),
    (ADMINISTRATIVE, _("Attestation de régularité fiscale"), True, PDF, 5),
    (ADMINISTRATIVE, _("Attestation d'affiliation à la CNSS"), True, PDF, 5),
    (
        ADMINISTRATIVE,
        _("Relevé d'identité bancaire"),
        True,
        [FileType.PDF, FileType.JPEG, FileType.PNG],
        5,
    ),
    (ADMINISTRATIVE, _("Liste des membres signée"), True, [FileType.PDF, FileType.XLSX], 10),
    (TECHNICAL, _("Présentation du cluster"), True, [FileType.PDF, FileType.DOCX], 20),
    (TECHNICAL, _("Plan d'action pluriannuel"), True, [FileType.PDF, FileType.XLSX], 20),
    (TECHNICAL, _("Lettres d'engagement des membres"), False, PDF, 30),
]
