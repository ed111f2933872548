# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The early-payment discount booked where a payment meets an invoice:
the reconciliation of the invoice's receivable line with the lines of a
bank or cash journal, which Register Payment (one invoice or several) and
the bank statement reconciliation both go through.

When the payment lines are dated within the discount window of invoices
among the reconciled lines and leave open no more than their discounts,
the shortfall is booked as their discount (each up to its own, in the
order of the lines) before reconciling: a credit note per invoice
reconciled with the rest, or, when the company chooses, Odoo's write-off
of the difference to the cash-discount account. A smaller payment is an
ordinary part payment; after the window nothing changes."""
from odoo import _, api, models
from odoo.tools.misc import format_date, formatLang

from .. import early_discount


class AccountMoveLine(models.Model):
    _inherit = 'account.move.line'

    @api.multi
    def reconcile(self, writeoff_acc_id=False, writeoff_journal_id=False):
        if writeoff_acc_id or self.env.context.get('early_discount_done'):
            return super(AccountMoveLine, self).reconcile(
                writeoff_acc_id, writeoff_journal_id)
        settlement = self._early_discount_settlement()
        if not settlement:
            return super(AccountMoveLine, self).reconcile(
                writeoff_acc_id, writeoff_journal_id)
        date, journal, shares = settlement
        lines = self.with_context(early_discount_done=True)
        company = lines[:1].company_id
        for invoice, share in shares:
            invoice.early_discount_granted = float(share)
            invoice.message_post(body=_(
                "Early payment discount of %(amount)s granted for the "
                "payment of %(date)s.") % {
                    'amount': formatLang(self.env, float(share),
                                         currency_obj=invoice.currency_id),
                    'date': format_date(self.env, date)})
        if company.early_discount_mode == 'writeoff':
            return lines.with_context(
                date_p=date, comment=_("Early payment discount")).reconcile(
                    company.cash_discount_account_id, journal)
        for invoice, share in shares:
            refund = invoice.with_context(
                early_discount_done=True)._early_discount_book_refund(
                    share, date)
            lines |= invoice._early_discount_receivable(refund)
        return lines.reconcile()

    @api.multi
    def _early_discount_settlement(self):
        """``(date, journal, [(invoice, discount)])`` when these lines, once
        reconciled, settle invoices on an early discount term within their
        window; else None."""
        invoices = self.mapped('invoice_id').filtered(
            lambda inv: inv.type == 'out_invoice'
            and inv.early_discount_date and inv.state == 'open')
        if not invoices:
            return None
        currency = invoices[0].currency_id
        if any(inv.currency_id != currency for inv in invoices):
            return None
        foreign = currency != self[:1].company_id.currency_id
        if foreign and any(line.currency_id != currency for line in self):
            return None

        def residual(line):
            # to the currency's cent: a float's noise is no discount
            return early_discount.round_money(
                line.amount_residual_currency if foreign
                else line.amount_residual, currency.rounding)
        payments = self.filtered(
            lambda line: line.invoice_id not in invoices
            and residual(line) < 0)
        if not payments or any(line.journal_id.type not in ('bank', 'cash')
                               for line in payments):
            return None
        date = max(payments.mapped('date'))
        due = sum((residual(line) for line in self if residual(line) > 0),
                  early_discount.ZERO)
        paid = -sum((residual(line) for line in payments),
                    early_discount.ZERO)
        offers = []
        for invoice in invoices:
            offer = invoice._early_discount_offer(date)
            if offer:
                offers.append((invoice, offer['discount']))
        if not offers:
            return None
        shares = early_discount.allocate_shortfall(
            due - paid, [discount for dummy, discount in offers])
        if not shares or not any(shares):
            return None
        journal = payments.sorted(lambda line: line.date)[-1].journal_id
        granted = [(invoice, share) for (invoice, dummy), share
                   in zip(offers, shares) if share]
        return date, journal, granted
