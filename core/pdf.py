"""PDF documents: one template per document, rendered by WeasyPrint in the reader's language."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def render_pdf(template_name, context, *, language):
    # Imported here: WeasyPrint loads Pango at import, which web requests never need.
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string(template_name, {**context, "language": language})
    return HTML(string=html, base_url=str(settings.BASE_DIR / "static")).write_pdf()
