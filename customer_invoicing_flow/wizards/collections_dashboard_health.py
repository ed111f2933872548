# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The collections dashboard's Invoicing Health block: the accuracy of the
period (share of its invoices with no finding) by month, and the open
findings per kind."""
from odoo import api, fields, models


class CollectionsDashboard(models.TransientModel):
    _inherit = 'collections.dashboard'

    health_html = fields.Html(
        string='Invoicing Health', compute='_compute_health_html',
        sanitize=False,
        help="The share of the period's customer invoices and credit notes "
             "with no invoicing health finding, month by month, and the "
             "open findings per kind.")

    @api.depends('date_from', 'date_to', 'company_id')
    def _compute_health_html(self):
        # sudo: counts only, of a company of the user (checked below)
        Finding = self.env['invoicing.health.finding'].sudo()
        for dashboard in self:
            company = dashboard.company_id
            if not (dashboard.date_from and dashboard.date_to and company) \
                    or dashboard.date_to < dashboard.date_from \
                    or company not in self.env.user.company_ids:
                dashboard.health_html = False
                continue
            dashboard.health_html = Finding._dashboard_html(
                company, dashboard.date_from, dashboard.date_to)
