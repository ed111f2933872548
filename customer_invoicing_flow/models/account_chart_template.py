# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Loading a chart of accounts builds the demo history that waited for it
(see demo/demo_builder.py); without pending demo data it does nothing."""
from odoo import api, models


class AccountChartTemplate(models.Model):
    _inherit = 'account.chart.template'

    @api.multi
    def try_loading_for_current_company(self):
        result = super(AccountChartTemplate,
                       self).try_loading_for_current_company()
        self.env['customer.invoicing.flow.demo']._load_pending_demo()
        return result
