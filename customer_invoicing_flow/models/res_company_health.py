# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The company's thresholds of the invoicing health checks."""
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = 'res.company'  # pylint: disable=R8180

    health_delay_hours = fields.Integer(
        string='Invoicing Delay Limit (hours)', default=24,
        help="A delivered quantity not invoiced this many hours after its "
             "delivery was done is reported by the invoicing health check.")
    health_never_sent_days = fields.Integer(
        string='Sending Limit (days)', default=3,
        help="A posted invoice not sent to the customer this many days "
             "after its validation is reported.")
    health_draft_days = fields.Integer(
        string='Draft Limit (days)', default=3,
        help="A draft invoice made from a delivery (kept draft by the "
             "discrepancy guard, or in draft mode) left longer than this "
             "many days is reported.")
    health_user_id = fields.Many2one(
        'res.users', string='Invoicing Health Responsible',
        help="Receives an activity listing the new high-severity findings "
             "of each check. Empty: the first accounting manager of the "
             "company.")

    @api.constrains('health_delay_hours', 'health_never_sent_days',
                    'health_draft_days')
    def _check_health_thresholds(self):
        for company in self:
            if min(company.health_delay_hours,
                   company.health_never_sent_days,
                   company.health_draft_days) < 0:
                raise ValidationError(_(
                    "The invoicing health limits cannot be negative."))
