from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse

from core.mail import mail_queue
from core.pdf import render_pdf

from ..models import Receipt

if TYPE_CHECKING:
    from core.models import OutgoingMail


def receipt_pdf_render(*, receipt_id: int) -> Receipt:
    """Render the receipt PDF in `Receipt.language`, the preferred language of the person who
    submitted (the director or a co-editor), with the call's title and the documents' labels in
    that language, French where a translation is missing. A second render replaces the file,
    it never adds one."""
    receipt = Receipt.objects.select_related("dossier__call", "dossier__cluster").get(pk=receipt_id)
    content = render_pdf(
        "pdf/receipt.html",
        {"receipt": receipt, "dossier": receipt.dossier},
        language=receipt.language,
    )
    with transaction.atomic():
        receipt = Receipt.objects.select_for_update().get(pk=receipt_id)
        old_name = receipt.pdf.name
        receipt.pdf.save(f"{receipt.number}.pdf", ContentFile(content), save=False)
        receipt.save(update_fields=["pdf"])
        if old_name:
            storage = receipt.pdf.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    return receipt


@transaction.atomic
def receipt_mail_queue(*, receipt: Receipt) -> list[OutgoingMail]:
    """The receipt goes to the cluster's director, and to the co-editor who submitted, if any."""
    dossier = receipt.dossier
    recipients = {dossier.cluster.owner, *([receipt.submitted_by] if receipt.submitted_by else [])}
    path = reverse("applications:dossier_confirmation", kwargs={"pk": dossier.pk})
    return [
        mail_queue(
            template="dossier_submitted",
            to=person.email,
            language=person.preferred_language,
            context={"user": person, "dossier": dossier, "receipt": receipt, "path": path},
            key=f"receipt:{receipt.pk}:{person.pk}",
            attachment=(receipt.pdf.name, f"{receipt.number}.pdf"),
        )
        for person in sorted(recipients, key=lambda person: person.pk)
    ]
