# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The early-payment discount of a payment term: ``discount_percentage``
% of the invoice's total when it is paid no later than ``discount_days``
days after the invoice date (the arithmetic is in ``early_discount.py``)."""
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .. import early_discount


class AccountPaymentTerm(models.Model):
    _inherit = 'account.payment.term'

    early_discount = fields.Boolean(
        string='Early Payment Discount',
        help="Grant a discount on the invoices of this term paid within a "
             "number of days after the invoice date: their PDF, portal page "
             "and reminders state it, and a payment of the discounted "
             "amount within the window settles the invoice in full.")
    discount_percentage = fields.Float(
        string='Discount (%)', digits=(5, 2), default=2.0,
        help="Share of the invoice's total, taxes included, granted when "
             "it is paid within the window.")
    discount_days = fields.Integer(
        default=10,
        help="Days after the invoice date within which the payment earns "
             "the discount (the last day included).")

    @api.constrains('early_discount', 'discount_percentage', 'discount_days')
    def _check_early_discount(self):
        messages = {
            'discount_percentage': _(
                "The early payment discount must be more than 0 %% and "
                "less than 100 %% (payment term %s)."),
            'discount_days': _(
                "The days of the early payment discount cannot be negative "
                "(payment term %s)."),
        }
        for term in self.filtered('early_discount'):
            problems = early_discount.terms_problems(
                term.discount_percentage, term.discount_days)
            if problems:
                raise ValidationError('\n'.join(
                    messages[field] % term.name for field, dummy in problems))
