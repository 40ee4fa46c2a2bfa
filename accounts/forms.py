from django import forms
from django.conf import settings
from django.contrib.auth.forms import (
    AuthenticationForm,
    BaseUserCreationForm,
    PasswordResetForm,
)
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import STAFF_ROLES, User
from .selectors import email_is_taken
from .services import password_reset_mail_queue

DUPLICATE_EMAIL = _("Un compte existe déjà avec cette adresse e-mail.")


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Adresse e-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _(
            "Adresse e-mail ou mot de passe incorrect. Après plusieurs échecs, "
            "la connexion est bloquée pendant 15 minutes."
        ),
        "inactive": _("Ce compte est désactivé. Contactez l'administrateur du programme."),
        "unverified": _(
            "Votre adresse e-mail n'est pas encore vérifiée. Suivez le lien reçu par e-mail, "
            'ou <a href="{url}">demandez un nouveau lien</a>.'
        ),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.email_verified:
            message = format_html(
                str(self.error_messages["unverified"]),
                url=reverse("accounts:verification_resend"),
            )
            raise forms.ValidationError(message, code="unverified")


class RegistrationForm(BaseUserCreationForm):
    """A cluster director creates an account; ministry staff are invited instead."""

    class Meta:
        model = User
        fields = ("full_name", "email", "phone", "preferred_language")
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }
        help_texts = {
            "email": _("Elle servira d'identifiant ; un lien de vérification y sera envoyé."),
            "phone": _("Facultatif. Exemple : +212 6 12 34 56 78"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].initial = get_language() or settings.LANGUAGE_CODE
        self.fields["password1"].help_text = _(
            "Au moins 10 caractères, pas uniquement des chiffres, "
            "ni trop proche de votre nom ou de votre adresse."
        )

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if email_is_taken(email):
            raise forms.ValidationError(DUPLICATE_EMAIL, code="duplicate")
        return email

    def validate_unique(self):
        # The address is checked case-insensitively in clean_email, with a clearer message.
        pass


class EmailForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail"))


class PortalPasswordResetForm(PasswordResetForm):
    """Sends the reset link through the portal's mail queue, in the user's language."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        password_reset_mail_queue(
            user=context["user"], uidb64=context["uid"], token=context["token"]
        )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("full_name", "phone", "preferred_language")


class InvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Nom complet"), max_length=150)
    email = forms.EmailField(label=_("Adresse e-mail"))
    role = forms.ChoiceField(
        label=_("Rôle"), choices=[(role.value, role.label) for role in STAFF_ROLES]
    )
    language = forms.ChoiceField(
        label=_("Langue des e-mails"), choices=settings.LANGUAGES, initial=settings.LANGUAGE_CODE
    )

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if email_is_taken(email):
            raise forms.ValidationError(DUPLICATE_EMAIL, code="duplicate")
        return email


class OTPCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code à 6 chiffres ou code de secours"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "spellcheck": "false",
                "dir": "ltr",
            }
        ),
    )


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code à 6 chiffres affiché par l'application"),
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "dir": "ltr",
            }
        ),
    )


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autofocus": True, "autocomplete": "current-password"}),
    )
