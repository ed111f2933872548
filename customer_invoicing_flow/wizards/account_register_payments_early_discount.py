# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Register Payment for several invoices proposes their residuals less the
early-payment discounts they earn on the payment date (one invoice from
its form: models/account_payment_early_discount.py)."""
from odoo import api, fields, models


class AccountRegisterPayments(models.TransientModel):
    _inherit = 'account.register.payments'

    @api.model
    def _compute_payment_amount(self, invoice_ids):
        """The invoices' residuals less the early payment discounts they
        earn on the payment date (invoices in the payment's currency)."""
        total = super(AccountRegisterPayments, self)._compute_payment_amount(
            invoice_ids)
        currency = self.currency_id or self.journal_id.currency_id \
            or self.journal_id.company_id.currency_id \
            or invoice_ids and invoice_ids[0].currency_id
        date = self.payment_date or fields.Date.context_today(self)
        for invoice in invoice_ids:
            offer = invoice.currency_id == currency \
                and invoice._early_discount_offer(date)
            if offer:
                total -= offer['discount']
        return currency.round(total) if currency else total

    @api.onchange('payment_date')
    def _onchange_payment_date_early_discount(self):
        invoices = self.invoice_ids or self.env['account.invoice'].browse(
            self.env.context.get('active_ids') or [])
        if invoices and self.env.context.get('active_model') in (
                None, 'account.invoice'):
            self.amount = abs(self._compute_payment_amount(invoices))
