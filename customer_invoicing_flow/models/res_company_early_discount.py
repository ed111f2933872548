# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""How the company books the early-payment discounts it grants."""
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

EARLY_DISCOUNT_MODES = [
    ('credit_note', 'Credit note, taxes reduced in proportion'),
    ('writeoff', 'Write-off to the cash-discount account'),
]


class ResCompany(models.Model):
    _inherit = 'res.company'  # pylint: disable=R8180

    early_discount_mode = fields.Selection(
        EARLY_DISCOUNT_MODES, string='Early Payment Discounts',
        default='credit_note', required=True,
        help="How a discount earned by a payment within the window is "
             "booked: a credit note on the invoice's accounts with its "
             "taxes reduced in proportion (the VAT follows the amount "
             "actually paid), or a write-off of the difference to the "
             "cash-discount account, taxes unchanged.")
    cash_discount_account_id = fields.Many2one(
        'account.account',
        domain="[('company_id', '=', id), ('deprecated', '=', False)]",
        help="Receives the early-payment discounts booked as write-offs.")

    @api.constrains('early_discount_mode', 'cash_discount_account_id')
    def _check_cash_discount_account(self):
        for company in self:
            if company.early_discount_mode == 'writeoff' \
                    and not company.cash_discount_account_id:
                raise ValidationError(_(
                    "Booking early payment discounts as write-offs needs a "
                    "cash-discount account (company %s).") % company.name)
