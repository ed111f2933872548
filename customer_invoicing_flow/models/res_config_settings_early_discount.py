# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""How early-payment discounts are booked, in the Invoicing settings."""
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = 'res.config.settings'  # pylint: disable=R8180

    early_discount_mode = fields.Selection(
        related='company_id.early_discount_mode')
    cash_discount_account_id = fields.Many2one(
        related='company_id.cash_discount_account_id')
