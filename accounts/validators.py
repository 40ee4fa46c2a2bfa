from django.contrib.auth.password_validation import MinimumLengthValidator
from django.utils.translation import ngettext


class PortalMinimumLengthValidator(MinimumLengthValidator):
    """Django's rule, with a message the portal translates itself: Django's Arabic catalogue
    lacks this sentence, and Arabic readers would get it in French."""

    def get_error_message(self):
        return ngettext(
            "Ce mot de passe est trop court : il doit contenir au moins %(min_length)d caractère.",
            "Ce mot de passe est trop court : il doit contenir au moins %(min_length)d caractères.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self):
        return ngettext(
            "Votre mot de passe doit contenir au moins %(min_length)d caractère.",
            "Votre mot de passe doit contenir au moins %(min_length)d caractères.",
            self.min_length,
        ) % {"min_length": self.min_length}
