# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The "Check now" of Invoicing Health: the nightly check, run on demand
for the user's companies."""
from odoo import api, fields, models


class InvoicingHealthCheck(models.TransientModel):
    _name = 'invoicing.health.check'
    _description = 'Invoicing Health Check Now'

    as_of = fields.Date(
        string='As of', required=True,
        default=lambda self: fields.Date.context_today(self),
        help="The day the check looks at the ledger as it was at its end.")

    @api.multi
    def action_check(self):
        """Run the check and show the open findings."""
        self.ensure_one()
        # sudo: the check reads the whole ledger of the user's companies and
        # records findings, which invoicing users only read
        self.env['invoicing.health.finding'].sudo()._cron_check(
            as_of=self.as_of, companies=self.env.user.company_ids)
        action = self.env.ref(
            'customer_invoicing_flow.invoicing_health_finding_action').read()[0]
        return action
