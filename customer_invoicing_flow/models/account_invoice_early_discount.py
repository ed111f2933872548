# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The early-payment discount on the invoice: the window of its payment
term, the offer its PDF, portal page and heads-up reminder state, and the
discount booked when a payment within the window settles it (a credit
note with its taxes reduced in proportion, or a write-off to the
cash-discount account: see account_move_line_early_discount.py for when).
The arithmetic is in ``early_discount.py``."""
from collections import OrderedDict

from odoo import _, api, fields, models
from odoo.tools.misc import format_date, formatLang

from .. import early_discount
from ..button_api import without_defaults


def _decimal(value):
    return early_discount.to_decimal(value)


class AccountInvoice(models.Model):
    _inherit = 'account.invoice'  # pylint: disable=R8180

    early_discount_date = fields.Date(
        string='Discount Until', compute='_compute_early_discount_date',
        store=True, copy=False,
        help="The last day a payment earns the early payment discount of "
             "the payment term (customer invoices only).")
    early_discount_granted = fields.Monetary(
        string='Early Payment Discount Granted', readonly=True, copy=False,
        help="The discount booked when a payment within the window settled "
             "the invoice (credit note or write-off).")
    early_discount_refund = fields.Boolean(
        string='Early Payment Discount Credit Note', readonly=True,
        copy=False,
        help="This credit note books the early payment discount of the "
             "invoice it refunds.")
    early_discount_offer = fields.Char(
        string='Early Payment Discount', compute='_compute_early_discount_offer',
        help="The discount's offer while it lasts, as the customer reads it "
             "on the invoice.")

    @api.depends('type', 'date_invoice', 'payment_term_id.early_discount',
                 'payment_term_id.discount_days')
    def _compute_early_discount_date(self):
        for invoice in self:
            term = invoice.payment_term_id
            if invoice.type == 'out_invoice' and invoice.date_invoice \
                    and term.early_discount:
                invoice.early_discount_date = fields.Date.to_string(
                    early_discount.discount_end_date(
                        invoice.date_invoice, term.discount_days))
            else:
                invoice.early_discount_date = False

    @api.depends('state', 'residual', 'early_discount_date',
                 'early_discount_granted')
    def _compute_early_discount_offer(self):
        for invoice in self:
            invoice.early_discount_offer = invoice.early_discount_date \
                and isinstance(invoice.id, int) \
                and invoice._early_discount_text(
                    invoice._late_payment_as_of()) or False

    @api.multi
    def _early_discount_offer(self, as_of):
        """The discount a payment dated ``as_of`` earns on this open
        invoice, or False: ``discount``, ``amount`` (what settles it),
        ``percentage`` and ``end`` (ISO), the amounts in the invoice's
        currency."""
        self.ensure_one()
        invoice = self.sudo()
        # the stored end date first: no query for the term of an invoice
        # without a discount (the reminder run reads every invoice's)
        if not invoice.early_discount_date or invoice.type != 'out_invoice' \
                or invoice.state != 'open':
            return False
        term = invoice.payment_term_id
        if not term.early_discount or not invoice.date_invoice \
                or invoice.early_discount_granted or not as_of \
                or not early_discount.within_window(
                    invoice.date_invoice, term.discount_days, as_of):
            return False
        rounding = invoice.currency_id.rounding
        residual = _decimal(invoice.residual)
        discount = min(early_discount.discount_amount(
            invoice.amount_total, term.discount_percentage, rounding),
            residual)
        if discount <= 0:
            return False
        return {'discount': float(discount),
                'amount': float(residual - discount),
                'percentage': term.discount_percentage,
                'end': invoice.early_discount_date}

    @api.multi
    def _early_discount_text(self, as_of):
        """"2 % discount if paid by 12/12/2026: pay 980.00" in the
        context's language, or '' outside the window."""
        self.ensure_one()
        offer = self._early_discount_offer(as_of)
        if not offer:
            return ''
        percentage = _decimal(offer['percentage']).normalize()
        digits = max(0, -percentage.as_tuple().exponent)
        return _("%(percentage)s %% discount if paid by %(date)s: "
                 "pay %(amount)s") % {
            'percentage': formatLang(self.env, float(percentage),
                                     digits=digits),
            'date': format_date(self.env, offer['end']),
            'amount': formatLang(self.env, offer['amount'],
                                 currency_obj=self.currency_id)}

    @api.multi
    def _customer_document_facts(self):
        """The PDF's and portal page's facts, with the early payment
        discount's offer (``early_discount_text``) while it lasts."""
        facts = super(AccountInvoice, self)._customer_document_facts()
        facts['early_discount_text'] = self._early_discount_text(
            self._late_payment_as_of())
        return facts

    @api.multi
    def get_reminder_mail_facts(self):
        """The reminder's facts, with ``early_discounts``: the offer of
        each invoice of the email still within its window on the day of
        the reminder ("invoice X: 2 % discount if paid by ...")."""
        facts = super(AccountInvoice, self).get_reminder_mail_facts()
        sentences = []
        for invoice in self.get_reminder_statement_invoices():
            text = invoice._early_discount_text(facts['as_of'])
            if text:
                sentences.append(_("Invoice %(number)s: %(offer)s") % {
                    'number': invoice.number, 'offer': text})
        facts['early_discounts'] = sentences
        return facts

    @api.multi
    def _early_discount_book_refund(self, amount, date):
        """Book ``amount`` of early payment discount (taxes included) on
        this invoice as a validated credit note dated ``date``: the
        invoice's accounts and taxes, the base and the taxes each reduced
        in proportion (so the VAT follows the amount actually paid).
        Returns the credit note (not reconciled)."""
        self.ensure_one()
        invoice = self
        currency = invoice.currency_id
        rounding = currency.rounding
        base, tax = early_discount.split_discount(
            amount, invoice.amount_untaxed, invoice.amount_tax, rounding)
        groups = OrderedDict()
        for line in invoice.invoice_line_ids:
            if line.price_subtotal <= 0:
                continue
            key = (line.account_id.id, line.account_analytic_id.id,
                   tuple(sorted(line.invoice_line_tax_ids.ids)))
            groups[key] = groups.get(key, 0.0) + line.price_subtotal
        if not groups:
            # nothing to prorate over: all on the receivable's counterpart
            # of the journal
            key = (invoice.journal_id.default_credit_account_id.id, False,
                   ())
            groups[key] = 1.0
        shares = early_discount.prorate(base, list(groups.values()),
                                        rounding)
        label = _("Early payment discount (%s %%)") % (
            invoice.payment_term_id.discount_percentage)
        refund = without_defaults(self.env['account.invoice']).create({
            'type': 'out_refund',
            'partner_id': invoice.partner_id.id,
            'account_id': invoice.account_id.id,
            'journal_id': invoice.journal_id.id,
            'company_id': invoice.company_id.id,
            'currency_id': currency.id,
            'fiscal_position_id': invoice.fiscal_position_id.id,
            'user_id': invoice.user_id.id,
            'date_invoice': date,
            'date': date,
            'origin': invoice.number,
            'name': _("Early payment discount on %s") % invoice.number,
            'refund_invoice_id': invoice.id,
            'early_discount_refund': True,
            'invoice_line_ids': [(0, 0, {
                'name': label,
                'account_id': account_id,
                'account_analytic_id': analytic_id,
                'invoice_line_tax_ids': [(6, 0, list(tax_ids))],
                'quantity': 1.0,
                'price_unit': self._early_discount_price(share, tax_ids),
            }) for (account_id, analytic_id, tax_ids), share in zip(
                groups, shares) if share],
        })
        refund.compute_taxes()
        tax_lines = refund.tax_line_ids
        if tax_lines:
            # the taxes of the discount: the invoice's in proportion, to
            # the cent (a tax computed on each reduced line could differ)
            for tax_line, share in zip(tax_lines, early_discount.prorate(
                    tax, tax_lines.mapped('amount'), rounding)):
                tax_line.amount = float(share)
        elif tax and refund.invoice_line_ids:
            # taxes the lines do not carry (included in the price): the
            # amount stays the discount
            line = refund.invoice_line_ids[0]
            line.price_unit = float(_decimal(line.price_unit) + tax)
        refund.action_invoice_open()
        return refund

    @api.model
    def _early_discount_price(self, base, tax_ids):
        """The unit price of a credit note line whose untaxed amount is
        ``base``: with taxes included in the price (percentages), ``base``
        with them (rounded, it still gives back ``base``)."""
        included = sum(
            tax.amount for tax in self.env['account.tax'].browse(tax_ids)
            if tax.price_include and tax.amount_type == 'percent')
        return float(early_discount.round_money(
            base * (100 + _decimal(included)) / 100))

    @api.multi
    def _early_discount_receivable(self, refund):
        """The credit note's line to reconcile with this invoice."""
        self.ensure_one()
        return refund.move_id.line_ids.filtered(
            lambda line: line.account_id == self.account_id
            and not line.reconciled)
