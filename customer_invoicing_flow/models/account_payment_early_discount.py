# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Register Payment from the invoice form (``account.payment``) proposes
the discounted amount of the invoice within its early-payment discount
window on the payment date (for several invoices:
wizards/account_register_payments_early_discount.py). Whether the payment
settles it is decided where it is reconciled
(account_move_line_early_discount.py)."""
from odoo import _, api, fields, models
from odoo.tools import float_compare
from odoo.tools.misc import formatLang


class AccountPayment(models.Model):
    _inherit = 'account.payment'

    early_discount_note = fields.Char(
        string='Early Payment Discount',
        compute='_compute_early_discount_note',
        help="What validating this payment books as the invoice's early "
             "payment discount.")

    @api.depends('invoice_ids', 'amount', 'payment_date', 'currency_id')
    def _compute_early_discount_note(self):
        for payment in self:
            invoice = payment.invoice_ids
            offer = len(invoice) == 1 and payment.payment_date \
                and invoice.currency_id == payment.currency_id \
                and invoice._early_discount_offer(payment.payment_date)
            rounding = payment.currency_id.rounding
            if not offer or float_compare(
                    payment.amount, offer['amount'],
                    precision_rounding=rounding) < 0 or float_compare(
                        payment.amount, invoice.residual,
                        precision_rounding=rounding) >= 0:
                payment.early_discount_note = False
                continue
            payment.early_discount_note = _(
                "Within the early payment discount window: %s of discount "
                "will be booked and the invoice paid in full.") % formatLang(
                    self.env, invoice.residual - payment.amount,
                    currency_obj=payment.currency_id)

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
