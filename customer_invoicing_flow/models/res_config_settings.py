# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = 'res.config.settings'

    auto_invoice_on_delivery = fields.Selection(
        related='company_id.auto_invoice_on_delivery')
    collections_user_id = fields.Many2one(
        related='company_id.collections_user_id')
    late_payment_policy_id = fields.Many2one(
        related='company_id.late_payment_policy_id',
        string='Default Late-Payment Policy')
