# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Register Payment proposes the discounted amount of the invoices within
their early-payment discount window on the payment date: from the invoice
form (``account.payment``) and for several invoices
(``account.register.payments``). Whether the payment settles them is
decided where it is reconciled (account_move_line_early_discount.py)."""
from odoo import api, fields, models
from odoo.tools import float_compare


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


class AccountPayment(models.Model):
    _inherit = 'account.payment'

    @api.model
    def default_get(self, fields_list):
        """From one invoice: its discounted amount within the window."""
        values = super(AccountPayment, self).default_get(fields_list)
        invoices = self.resolve_2many_commands(
            'invoice_ids', values.get('invoice_ids'), fields=['id'])
        if len(invoices) == 1 and invoices[0].get('id') \
                and 'amount' in values:
            invoice = self.env['account.invoice'].browse(invoices[0]['id'])
            offer = invoice._early_discount_offer(
                values.get('payment_date')
                or fields.Date.context_today(self))
            if offer and values.get('currency_id') == invoice.currency_id.id:
                values['amount'] = offer['amount']
        return values

    @api.onchange('payment_date')
    def _onchange_payment_date_early_discount(self):
        """A proposed amount (the residual or the discounted amount)
        follows the payment date: discounted within the window, the full
        residual after it. An amount typed by the user stays."""
        invoice = self.invoice_ids
        if len(invoice) != 1 or self.state != 'draft' \
                or invoice.currency_id != self.currency_id \
                or not invoice.early_discount_date:
            return
        offer = invoice._early_discount_offer(invoice.date_invoice)
        proposals = [invoice.residual] + (offer and [offer['amount']] or [])
        rounding = self.currency_id.rounding
        if not any(float_compare(self.amount, amount,
                                 precision_rounding=rounding) == 0
                   for amount in proposals):
            return
        offer = invoice._early_discount_offer(self.payment_date)
        self.amount = offer['amount'] if offer else invoice.residual
