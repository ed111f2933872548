# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The policy's grace for promises to pay (see payment_promise.py)."""
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class LatePaymentPolicy(models.Model):
    _inherit = 'late.payment.policy'  # pylint: disable=R8180

    promise_grace_days = fields.Integer(
        default=2,
        help="Days after a promise's date during which the reminders of "
             "the promised invoices still wait for the payment; unpaid by "
             "then, the promise is broken the next day.")

    @api.constrains('promise_grace_days')
    def _check_promise_grace_days(self):
        if any(policy.promise_grace_days < 0 for policy in self):
            raise ValidationError(_(
                "The promise grace days cannot be negative."))
