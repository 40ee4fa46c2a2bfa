"""The administrator's drafting of contrats-programmes: generating the draft of a selected
dossier, editing its parties and dates, its subsidy schedule and its KPI commitments, and the
call's model contract in each language."""

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import recent_login_required
from applications.models import Call
from core.errors import ApplicationError
from core.permissions import permission_required
from evaluation.models import Decision

from ..forms.drafting import CommitmentsForm, ContractDraftForm, TermsForm, tranche_formset
from ..selectors import committed_under, contract_terms, contracts_visible_to
from ..services.drafting import commitments_update, contract_update, schedule_update
from ..services.generation import contract_generate
from ..services.terms import terms_update

MANAGE = "contracts.manage"
# The languages the model contract and the contract's PDF are written in.
TERMS_LANGUAGES = ("fr", "ar")
HUNDRED = Decimal("100")


def _call_page(call_id):
    return redirect("applications:backoffice_call_detail", pk=call_id)


def _contract_page(contract):
    return redirect("contracts:detail", pk=contract.pk)


def _draft_or_refusal(request, pk):
    """The contract while it is a draft; otherwise the response that sends back to its page."""
    contract = get_object_or_404(contracts_visible_to(request.user), pk=pk)
    if contract.is_draft:
        return contract, None
    messages.error(
        request,
        _(
            "Le contrat %(reference)s n'est plus un projet : ses parties, son échéancier et ses "
            "engagements ne peuvent plus être modifiés."
        )
        % {"reference": contract.reference},
    )
    return contract, _contract_page(contract)


@permission_required(MANAGE)
@require_POST
@recent_login_required
def generate(request, decision_pk):
    decision = get_object_or_404(
        Decision.objects.select_related("dossier"),
        pk=decision_pk,
        outcome=Decision.Outcome.SELECTED,
    )
    try:
        contract = contract_generate(actor=request.user, decision=decision)
    except ApplicationError as error:
        messages.error(request, f"{decision.dossier.reference} : {error.message}")
        return _call_page(decision.dossier.call_id)
    messages.success(
        request,
        _(
            "Le projet de contrat %(reference)s est généré à partir du dossier %(dossier)s. "
            "Vérifiez les parties, l'échéancier et les engagements avant de l'envoyer pour "
            "signature."
        )
        % {"reference": contract.reference, "dossier": decision.dossier.reference},
    )
    return _contract_page(contract)


@permission_required(MANAGE)
def draft_update(request, pk):
    contract, refusal = _draft_or_refusal(request, pk)
    if refusal:
        return refusal
    form = ContractDraftForm(request.POST if request.method == "POST" else None, instance=contract)
    if request.method == "POST" and form.is_valid():
        try:
            contract_update(actor=request.user, contract=contract, fields=form.cleaned_data)
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _(
                    "Les modifications du projet de contrat sont enregistrées. Générez une "
                    "nouvelle version du PDF avant de l'envoyer pour signature."
                ),
            )
            return _contract_page(contract)
    return render(
        request,
        "contracts/drafting/draft_form.html",
        {"contract": contract, "form": form},
    )


def _line_year(form):
    value = form["year"].value() if form.is_bound else form.initial.get("year")
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _line_amount(form):
    """What the line counts for in the totals: the typed amount when it reads as one."""
    if not form.is_bound:
        return form.initial.get("amount")
    cleaned = getattr(form, "cleaned_data", {})
    if cleaned.get("DELETE"):
        return None
    return cleaned.get("amount")


def _share(part, whole):
    if part is None or not whole:
        return None
    return (part * HUNDRED / whole).quantize(Decimal("0.01"))


def schedule_years(formset, contract, call):
    """The lines grouped by year, with each year's total, each line's share of its year and
    the contract's total, from what is stored or what was just typed."""
    years = []
    for year in range(1, contract.years + 1):
        forms = [form for form in formset.forms if _line_year(form) == year]
        total = sum(
            (amount for form in forms if (amount := _line_amount(form)) is not None),
            Decimal("0"),
        )
        lines = []
        position = 0
        for form in forms:
            amount = _line_amount(form)
            if not form.is_blank:
                position += 1
            lines.append(
                {
                    "form": form,
                    "position": None if form.is_blank else position,
                    "share": _share(amount, total),
                }
            )
        years.append(
            {
                "year": year,
                "lines": lines,
                "total": total,
                "over_ceiling": total > call.max_annual_subsidy,
            }
        )
    return years


@permission_required(MANAGE)
def schedule(request, pk):
    contract, refusal = _draft_or_refusal(request, pk)
    if refusal:
        return refusal
    call = contract.call
    stored = list(contract.tranches.order_by("year", "position"))
    formset = tranche_formset(contract, stored, request.POST if request.method == "POST" else None)
    refused = None
    if request.method == "POST" and formset.is_valid():
        try:
            schedule_update(actor=request.user, contract=contract, tranches=formset.lines())
        except ApplicationError as error:
            refused = error.message
        else:
            messages.success(
                request,
                _(
                    "L'échéancier des subventions du contrat %(reference)s est enregistré. "
                    "Générez une nouvelle version du PDF avant de l'envoyer pour signature."
                )
                % {"reference": contract.reference},
            )
            return _contract_page(contract)
    years = schedule_years(formset, contract, call)
    total = sum((row["total"] for row in years), Decimal("0"))
    others = committed_under(call, excluding=contract)
    return render(
        request,
        "contracts/drafting/schedule.html",
        {
            "contract": contract,
            "call": call,
            "formset": formset,
            "years": years,
            "total": total,
            "available": call.budget_envelope - others,
            "over_envelope": others + total > call.budget_envelope,
            "refused": refused,
        },
    )


@permission_required(MANAGE)
def commitments(request, pk):
    contract, refusal = _draft_or_refusal(request, pk)
    if refusal:
        return refusal
    form = CommitmentsForm(
        request.POST if request.method == "POST" else None,
        years=range(1, contract.years + 1),
        commitments=contract.commitments.order_by("indicator", "label", "year"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            commitments_update(
                actor=request.user, contract=contract, commitments=form.commitments()
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _(
                    "Les engagements d'indicateurs du contrat %(reference)s sont enregistrés. "
                    "Générez une nouvelle version du PDF avant de l'envoyer pour signature."
                )
                % {"reference": contract.reference},
            )
            return _contract_page(contract)
    return render(
        request,
        "contracts/drafting/commitments.html",
        {"contract": contract, "form": form, "year_numbers": form.years},
    )


@permission_required(MANAGE)
def terms(request, call_pk, language="fr"):
    call = get_object_or_404(Call, pk=call_pk)
    if language not in TERMS_LANGUAGES:
        raise Http404
    # The saved model, or the ministry's, unsaved: the page's POST saves it, its GET never.
    form = TermsForm(
        request.POST if request.method == "POST" else None,
        instance=contract_terms(call, language),
    )
    names = dict(settings.LANGUAGES)
    if request.method == "POST" and form.is_valid():
        try:
            terms_update(actor=request.user, call=call, language=language, fields=form.cleaned_data)
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _(
                    "Le modèle de contrat (%(language)s) est enregistré. Il s'applique aux "
                    "prochaines versions des contrats de l'appel."
                )
                % {"language": names[language]},
            )
            return redirect(reverse("contracts:terms_language", args=[call.pk, language]))
    return render(
        request,
        "contracts/drafting/terms.html",
        {
            "call": call,
            "form": form,
            "language": language,
            "languages": [(code, names[code]) for code in TERMS_LANGUAGES],
        },
    )
