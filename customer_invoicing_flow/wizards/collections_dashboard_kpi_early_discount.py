# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The collections dashboard's early payment discount KPIs: the discounts
granted on the invoices paid in the period, and the share of the invoices
whose discount window ended in the period that were paid within it (the
share's arithmetic in ``early_discount.window_share``)."""
from odoo import api, fields, models

from .. import early_discount


class CollectionsDashboard(models.TransientModel):
    _inherit = 'collections.dashboard'  # pylint: disable=R8180

    early_discounts_granted = fields.Monetary(
        string='Discounts Granted', compute='_compute_early_discount_kpis',
        help="The early payment discounts booked on the customer invoices "
             "paid in the period (credit notes and write-offs).")
    early_discount_rate = fields.Float(
        string='Paid Within the Discount Window (%)', digits=(16, 2),
        compute='_compute_early_discount_kpis',
        help="Among the invoices whose early payment discount window ended "
             "in the period, the share paid by its last day.")
    early_discount_invoice_count = fields.Integer(
        string='Discount Windows Ended', compute='_compute_early_discount_kpis',
        help="The invoices the share paid within the window counts.")

    @api.depends('date_from', 'date_to', 'company_id')
    def _compute_early_discount_kpis(self):
        self._check_dashboard_access()
        Invoice = self.env['account.invoice']
        for dashboard in self:
            company = dashboard.company_id
            if not (dashboard.date_from and dashboard.date_to and company) \
                    or dashboard.date_to < dashboard.date_from \
                    or company not in self.env.user.company_ids:
                dashboard.early_discounts_granted = 0.0
                dashboard.early_discount_rate = 0.0
                dashboard.early_discount_invoice_count = 0
                continue
            base = [('company_id', '=', company.id),
                    ('type', '=', 'out_invoice'),
                    ('state', 'in', ('open', 'paid'))]
            granted = Invoice.read_group(base + [
                ('paid_date', '>=', dashboard.date_from),
                ('paid_date', '<=', dashboard.date_to),
                ('early_discount_granted', '!=', 0)],
                ['early_discount_granted'], [])
            windows = Invoice.search_read(base + [
                ('early_discount_date', '>=', dashboard.date_from),
                ('early_discount_date', '<=', dashboard.date_to)],
                ['early_discount_date', 'paid_date'])
            count, share = early_discount.window_share(
                (row['early_discount_date'], row['paid_date'])
                for row in windows)
            dashboard.early_discounts_granted = granted and granted[0][
                'early_discount_granted'] or 0.0
            dashboard.early_discount_rate = float(share or 0)
            dashboard.early_discount_invoice_count = count
