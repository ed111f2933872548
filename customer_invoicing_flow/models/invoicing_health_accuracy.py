# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Invoicing health: the accuracy KPI (the share of the period's invoices
with no finding, by month) and its block on the collections dashboard."""
from odoo import _, api, models
from odoo.tools.misc import html_escape as escape

from .. import invoicing_health as health
from .invoicing_health_facts import _day


class InvoicingHealthFinding(models.Model):
    _inherit = 'invoicing.health.finding'  # pylint: disable=R8180

    @api.model
    def _accuracy_kpi(self, company, date_from, date_to):
        """The share of the company's customer invoices and credit notes
        posted and dated in the period (dates, inclusive) with no finding
        (open or resolved; acknowledged ones do not count), overall and by
        month, and the open findings per kind:
        ``{'total', 'clean', 'accuracy', 'by_month', 'open_by_kind'}``."""
        self.env.cr.execute("""
            SELECT inv.id, inv.date_invoice,
                   EXISTS(SELECT 1 FROM invoicing_health_finding f
                           WHERE f.invoice_id = inv.id
                             AND NOT COALESCE(f.acknowledged, FALSE))
              FROM account_invoice inv
             WHERE inv.company_id = %s
               AND inv.type IN ('out_invoice', 'out_refund')
               AND inv.state IN ('open', 'paid')
               AND inv.date_invoice BETWEEN %s AND %s
        """, (company.id, str(date_from), str(date_to)))
        rows = self.env.cr.fetchall()
        result = health.accuracy(
            [(row[0], _day(row[1])) for row in rows],
            [row[0] for row in rows if row[2]])
        groups = self.sudo().read_group(
            [('company_id', '=', company.id), ('state', '=', 'open')],
            ['kind'], ['kind'])
        result['open_by_kind'] = {
            group['kind']: group['kind_count'] for group in groups}
        return result

    @api.model
    def _dashboard_html(self, company, date_from, date_to):
        """The collections dashboard's Invoicing Health block: the accuracy
        of the period, its trend over the months of the period, and the
        open findings per kind (each count a link to the findings)."""
        kpi = self._accuracy_kpi(company, date_from, date_to)

        def percent(share):
            return '-' if share is None else '%.1f %%' % (share * 100)

        kinds = dict(self._fields['kind']._description_selection(self.env))
        rows = ''.join(
            '<tr><td>%s</td><td class="text-right">%d</td></tr>' % (
                escape(kinds[key]), kpi['open_by_kind'].get(key, 0))
            for key, _label in health.KINDS)
        months = ''.join(
            '<tr><td>%s</td><td class="text-right">%d</td>'
            '<td class="text-right">%s</td></tr>' % (
                escape(month), total, escape(percent(share)))
            for month, total, _clean, share in kpi['by_month'])
        return (
            '<div class="o_cif_health">'
            '<p><strong>%s</strong> %s <span class="text-muted">(%s)</span>'
            '</p>'
            '<table class="table table-condensed"><thead><tr><th>%s</th>'
            '<th class="text-right">%s</th><th class="text-right">%s</th>'
            '</tr></thead><tbody>%s</tbody></table>'
            '<table class="table table-condensed"><thead><tr><th>%s</th>'
            '<th class="text-right">%s</th></tr></thead><tbody>%s</tbody>'
            '</table></div>') % (
                escape(_("Invoicing accuracy:")),
                escape(percent(kpi['accuracy'])),
                escape(_("%(clean)s of %(total)s invoices without a "
                         "finding") % kpi),
                escape(_("Month")), escape(_("Invoices")),
                escape(_("Accuracy")), months,
                escape(_("Open findings")), escape(_("Count")), rows)
