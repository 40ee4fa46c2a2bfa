from django import template

from ..models import Dossier

register = template.Library()


@register.simple_tag
def section_texts(dossier, section):
    """[(label, text)] for the free-text fields of a section."""
    return [
        (Dossier._meta.get_field(name).verbose_name.capitalize(), getattr(dossier, name))
        for name in section.fields
    ]
