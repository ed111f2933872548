# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The daily run and the promises to pay (rules in ``promises.py``).

Before its batches a run settles the open promises (kept when the promised
amount is paid, broken the day after the grace: an activity to the user
who took it, a message on the promise and its invoices). In each batch the
invoices under promise that day are read in one query: their stages due
are logged ``deferred`` (no email, fee or activity) and left out of the
plan. A deferred log is kept under the log's unique key and rewritten when
the stage is processed after the promise, so each stage still fires once:
the first run after a broken promise fires the latest stage due, the
earlier ones skipped, as any catch-up does."""
from odoo import api, fields, models

from .. import promises


class PaymentReminderRun(models.Model):
    _inherit = 'payment.reminder.run'  # pylint: disable=R8180

    @api.multi
    def _execute(self, batch_size, own_transactions):
        """Settle the promises whose day has come, then the batches."""
        self._settle_promises(self.as_of)
        return super(PaymentReminderRun, self)._execute(
            batch_size, own_transactions)

    # ------------------------------------------------------------------
    # In each batch: the invoices under promise
    # ------------------------------------------------------------------

    @api.model
    def _promised_invoice_ids(self, invoice_ids, as_of):
        """The ids of ``invoice_ids`` under a promise on ``as_of``
        (:func:`promises.under_promise`), in one query."""
        if not invoice_ids:
            return set()
        self.env.cr.execute("""
            SELECT rel.invoice_id, promise.state, promise.date,
                   promise.promised_date, promise.grace_days
              FROM payment_promise_invoice_rel rel
              JOIN payment_promise promise ON promise.id = rel.promise_id
             WHERE rel.invoice_id IN %s AND promise.state IN %s
        """, (tuple(invoice_ids), promises.COVERING))
        day = fields.Date.from_string(as_of)
        return {
            invoice_id
            for invoice_id, state, taken, promised_date, grace_days
            in self.env.cr.fetchall()
            if promises.under_promise(
                state, fields.Date.from_string(taken),
                fields.Date.from_string(promised_date), grace_days, day)}

    @api.multi
    def _defer_promised(self, invoices, as_of, logged, retry):
        """Log as deferred the stages due of the invoices under promise
        (once: a stage already deferred stays as it was); returns (the
        other invoices, the deferred logs written now)."""
        logs = self.env['payment.reminder.log'].browse()
        promised = self._promised_invoice_ids(invoices.ids, as_of)
        if not promised:
            return invoices, logs
        under = invoices.filtered(lambda inv: inv.id in promised)
        for plan in self._plan(under, as_of, logged):
            for stage in plan['due_stages']:
                earlier = retry.get((plan['invoice'].id, stage.id))
                if earlier and earlier.state == 'deferred':
                    continue
                logs |= self._write_log(plan, stage, as_of, 'deferred',
                                        retry)
        return invoices - under, logs

    # ------------------------------------------------------------------
    # Before the batches: kept or broken
    # ------------------------------------------------------------------

    @api.multi
    def _settle_promises(self, as_of):
        """Mark kept or broken the open promises (of the run's company, if
        it has one) whose outcome is known on ``as_of``
        (:func:`promises.outcome`): the payments of all their invoices read
        at once. Returns the promises settled."""
        domain = [('state', '=', promises.OPEN), ('date', '<=', as_of)]
        if len(self) == 1 and self.company_id:
            domain.append(('company_id', '=', self.company_id.id))
        Promise = self.env['payment.promise'].sudo()
        open_promises = Promise.search(domain)
        if not open_promises:
            return Promise
        day = fields.Date.from_string(as_of)
        facts = open_promises.mapped('invoice_ids')._late_payment_facts()
        settled = Promise
        for promise in open_promises:
            # dated payments and credit notes of the invoices (dates
            # and Decimal amounts, see late_fees.InvoiceFacts)
            payments = [(day_paid, float(amount))
                        for invoice in promise.invoice_ids
                        for day_paid, amount in facts[invoice.id].payments]
            outcome = promises.outcome(
                promise.amount, payments,
                fields.Date.from_string(promise.date),
                fields.Date.from_string(promise.promised_date),
                promise.grace_days, day, promise.currency_id.rounding)
            if not outcome:
                continue
            end = promises.grace_end(
                fields.Date.from_string(promise.promised_date),
                promise.grace_days)
            promise._settle(outcome, as_of, promises.paid_within(
                payments, fields.Date.from_string(promise.date),
                min(day, end)))
            settled |= promise
        return settled


class PaymentReminderLog(models.Model):
    _inherit = 'payment.reminder.log'  # pylint: disable=R8180

    state = fields.Selection(selection_add=[
        ('deferred', 'Deferred (promise to pay)')])
