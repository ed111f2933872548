# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The late-payment status as a domain over stored columns (issue 15).

The status of an invoice on a day (``late_fees._state``) is, in order:
paid when the payments dated up to that day cover it, on hold when a hold
period covers the day, not due up to the due date, in grace up to the grace
end, late after. Each test reads a stored column: the day the payments so
far cover the invoice (``late_payment_paid_date``, below), the hold periods
(``late.payment.hold``), the due date and the grace end
(``grace_end_date``). So a search on the status is one indexed query, not
an evaluation of every invoice in Python.
"""
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .. import late_fees

# the earliest day: an invoice of no amount is paid on any day
ALWAYS = '0001-01-01'


class AccountInvoice(models.Model):
    _inherit = 'account.invoice'  # pylint: disable=R8180

    late_payment_paid_date = fields.Date(
        string='Paid in Full on', compute='_compute_late_payment_paid_date',
        store=True, index=True, copy=False,
        help="The day the payments and credit notes reconciled with the "
             "invoice so far cover it (their dates, not the day they were "
             "reconciled): from that day on its late-payment status is "
             "paid.")

    @api.depends('type', 'state', 'amount_total', 'residual',
                 'late_payment_terms', 'date_due', 'date_invoice')
    def _compute_late_payment_paid_date(self):
        """The first payment day on which the facts' balance is nil, from
        the same facts (one query per kind for the whole recordset) and
        the same arithmetic as the computed status."""
        invoices = self.filtered(
            lambda inv: inv.type == 'out_invoice' and inv.late_payment_terms
            and inv.state in ('open', 'paid')
            # validated without the dates action_invoice_open sets (Odoo's
            # own tests call invoice_validate directly): no status either
            and (inv.date_due or inv.date_invoice))
        facts = invoices._late_payment_facts()
        for invoice in self:
            invoice.late_payment_paid_date = facts.get(invoice.id) \
                and self._paid_in_full_day(facts[invoice.id])

    @api.model
    def _paid_in_full_day(self, facts):
        """The ISO day from which ``facts`` (late_fees.InvoiceFacts) has
        nothing left to pay, False if the payments do not cover it."""
        if facts.amount <= 0:
            return ALWAYS  # nothing to pay at all
        for date in sorted({date for date, _amount in facts.payments}):
            if facts.balance_at(date) <= 0:
                return fields.Date.to_string(date)
        return False

    # ------------------------------------------------------------------
    # The search
    # ------------------------------------------------------------------

    def _search_late_payment_state(self, operator, value):
        """The invoices whose status, as of today or the context's
        ``late_payment_as_of`` (as the computed field), is (or is not)
        ``value``: a domain over stored columns."""
        if operator not in ('=', '!=', 'in', 'not in'):
            raise UserError(_("Unsupported search on the late-payment "
                              "status: %s") % operator)
        values = value if isinstance(value, (list, tuple)) else [value]
        states = set(late_fees.STATES) | {False}
        # a value that is no status matches nothing, as in the field
        values = {state or False for state in values} & states
        if operator in ('!=', 'not in'):
            values = states - values
        return self._late_payment_state_domain(
            values, self._late_payment_as_of())

    @api.model
    def _late_payment_state_domain(self, states, as_of):
        """The domain of the invoices whose late-payment status on
        ``as_of`` (ISO day) is one of ``states`` (False: no status)."""
        domains = [self._late_payment_one_state_domain(state, as_of)
                   for state in sorted(states, key=str)]
        if not domains:
            return [(0, '=', 1)]
        return ['|'] * (len(domains) - 1) + [
            term for domain in domains for term in domain]

    @api.model
    def _late_payment_held_ids(self, as_of):
        """The invoices a hold period covers on ``as_of`` (a hold released
        the day it started ends before it starts: it covers no day)."""
        self.env.cr.execute("""
            SELECT DISTINCT invoice_id FROM late_payment_hold
             WHERE date_start <= %s AND (date_end IS NULL OR date_end >= %s)
        """, (as_of, as_of))
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _late_payment_one_state_domain(self, state, as_of):
        # the invoices the status applies to: _late_payment_evaluate's
        # (grace_end_date is set exactly when the terms and a due day are)
        judged = [('type', '=', 'out_invoice'),
                  ('state', 'in', ('open', 'paid')),
                  ('grace_end_date', '!=', False)]
        if not state:
            return ['!', '&', '&'] + judged
        paid = [('late_payment_paid_date', '!=', False),
                ('late_payment_paid_date', '<=', as_of)]
        if state == 'paid':
            return ['&', '&', '&', '&'] + judged + paid
        domain = ['&', '&', '&'] + judged + [
            '|', ('late_payment_paid_date', '=', False),
            ('late_payment_paid_date', '>', as_of)]
        held = ('id', 'in', self._late_payment_held_ids(as_of))
        if state == 'on_hold':
            return ['&'] + domain + [held]
        domain = ['&', '!', held] + domain
        # the due day: date_due, else date_invoice (one is set: see judged)
        not_due = ['|', ('date_due', '>=', as_of),
                   '&', ('date_due', '=', False), ('date_invoice', '>=', as_of)]
        past_due = ['|', ('date_due', '<', as_of),
                    '&', ('date_due', '=', False), ('date_invoice', '<', as_of)]
        if state == 'not_due':
            return ['&'] + domain + not_due
        domain = ['&', '&'] + domain + past_due
        if state == 'in_grace':
            return domain + [('grace_end_date', '>=', as_of)]
        return domain + [('grace_end_date', '<', as_of)]

    # ------------------------------------------------------------------
    # The grouped list
    # ------------------------------------------------------------------

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None,
                   orderby=False, lazy=True):
        """The groups' names read column by column: grouped by customer
        (the Follow-up list's default), Odoo names every customer with a
        group, and its prefetch read every column of each of them (most
        of the time of the list at thousands of customers); the groups and
        their figures are unchanged."""
        return super(AccountInvoice, self.with_context(
            prefetch_fields=False)).read_group(
                domain, fields, groupby, offset=offset, limit=limit,
                orderby=orderby, lazy=lazy)
