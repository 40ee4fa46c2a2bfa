"""Where uploaded files go. Names are random: a path never reveals or collides with another."""

from core.uploads import random_name


def specification_path(call, filename):
    return f"calls/{call.reference}/{random_name(filename)}"


def document_path(document, filename):
    return f"dossiers/{document.dossier_id}/{random_name(filename)}"


def receipt_path(receipt, filename):
    return f"receipts/{receipt.dossier_id}/{random_name(filename)}"
