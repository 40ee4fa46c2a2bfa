"""What the portal holds about one person, as a ZIP: a JSON, a README and the files they gave.

The right of access of law 09-08 (art. 7). Only data relating to the person: other people
appear by their role, never by name or address (co-editors are counted, the authors of journal
entries about the person are named "ministry staff" or "another user"); the texts a cluster
typed about itself and the scores its dossier received are the organisation's, not the
person's, and stay in the portal where the person sees them.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath
from typing import IO, Any

from axes.models import AccessFailureLog, AccessLog
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone
from django.utils.text import get_valid_filename
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from applications.models import Cluster, DossierDocument
from contracts.models import AnnualReport
from core.models import JournalEntry, OutgoingMail
from evaluation.models import Assignment, ConflictDeclaration, Review


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass
class Export:
    data: dict[str, Any]
    # (name in the ZIP, name in the default storage)
    files: list[tuple[str, str]] = field(default_factory=list)


def _account(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "phone": user.phone,
        "preferred_language": user.preferred_language,
        "role": user.role,
        "role_label": str(user.get_role_display()),
        "date_joined": _when(user.date_joined),
        "last_login": _when(user.last_login),
        "email_verified_at": _when(user.email_verified_at),
        "is_active": user.is_active,
        "invited_by": "ministry administrator" if user.invited_by_id else None,
        "two_factor_enabled": user.two_factor_enabled,
        "two_factor_devices": [
            {"name": d.name, "confirmed": d.confirmed} for d in TOTPDevice.objects.filter(user=user)
        ],
        "recovery_codes_left": StaticToken.objects.filter(device__user=user).count(),
        "anonymised_at": _when(user.anonymised_at),
        "account_history": [
            {
                "date": _when(h.history_date),
                "change": h.get_history_type_display(),
                "email": h.email,
                "full_name": h.full_name,
                "phone": h.phone,
                "role": h.role,
                "is_active": h.is_active,
            }
            for h in User.history.filter(id=user.pk).order_by("history_date")  # type: ignore[attr-defined]
        ],
    }


def _clusters(user: User) -> list[dict[str, Any]]:
    clusters = (
        Cluster.objects.filter(Q(owner=user) | Q(co_editors=user))
        .distinct()
        .prefetch_related("dossiers__call", "co_editors")
    )
    return [
        {
            "relation": "director" if cluster.owner_id == user.pk else "co-editor",
            "name": cluster.name,
            "acronym": cluster.acronym,
            "sector": cluster.sector,
            "region": cluster.region,
            "city": cluster.city,
            "director_name_as_typed": cluster.director_name,
            "co_editors_count": len(cluster.co_editors.all()),
            "dossiers": [
                {
                    "reference": dossier.reference,
                    "call": dossier.call.reference,
                    "status": dossier.status,
                    "submitted_at": _when(dossier.submitted_at),
                    "content_erased_at": _when(dossier.content_erased_at),
                }
                for dossier in cluster.dossiers.all()
            ],
        }
        for cluster in clusters
    ]


def _documents(user: User, export: Export) -> list[dict[str, Any]]:
    rows = []
    documents = DossierDocument.objects.filter(uploaded_by=user).select_related(
        "dossier", "requirement"
    )
    for document in documents:
        in_zip = None
        if document.file:
            # The name as uploaded, made safe: no folder of it survives into the archive.
            safe = get_valid_filename(PurePosixPath(document.original_name).name) or "file"
            in_zip = f"files/{document.dossier.reference}/{document.pk}-{safe}"
            export.files.append((in_zip, document.file.name))
        rows.append(
            {
                "dossier": document.dossier.reference,
                "document": document.requirement.label,
                "file_name": document.original_name,
                "size": document.size,
                "sha256": document.sha256,
                "uploaded_at": _when(document.uploaded_at),
                "antivirus": document.scan_status,
                # An infected file stays in quarantine, out of every export.
                "file_in_zip": in_zip,
            }
        )
    for report in AnnualReport.objects.filter(submitted_by=user).select_related("contract"):
        for kind in ("activity_report", "financial_report"):
            stored = getattr(report, kind)
            if stored:
                in_zip = f"files/{report.contract.reference}/year-{report.year}-{kind}"
                in_zip += PurePosixPath(stored.name).suffix
                export.files.append((in_zip, stored.name))
                rows.append(
                    {
                        "contract": report.contract.reference,
                        "document": f"annual report, year {report.year}: {kind}",
                        "uploaded_at": _when(report.submitted_at),
                        "file_in_zip": in_zip,
                    }
                )
    return rows


def _evaluation(user: User) -> dict[str, Any]:
    assignments = Assignment.objects.filter(evaluator=user).select_related("dossier")
    reviews = (
        Review.objects.filter(assignment__evaluator=user)
        .select_related("assignment__dossier")
        .prefetch_related("scores__criterion")
    )
    return {
        "assignments": [
            {"dossier": a.dossier.reference, "status": a.status, "assigned_at": _when(a.created_at)}
            for a in assignments
        ],
        "reviews": [
            {
                "dossier": review.assignment.dossier.reference,
                "status": review.status,
                "total": str(review.total) if review.total is not None else None,
                "comment": review.comment,
                "submitted_at": _when(review.submitted_at),
                "scores": [
                    {
                        "criterion": score.criterion.label,
                        "value": score.value,
                        "justification": score.justification,
                    }
                    for score in review.scores.all()
                ],
            }
            for review in reviews
        ],
        "conflict_declarations": [
            {
                "cluster": declaration.cluster.name,
                "has_conflict": declaration.has_conflict,
                "statement": declaration.statement,
                "declared_at": _when(declaration.declared_at),
            }
            for declaration in ConflictDeclaration.objects.filter(evaluator=user).select_related(
                "cluster"
            )
        ],
    }


def _mails(user: User) -> list[dict[str, Any]]:
    return [
        {
            "template": mail.template,
            "subject": mail.subject,
            "status": mail.status,
            "queued_at": _when(mail.created_at),
            "sent_at": _when(mail.sent_at),
            "body": mail.body_text,
        }
        for mail in OutgoingMail.objects.filter(to__iexact=user.email).order_by("created_at")
    ]


def _journal(user: User) -> list[dict[str, Any]]:
    about_user = Q(content_type=ContentType.objects.get_for_model(User), object_id=user.pk)
    entries = (
        JournalEntry.objects.filter(Q(actor=user) | about_user)
        .select_related("actor", "content_type")
        .order_by("created_at", "pk")
    )

    def author(entry: JournalEntry) -> str:
        if entry.actor_id == user.pk:
            return "you"
        if entry.actor is None:
            return "the portal"
        return "another user" if entry.actor.role == Role.DIRECTOR else "ministry staff"

    return [
        {
            "date": _when(entry.created_at),
            "action": entry.action,
            "label": str(entry.label),
            "by": author(entry),
            "object": f"{entry.content_type.model} #{entry.object_id}",
            "from_state": entry.from_state,
            "to_state": entry.to_state,
            "message": entry.message,
        }
        for entry in entries
    ]


def _logins(user: User) -> dict[str, Any]:
    def rows(model: Any) -> list[dict[str, Any]]:
        return [
            {
                "at": _when(row.attempt_time),
                "ip_address": row.ip_address,
                "browser": row.user_agent,
            }
            for row in model.objects.filter(username__iexact=user.email).order_by("attempt_time")
        ]

    sessions = sum(
        1
        for session in Session.objects.filter(expire_date__gte=timezone.now())
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk)
    )
    return {
        "logins": rows(AccessLog),
        "failed_logins": rows(AccessFailureLog),
        "open_sessions": sessions,
    }


def personal_data(user: User) -> Export:
    export = Export(data={})
    export.data = {
        "exported_at": _when(timezone.now()),
        "account": _account(user),
        "clusters": _clusters(user),
        "files": _documents(user, export),
        "evaluation": _evaluation(user),
        "emails": _mails(user),
        "journal": _journal(user),
        "login_history": _logins(user),
    }
    return export


README = """Portail des clusters — données personnelles
============================================

Personne : {full_name} <{email}>
Extraction du : {exported_at}

Ce fichier accompagne l'extraction des données que le Portail des clusters (ministère de
l'Industrie et du Commerce) détient sur vous, au titre du droit d'accès de la loi n° 09-08
(article 7). Le détail complet est dans personal-data.json ; les fichiers que vous avez
déposés sont dans le dossier files/.

Contenu :
- compte : adresse, nom, téléphone, langue, rôle, dates d'inscription et de connexion,
  double authentification (sans les clés secrètes), historique des modifications du compte ;
- clusters dont vous êtes directeur ou co-éditeur ({clusters}) et leurs dossiers ;
- fichiers déposés : {files} (dont {files_in_zip} joints à cette archive) ;
- évaluation : {assignments} attribution(s), {reviews} évaluation(s),
  {declarations} déclaration(s) d'intérêts ;
- e-mails envoyés par le portail : {emails} (le texte des messages anciens est effacé après
  la durée de conservation ; le fait de l'envoi est conservé) ;
- journal : {journal} événement(s) dont vous êtes l'auteur ou l'objet ;
- connexions : {logins} connexion(s), {failed} tentative(s) échouée(s) (conservées 180 jours
  par défaut).

Ce qui n'y figure pas, et pourquoi :
- les données d'autres personnes : les co-éditeurs sont comptés, non nommés ; l'auteur
  d'un événement qui vous concerne est désigné par son rôle ;
- le contenu des dossiers (textes, notes reçues) : il décrit le cluster, une personne morale,
  et reste consultable dans le portail ;
- un fichier mis en quarantaine par l'antivirus n'est jamais joint.

Durées de conservation et droits de rectification et d'opposition : voir la politique de
conservation du portail, ou écrire à l'administrateur du programme.
"""


def readme(export: Export) -> str:
    data = export.data
    return README.format(
        email=data["account"]["email"],
        full_name=data["account"]["full_name"],
        exported_at=data["exported_at"],
        clusters=len(data["clusters"]),
        files=len(data["files"]),
        files_in_zip=len(export.files),
        assignments=len(data["evaluation"]["assignments"]),
        reviews=len(data["evaluation"]["reviews"]),
        declarations=len(data["evaluation"]["conflict_declarations"]),
        emails=len(data["emails"]),
        journal=len(data["journal"]),
        logins=len(data["login_history"]["logins"]),
        failed=len(data["login_history"]["failed_logins"]),
    )


def personal_data_zip(user: User, output: IO[bytes]) -> Export:
    export = personal_data(user)
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "personal-data.json", json.dumps(export.data, ensure_ascii=False, indent=2)
        )
        archive.writestr("README.txt", readme(export))
        for in_zip, name in export.files:
            if not default_storage.exists(name):
                continue  # listed in the JSON; the file itself is gone (retention, removal)
            with default_storage.open(name, "rb") as stored:
                archive.writestr(in_zip, stored.read())
    return export
