# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The invoicing health thresholds in the Invoicing settings."""
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = 'res.config.settings'  # pylint: disable=R8180

    health_delay_hours = fields.Integer(
        related='company_id.health_delay_hours')
    health_never_sent_days = fields.Integer(
        related='company_id.health_never_sent_days')
    health_draft_days = fields.Integer(
        related='company_id.health_draft_days')
    health_user_id = fields.Many2one(
        related='company_id.health_user_id')
