from django.contrib.auth import views as auth_views
from django.urls import path

from . import views, views_two_factor

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("inscription/", views.register, name="register"),
    path("inscription/envoyee/", views.register_done, name="register_done"),
    path("verification/renvoyer/", views.verification_resend, name="verification_resend"),
    path("verification/<str:token>/", views.verify_email, name="verify_email"),
    path("profil/", views.profile, name="profile"),
    path("double-authentification/", views_two_factor.otp_verify, name="otp_verify"),
    path("double-authentification/activer/", views_two_factor.otp_enrol, name="otp_enrol"),
    path(
        "double-authentification/codes-de-secours/",
        views_two_factor.recovery_codes,
        name="recovery_codes",
    ),
    path(
        "double-authentification/codes-de-secours/regenerer/",
        views_two_factor.recovery_codes_regenerate,
        name="recovery_codes_regenerate",
    ),
    path(
        "double-authentification/desactiver/",
        views_two_factor.two_factor_disable,
        name="two_factor_disable",
    ),
    path("confirmer-mot-de-passe/", views_two_factor.password_confirm, name="password_confirm"),
    path(
        "utilisateurs/<int:pk>/reinitialiser-double-authentification/",
        views_two_factor.two_factor_reset,
        name="two_factor_reset",
    ),
    path("langue/", views.language_set, name="language_set"),
    path("mot-de-passe/", views.PasswordChangeView.as_view(), name="password_change"),
    path("mot-de-passe/oublie/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oublie/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("utilisateurs/", views.users, name="user_list"),
    path("utilisateurs/inviter/", views.invite, name="user_invite"),
    path(
        "utilisateurs/<int:pk>/renvoyer-invitation/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "invitation/<uidb64>/<token>/",
        views.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
]
