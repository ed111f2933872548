# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the invoice PDF and its portal page state beyond the invoice's
lines: amount due, payments, overdue state, the fees charged, the PO
reference and date and the delivery date. The report and portal QWeb
only print what ``_customer_document_facts`` returns."""
from odoo import _, api, fields, models
from odoo.tools import float_is_zero
from odoo.tools.misc import format_date, formatLang


class AccountInvoice(models.Model):
    _inherit = 'account.invoice'  # pylint: disable=R8180

    @api.multi
    def _customer_document_facts(self):
        """What the PDF and the portal page of this invoice state beyond
        its lines, as of today (or the context's ``late_payment_as_of``):
        amount due, payments, overdue state, the fees charged, the PO
        reference and date and the delivery date (company time zone)."""
        self.ensure_one()
        invoice = self.sudo()
        currency = invoice.currency_id
        as_of = invoice._late_payment_as_of()
        due = invoice.date_due or invoice.date_invoice
        days_late = due and (fields.Date.from_string(as_of)
                             - fields.Date.from_string(due)).days or 0
        is_open = invoice.state == 'open'
        overdue = is_open and invoice.type == 'out_invoice' and days_late > 0
        grace_end = invoice.grace_end_date
        fees = invoice.late_fee_invoice_ids.filtered(
            lambda fee: fee.state in ('open', 'paid'))
        delivery_date = invoice._customer_document_delivery_day()
        payments = invoice._get_payments_vals() \
            if invoice.state in ('open', 'paid') else []
        name = invoice.name or ''
        po_reference = invoice.client_order_ref or ''
        # the sales order puts the customer's PO reference(s) in the
        # invoice's name: printed under their own label, not as the
        # invoice's description
        name_is_po = bool(po_reference and po_reference in name)
        grace = grace_end if grace_end and grace_end != due else False

        def money(amount, amount_currency=currency):
            # in the invoice's language: a PDF is rendered in the
            # printing user's, where a QWeb monetary widget would format
            return formatLang(self.env, amount, currency_obj=amount_currency)
        return {
            'is_open': is_open,
            'partly_paid': is_open and not float_is_zero(
                invoice.amount_total - invoice.residual,
                precision_rounding=currency.rounding),
            'amount_total': invoice.amount_total,
            'amount_due': invoice.residual,
            'amount_paid': invoice.amount_total - invoice.residual,
            'amount_total_text': money(invoice.amount_total),
            'amount_due_text': money(invoice.residual),
            'amount_paid_text': money(
                invoice.amount_total - invoice.residual),
            'payments': [{'date': payment['date'],
                          'date_text': format_date(self.env, payment['date']),
                          'amount': payment['amount'],
                          'amount_text': money(payment['amount']),
                          'reference': payment.get('ref') or ''}
                         for payment in payments],
            'on_hold': is_open and invoice.payment_hold,
            'overdue': overdue,
            'due_text': due and format_date(self.env, due) or '',
            'days_late': days_late if overdue else 0,
            'days_late_text': overdue and (
                _("1 day") if days_late == 1 else
                _("%d days") % days_late) or '',
            'grace_end': grace,
            'grace_end_text': grace and format_date(self.env, grace) or '',
            'grace_over': bool(grace and grace < as_of),
            'fees': [self._customer_document_fee(fee, money) for fee in fees],
            'description': '' if name_is_po else name,
            'po_reference': name if name_is_po else po_reference,
            'po_date': invoice.client_order_date,
            'delivery_date': delivery_date,
            'delivery_date_text': delivery_date
            and format_date(self.env, delivery_date) or '',
        }

    @api.multi
    def _customer_document_delivery_day(self):
        """The day of the delivery in the company's time zone (else the
        user's), or False."""
        self.ensure_one()
        if not self.delivery_date:
            return False
        tz = self.company_id.partner_id.tz or self.env.user.tz or 'UTC'
        return fields.Date.to_string(fields.Datetime.context_timestamp(
            self.with_context(tz=tz),
            fields.Datetime.from_string(self.delivery_date)).date())

    @api.model
    def _customer_document_fee(self, fee, money):
        """One fee invoice as the document lists it."""
        return {'number': fee.number,
                'date_text': format_date(self.env, fee.date_invoice),
                'amount': fee.amount_total, 'residual': fee.residual,
                'amount_text': money(fee.amount_total, fee.currency_id),
                'residual_text': money(fee.residual, fee.currency_id),
                'paid': fee.state == 'paid',
                'currency': fee.currency_id}
