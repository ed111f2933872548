# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Lifecycle: when each step happened (validated, sent, viewed, paid) and
how long it took."""
from psycopg2 import sql

from odoo import api, fields, models
from odoo.tools import float_compare

from .. import lifecycle


class AccountInvoice(models.Model):
    _inherit = 'account.invoice'  # pylint: disable=R8180

    # Lifecycle: when each step happened, and how long it took
    validated_date = fields.Datetime(
        string='Validated on', copy=False, readonly=True,
        help="When the invoice was validated (its journal entry created).")
    sent_date = fields.Datetime(
        string='Sent on', copy=False, readonly=True, index=True,
        help="The first time the invoice itself (its PDF) was emailed to "
             "the customer; later sends do not move it.")
    viewed_date = fields.Datetime(
        string='Viewed on', copy=False, readonly=True, index=True,
        help="The first time the customer opened the invoice in the portal "
             "or its PDF through the emailed link (internal users' visits "
             "do not count).")
    paid_date = fields.Date(
        string='Paid on', compute='_compute_paid_date', store=True,
        copy=False, index=True,
        help="The date of the payment or credit note that made the amount "
             "due zero.")
    lifecycle_state = fields.Selection(
        lifecycle.LIFECYCLE_STATES, string='Lifecycle',
        compute='_compute_lifecycle_state', store=True, index=True)
    delivery_to_invoice_hours = fields.Float(
        string='Hours Delivery to Invoice', group_operator='avg',
        compute='_compute_lifecycle_measures', store=True,
        help="From the delivery to the invoice's validation; 0 without a "
             "delivery date.")
    invoice_to_sent_hours = fields.Float(
        string='Hours Invoice to Sent', group_operator='avg',
        compute='_compute_lifecycle_measures', store=True)
    sent_to_view_hours = fields.Float(
        string='Hours Sent to Viewed', group_operator='avg',
        compute='_compute_lifecycle_measures', store=True)
    invoice_to_paid_days = fields.Float(
        string='Days Invoice to Paid', group_operator='avg',
        compute='_compute_lifecycle_measures', store=True)
    due_to_paid_days = fields.Float(
        string='Days Due to Paid', group_operator='avg',
        compute='_compute_lifecycle_measures', store=True,
        help="Negative when paid before the due date.")

    @api.depends('state', 'residual')
    def _compute_paid_date(self):
        """The latest date among the lines reconciled with the invoice's
        receivable/payable lines, for paid invoices (one query for all)."""
        paid = self.filtered(
            lambda inv: inv.state == 'paid' and isinstance(inv.id, int))
        dates = {}
        if paid:
            self.env.cr.execute(sql.SQL("""
                SELECT inv.id, MAX(counterpart.date)
                  FROM account_invoice inv, {reconciled}
                 WHERE {of_invoice} AND inv.id IN %s
                 GROUP BY inv.id
            """).format(**self._sql_reconciled()), (tuple(paid.ids),))
            dates = dict(self.env.cr.fetchall())
        for invoice in self:
            if invoice.state != 'paid':
                invoice.paid_date = False
            else:
                # nothing reconciled: an invoice of zero, paid when issued
                invoice.paid_date = dates.get(invoice.id) \
                    or invoice.date_invoice

    @api.depends('state', 'sent_date', 'viewed_date', 'residual',
                 'amount_total')
    def _compute_lifecycle_state(self):
        for invoice in self:
            rounding = invoice.currency_id.rounding or 0.01
            partially_paid = float_compare(
                invoice.residual, invoice.amount_total,
                precision_rounding=rounding) < 0
            invoice.lifecycle_state = lifecycle.lifecycle_state(
                invoice.state, bool(invoice.sent_date),
                bool(invoice.viewed_date), partially_paid)

    @api.depends('delivery_date', 'validated_date', 'sent_date',
                 'viewed_date', 'date_invoice', 'date_due', 'paid_date')
    def _compute_lifecycle_measures(self):
        """Durations between the steps; 0 when a step is missing (filter on
        the step's date when averaging)."""
        def moment(value):
            return value and fields.Datetime.from_string(value) or None

        def day(value):
            return value and fields.Date.from_string(value) or None

        for invoice in self:
            validated = moment(invoice.validated_date)
            sent = moment(invoice.sent_date)
            paid = day(invoice.paid_date)
            invoice.delivery_to_invoice_hours = lifecycle.hours_between(
                moment(invoice.delivery_date), validated) or 0.0
            invoice.invoice_to_sent_hours = lifecycle.hours_between(
                validated, sent) or 0.0
            invoice.sent_to_view_hours = lifecycle.hours_between(
                sent, moment(invoice.viewed_date)) or 0.0
            invoice.invoice_to_paid_days = lifecycle.days_between(
                day(invoice.date_invoice), paid) or 0.0
            invoice.due_to_paid_days = lifecycle.days_between(
                day(invoice.date_due or invoice.date_invoice), paid) or 0.0

    @api.multi
    def action_invoice_open(self):
        result = super(AccountInvoice, self).action_invoice_open()
        self.filtered(
            lambda inv: inv.state in ('open', 'paid')
            and not inv.validated_date
        ).write({'validated_date': fields.Datetime.now()})
        return result

    @api.multi
    def _mark_sent(self, when=None):
        """Record that the invoices were emailed to the customer at ``when``
        (default now), for those not marked before: the first send counts.
        Every way of sending calls this (see ``mail.message``)."""
        to_mark = self.filtered(lambda inv: not inv.sent_date)
        if to_mark:
            # sudo: whoever may email the invoice may record that he did
            to_mark.sudo().write(
                {'sent_date': when or fields.Datetime.now()})
        return to_mark

    @api.multi
    def _mark_viewed(self, when=None):
        """Record that the customer opened the invoices at ``when`` (default
        now), for those not viewed before."""
        to_mark = self.filtered(lambda inv: not inv.viewed_date)
        if to_mark:
            # sudo: the visitor is a portal or public user
            to_mark.sudo().write(
                {'viewed_date': when or fields.Datetime.now()})
        return to_mark
