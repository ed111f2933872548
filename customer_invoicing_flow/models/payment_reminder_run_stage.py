# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the run does with a batch of claimed invoices: plan the stages due
(:func:`reminders.plan`), group them by customer (one email), write the
logs before the side effects, then fee, email, activities, credit hold and
a note on each invoice. One bad invoice is logged in error and retried by
the next run; the others go on."""
import logging
import traceback

from odoo import _, api, fields, models
from odoo.tools import float_compare

from .. import reminders
from ..button_api import clean_context, without_defaults
from .payment_reminder_run import is_concurrency_error

_logger = logging.getLogger(__name__)


class PaymentReminderRun(models.Model):
    _inherit = 'payment.reminder.run'

    @api.multi
    def _process_batch(self, invoice_ids, as_of):
        """Process the claimed invoices of one batch. Never raises for one
        bad invoice: its error is logged on it and the others go on.
        Returns the logs written (linked to the run ``self``, if any)."""
        return self._process_claimed_batch(invoice_ids, as_of)[0]

    @api.multi
    def _process_claimed_batch(self, invoice_ids, as_of):
        """:meth:`_process_batch`, also returning the customers put on
        credit hold: (logs, partners)."""
        if clean_context(self.env.context) != self.env.context:
            # the records created here (logs, fee invoices, mails,
            # attachments, activities) take no default of the action a
            # button came from
            return without_defaults(self)._process_claimed_batch(
                invoice_ids, as_of)
        Log = self.env['payment.reminder.log']
        held = self.env['res.partner'].browse()
        claimed = self._claim(invoice_ids)
        if not claimed:
            return Log.browse(), held
        invoices = self.env['account.invoice'].browse(claimed)
        logged, retry = self._logged_stages(claimed)
        # the invoices under a promise to pay: stages deferred
        invoices, logs = self._defer_promised(invoices, as_of, logged, retry)
        groups = self._stage_groups(invoices, as_of, logged)
        # read once for the batch (payment_reminder_run_batch.py)
        self = self.with_context(reminder_recipient_ids=tuple(sorted(
            self._recipient_ids(invoices).items())), late_fee_line_cache={})
        pdfs = self._print_reminder_pdfs(groups)
        results = []
        # the groups charging fees last: their numbering holds the invoice
        # sequence until the batch commits (see _lock_fee_sequences), the
        # shorter the better for the other workers
        groups = sorted(groups, key=lambda item: not item[1] and any(
            plan['charge_fee'] for plan in item[0]))
        for group, suppress in groups:
            # the group's invoices in a prefetch set of their own: the
            # writes and messages of each group clear the cache, and a
            # batch-wide set would re-read the whole batch every group
            own = self.env['account.invoice'].browse(
                [plan['invoice'].id for plan in group])
            for plan, invoice in zip(group, own):
                plan['invoice'] = invoice
            group_logs, group_held, group_results = \
                self._process_group_safely(group, as_of, retry, suppress,
                                           pdfs=pdfs)
            logs |= group_logs
            held |= group_held
            results += group_results
        self._write_batch_results(results, as_of)
        return logs, held

    @api.multi
    def _process_group_safely(self, group, as_of, retry, suppress,
                              pdfs=None):
        """:meth:`_process_group` in a savepoint; on an error, each invoice
        alone, and the one failing logged in error. Returns (logs,
        customers put on credit hold, results to write for the batch).
        ``pdfs``: the batch's invoice PDFs printed ahead, by invoice id."""
        logs = self.env['payment.reminder.log'].browse()
        held = self.env['res.partner'].browse()
        results = []
        try:
            with self.env.cr.savepoint():
                return self._process_group(group, as_of, retry, suppress,
                                           pdfs=pdfs)
        except Exception as error:  # pylint: disable=broad-except
            if is_concurrency_error(error):
                raise
            if len(group) == 1:
                return self._log_error(group[0], as_of, retry), held, []
        # one bad invoice must not hold back the others: each alone
        for plan in group:
            try:
                with self.env.cr.savepoint():
                    plan_logs, plan_held, plan_results = \
                        self._process_group([plan], as_of, retry, suppress,
                                            pdfs=pdfs)
                logs |= plan_logs
                held |= plan_held
                results += plan_results
            except Exception as error:  # pylint: disable=broad-except
                if is_concurrency_error(error):
                    raise
                logs |= self._log_error(plan, as_of, retry)
        return logs, held, results

    # ------------------------------------------------------------------
    # Planning (also read by the Send Reminder Now confirmation)
    # ------------------------------------------------------------------

    @api.model
    def _unapplied_credit(self, partners):
        """{(commercial partner id, company id): unreconciled credit on the
        receivable accounts (payments and credit notes not matched to an
        invoice), in company currency}, in one query."""
        if not partners:
            return {}
        self.env.cr.execute("""
            SELECT line.partner_id, line.company_id,
                   -SUM(line.amount_residual)
              FROM account_move_line line
              JOIN account_account account ON account.id = line.account_id
              JOIN account_account_type acc_type
                ON acc_type.id = account.user_type_id
              JOIN account_move move ON move.id = line.move_id
             WHERE line.partner_id IN %s
               AND acc_type.type = 'receivable'
               AND move.state = 'posted'
               AND line.reconciled IS NOT TRUE
               AND line.amount_residual < 0
             GROUP BY line.partner_id, line.company_id
        """, (tuple(partners.ids),))
        return {(partner_id, company_id): amount
                for partner_id, company_id, amount in self.env.cr.fetchall()}

    @api.model
    def _plan(self, invoices, as_of, logged):
        """Decide, per invoice, which stage fires and which are skipped
        (:func:`reminders.plan`).

        ``logged``: {invoice id: stage ids already processed (not in
        error)}. Returns a list of dicts: invoice, due (date), fire (a stage
        or an empty recordset), skipped and due_stages (stages), charge_fee
        and credit_hold (whether any stage processed now does so).
        """
        as_of_date = fields.Date.from_string(as_of)
        Stage = self.env['late.payment.policy.stage']
        plans = []
        for invoice in invoices:
            due = fields.Date.from_string(
                invoice.date_due or invoice.date_invoice)
            stages = invoice.late_payment_policy_id.stage_ids
            result = reminders.plan(
                due, [(stage.id, stage.day_offset) for stage in stages],
                logged.get(invoice.id, set()), as_of_date)
            if not result:
                continue
            due_stages = Stage.browse(result.due)
            plans.append({
                'invoice': invoice,
                'due': due,
                'fire': Stage.browse(result.fire or []),
                'skipped': Stage.browse(result.skipped),
                'due_stages': due_stages,
                'charge_fee': any(due_stages.mapped('charge_fee')),
                'credit_hold': any(due_stages.mapped('credit_hold')),
            })
        return plans

    @api.model
    def _stage_groups(self, invoices, as_of, logged):
        """What a run on ``as_of`` decides for ``invoices``, doing nothing:
        a list of (group, suppress), a group being the plans (see
        :meth:`_plan`) of one customer, company and stage, i.e. one email;
        ``suppress`` when the customer's unapplied payments or credit notes
        cover the group (no email, an activity to reconcile instead). The
        run and the Send Reminder Now confirmation both read this."""
        plans = self._plan(invoices, as_of, logged)
        if not plans:
            return []
        credit = self._unapplied_credit(
            invoices.mapped('commercial_partner_id'))
        groups = {}
        for plan in plans:
            invoice = plan['invoice']
            key = (invoice.commercial_partner_id.id, invoice.company_id.id,
                   plan['fire'].id)
            groups.setdefault(key, []).append(plan)
        result = []
        for (partner_id, company_id, _stage_id), group in groups.items():
            residual = sum(plan['invoice'].residual_company_signed
                           for plan in group)
            suppress = float_compare(
                credit.get((partner_id, company_id), 0.0), residual,
                precision_rounding=group[0]['invoice'].company_id
                .currency_id.rounding) >= 0 and residual > 0
            result.append((group, suppress))
        return result

    # ------------------------------------------------------------------
    # One stage for one customer's invoices
    # ------------------------------------------------------------------

    @api.multi
    def _log_values(self, plan, stage, as_of, state):
        invoice = plan['invoice']
        return {
            'run_id': self[:1].id,
            'invoice_id': invoice.id,
            'partner_id': invoice.commercial_partner_id.id,
            'user_id': invoice.user_id.id,
            'company_id': invoice.company_id.id,
            'stage_id': stage.id,
            'date': as_of,
            'due_date': fields.Date.to_string(
                reminders.stage_date(plan['due'], stage.day_offset)),
            'state': state,
            'amount_residual': invoice.residual,
            'credit_hold': stage.credit_hold,
            'error': False,
        }

    @api.multi
    def _write_log(self, plan, stage, as_of, state, retry):
        """Write the log before the side effects: the unique key on
        (invoice, stage) makes a second worker fail here, not send twice."""
        values = self._log_values(plan, stage, as_of, state)
        log = retry.get((plan['invoice'].id, stage.id))
        if log:
            log.write(values)
            return log
        return self.env['payment.reminder.log'].create(values)

    @api.multi
    def _log_error(self, plan, as_of, retry):
        """Record the failure of a plan on the invoice; the stage is
        retried by the next run."""
        error = traceback.format_exc(limit=3)
        _logger.warning("Payment reminder for invoice %s failed: %s",
                        plan['invoice'].id, error)
        invoice = plan['invoice']
        stage = plan['fire'] or plan['due_stages'][-1]
        with self.env.cr.savepoint():
            log = self._write_log(plan, stage, as_of, 'error', retry)
            log.error = error
            invoice.message_post(body=_(
                "The payment reminder stage %(stage)s failed and will be "
                "retried by the next run: %(error)s") % {
                    'stage': stage.name,
                    'error': error.strip().splitlines()[-1]})
            self._error_activity(invoice, stage, as_of,
                                 error.strip().splitlines()[-1])
        return log

    @api.multi
    def _process_group(self, group, as_of, retry, suppress, pdfs=None):
        """Fire one stage for the invoices of one customer: logs first,
        then fee, email, activities, credit hold, the notes. Returns (logs,
        the customer if put on credit hold now, the results that
        :meth:`_write_batch_results` writes for the batch)."""
        logs, fired = self._write_group_logs(group, as_of, retry, suppress)
        held = self.env['res.partner'].browse()
        if suppress:
            self._ask_to_reconcile(group, as_of)
            self._post_summary(group, fired, as_of, suppressed=True)
            return logs, held, []
        self._charge_fees(group, as_of, logs, fired)
        stage = group[0]['fire']
        done = {plan['invoice'].id: {} for plan in group}
        if stage.send_email:
            mail = self._send_email(group, stage, pdfs=pdfs)
            for plan in group:
                done[plan['invoice'].id].update({
                    'email_sent': True, 'mail_id': mail.id,
                    'mail_message_id': mail.mail_message_id.id,
                    'statement_count': len(group)})
        if stage.create_activity:
            for plan in group:
                activity = self._schedule_activity(
                    plan['invoice'], stage, as_of)
                done[plan['invoice'].id].update({
                    'activity_id': activity.id, 'activity_created': True})
        hold_plans = [plan for plan in group if plan['credit_hold']]
        if hold_plans:
            held = hold_plans[0]['invoice'].commercial_partner_id \
                ._credit_hold_set(
                    self.env['account.invoice'].browse(
                        [plan['invoice'].id for plan in hold_plans]), as_of)
        self._post_summary(group, fired, as_of, done=done)
        results = [{
            'log': fired.get(plan['invoice'].id)
            or self.env['payment.reminder.log'].browse(),
            'invoice': plan['invoice'],
            'stage': plan['due_stages'][-1],
            'values': done[plan['invoice'].id],
            'sent': bool(stage.send_email),
        } for plan in group]
        return logs, held, results

    @api.multi
    def _write_group_logs(self, group, as_of, retry, suppress):
        """The logs of the group's skipped and fired stages: (all logs,
        {invoice id: log of the stage fired}). The new ones in one INSERT
        (``_insert_logs``), the retried ones rewritten in place."""
        todo = []  # (plan, stage, state), in the order of the stages
        for plan in group:
            for stage in plan['skipped']:
                todo.append((plan, stage, 'skipped'))
            if plan['fire']:
                todo.append((plan, plan['fire'],
                             'suppressed' if suppress else 'done'))
        written = self._insert_logs([
            self._log_values(plan, stage, as_of, state)
            for plan, stage, state in todo
            if (plan['invoice'].id, stage.id) not in retry])
        logs = self.env['payment.reminder.log'].browse()
        fired = {}
        for plan, stage, state in todo:
            key = (plan['invoice'].id, stage.id)
            log = written.get(key) or self._write_log(
                plan, stage, as_of, state, retry)
            logs |= log
            if stage == plan['fire']:
                fired[plan['invoice'].id] = log
        return logs, fired

    @api.model
    def _charge_fees(self, group, as_of, logs, fired):
        """The late fee of each invoice whose stages charge one, noted on
        the stage's log. The fee invoice is created and validated without
        Odoo's chatter bookkeeping (its creation note, its field tracking,
        the run's user as a follower: ``tracking_disable``; the customer
        still follows it, for the portal), and the charge is told in the
        run's note on the invoice (``late_fee_note``): at a company's volume
        those were a third of the run's queries."""
        charged = [plan for plan in group if plan['charge_fee']]
        if charged:
            self._lock_fee_sequences(self.env['account.invoice'].browse(
                [plan['invoice'].id for plan in charged]), as_of)
        for plan in charged:
            fee_invoice = plan['invoice'].with_context(
                tracking_disable=True, late_fee_note=False,
                late_fee_line_cache=self.env.context.get(
                    'late_fee_line_cache'),
            )._charge_late_fee(as_of)
            log = fired.get(plan['invoice'].id) or logs.filtered(
                lambda rec, inv=plan['invoice']: rec.invoice_id == inv)[-1:]
            if fee_invoice and log:
                log.write({'fee_invoice_id': fee_invoice.id,
                           'fee_amount': fee_invoice.amount_total})
