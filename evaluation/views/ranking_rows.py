"""The cells of the ranking page's rows, written once per page in Python.

A page shows 250 rows of eight cells, most of which change with the line (a link or not, a
divergence badge, the reason a dossier may not be selected, the running total, the decision
and its buttons). Written with template tags, every row cost some forty variable lookups,
conditions and filters, more than the query that reads the page; here each cell is one
string, made with the words translated and the URLs resolved once for the whole page, and the
template only places them (templates/evaluation/ranking/ranking.html).
"""

from html import escape

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.formatting import Numbers, written_html
from core.templatetags.portal import status_style

from ..models import Decision

# The buttons of a line's decision form, in their order.
BUTTONS = (
    (Decision.Outcome.SELECTED, gettext_lazy("Retenir")),
    (Decision.Outcome.WAITING_LIST, gettext_lazy("Liste d'attente")),
    (Decision.Outcome.REJECTED, gettext_lazy("Non retenu")),
)


def url_with_pk(name):
    """`pk -> reverse(name, args=[pk])`, resolved once for all the lines of a page."""
    marker = 2_147_483_647
    before, after = reverse(name, args=[marker]).split(str(marker))
    return lambda pk: f"{before}{pk}{after}"


class RankingRows:
    """What a page needs to write its lines: the reader's rights, the words, the URLs."""

    def __init__(self, call, *, may_open, can_decide, csrf_input=""):
        self.envelope = call.budget_envelope
        self.may_open = may_open
        self.can_decide = can_decide
        self.csrf_input = csrf_input
        self.numbers = Numbers()
        self.outcomes = {value: escape(str(label)) for value, label in Decision.Outcome.choices}
        self.words = {
            "spread": _("Écart de %(spread)s pts"),
            "running": _("cumul : %(total)s"),
            "beyond": escape(_("au-delà de l'enveloppe")),
            "eligible": escape(_("Éligible")),
            "ineligible": escape(_("Inéligible")),
            "by_committee": escape(_("consensus du comité")),
            "review_consensus": escape(_("Revoir le consensus")),
            "settle_consensus": escape(_("Arrêter un consensus")),
            "undecided": escape(_("À décider")),
            "decision_for": _("Décision pour %(reference)s"),
        }
        self.buttons = [(value, escape(str(label))) for value, label in BUTTONS]
        self.dossier_url = url_with_pk("applications:dossier_detail")
        self.consensus_url = url_with_pk("evaluation:consensus")
        self.decision_url = url_with_pk("evaluation:decision")

    def shown(self, lines):
        """The lines, each with its cells as safe HTML (user text escaped here)."""
        for line in lines:
            reference = escape(line["reference"])
            line.update(
                # Text already: a number in a template is localized again, cell by cell.
                id=str(line["pk"]),
                place=str(line["rank"]),
                reviews=str(line["review_count"]),
                dossier=written_html(self._dossier(line, reference)),
                mean_cell=written_html(self._mean(line, reference)),
                final_cell=written_html(self._final(line)),
                eligibility=written_html(self._eligibility(line)),
                subsidy_cell=written_html(self._subsidy(line)),
                decision_cell=written_html(self._decision(line, reference)),
            )
        return lines

    def _dossier(self, line, reference):
        if self.may_open:
            url = self.dossier_url(line["pk"])
            return f'<a class="text-nowrap" href="{url}">{reference}</a>'
        return f'<span class="fw-semibold text-nowrap">{reference}</span>'

    def _mean(self, line, reference):
        cell = self.numbers.decimal(line["mean_total"])
        if not line["divergent"]:
            return cell
        spread = self.words["spread"] % {"spread": self.numbers.short(line["spread"])}
        cell += f'<div><span class="badge text-bg-warning">{escape(spread)}</span></div>'
        if self.can_decide:
            words = self.words
            label = words["settle_consensus"]
            if line["consensus_score"] is not None:
                label = words["review_consensus"]
            url = self.consensus_url(line["pk"])
            cell += (
                f'<a class="small" href="{url}">{label}'
                f'<span class="visually-hidden"> — {reference}</span></a>'
            )
        return cell

    def _final(self, line):
        cell = f'<span class="fw-bold">{self.numbers.decimal(line["final_score"])}</span>'
        if line["consensus_score"] is not None:
            cell += f'<div class="small">{self.words["by_committee"]}</div>'
        return cell

    def _eligibility(self, line):
        if not line["reason"]:
            return f'<span class="badge text-bg-success">{self.words["eligible"]}</span>'
        return (
            f'<span class="badge text-bg-danger">{self.words["ineligible"]}</span>'
            f'<div class="small">{escape(line["reason_text"])}</div>'
        )

    def _subsidy(self, line):
        cell = self.numbers.money(line["subsidy_requested"])
        cumulative = line["eligible_cumulative"]
        if cumulative is None:
            return cell
        running = self.words["running"] % {"total": self.numbers.money(cumulative)}
        if cumulative > self.envelope:
            return (
                f'{cell}<div class="small text-danger-emphasis">{escape(running)}'
                f"<br>{self.words['beyond']}</div>"
            )
        return f'{cell}<div class="small text-body-secondary">{escape(running)}</div>'

    def _decision(self, line, reference):
        outcome = line["outcome"]
        if outcome:
            cell = f'<span class="badge {status_style(outcome)}">{self.outcomes[outcome]}</span>'
        else:
            cell = f'<span class="text-body-secondary small">{self.words["undecided"]}</span>'
        if not self.can_decide:
            return cell
        buttons = "".join(
            self._button(value, label, outcome, disabled=value == Decision.Outcome.SELECTED)
            if line["reason"]
            else self._button(value, label, outcome)
            for value, label in self.buttons
        )
        group = escape(self.words["decision_for"] % {"reference": line["reference"]})
        return (
            f'{cell}<form method="post" action="{self.decision_url(line["pk"])}" class="mt-1">'
            f'{self.csrf_input}<div class="d-grid gap-1" role="group" aria-label="{group}">'
            f"{buttons}</div></form>"
        )

    @staticmethod
    def _button(value, label, outcome, disabled=False):
        pressed = value == outcome
        style = "btn-primary" if pressed else "btn-outline-primary"
        return (
            f'<button type="submit" name="outcome" value="{value}" '
            f'class="btn btn-sm text-nowrap {style}" '
            f'aria-pressed="{"true" if pressed else "false"}"{" disabled" if disabled else ""}>'
            f"{label}</button>"
        )
