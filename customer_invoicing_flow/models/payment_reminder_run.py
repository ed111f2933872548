# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The daily late-payment run, one record per run: when, on which day,
what it did. Entry point: ``account.invoice._cron_process_late_payments``
(and the scheduled action), which delegates to :meth:`_cron_run`.

The exactly-once machinery: the candidates in one query, each batch's
invoices claimed with ``FOR UPDATE SKIP LOCKED``, the log written before
the side effects under the unique key (invoice, stage), one savepoint per
batch, each batch committed on its own outside tests, a batch replayed
after a concurrency error (see _run_batch). What a stage does (plan, emails,
activities, fees, credit hold) is in ``payment_reminder_run_stage.py``.
"""
import logging
import os
import random
import socket
import threading
import time
import traceback

import psycopg2
import psycopg2.errorcodes
import psycopg2.extensions

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date, formatLang

from .. import dates
from .payment_reminder_log import LOG_UNIQUE_KEY

_logger = logging.getLogger(__name__)

# A batch colliding with another worker is replayed in a fresh transaction,
# up to this many attempts in all. A worker posting fee invoices holds
# Odoo's gap-free invoice sequence until its batch commits: a batch in its
# own (read-committed) transaction waits for it and goes on
# (_lock_fee_sequences); one that cannot (Odoo's NOWAIT, or a snapshot
# older than that commit) waits for that commit (at most SEQUENCE_WAIT)
# before replaying; other replays after the second wait a growing, random
# pause (seconds, times the attempt).
BATCH_ATTEMPTS = 8
SEQUENCE_WAIT = '120s'
REPLAY_PAUSE = (0.1, 0.3)

RUN_STATES = [
    ('running', 'Running'),
    ('done', 'Done'),
    ('failed', 'Failed'),
]
RUN_TRIGGERS = [
    ('cron', 'Scheduled run'),
    ('manual', 'Send Reminder Now'),
]
# the counters a batch adds to its run (see _batch_counts)
BATCH_COUNTERS = ('invoice_count', 'log_count', 'email_count',
                  'activity_count', 'fee_count', 'credit_hold_count',
                  'skipped_count', 'suppressed_count', 'error_count')


def is_concurrency_error(error):
    """Errors another worker caused: a serialization failure, a lock, or the
    log's unique key taken by a transaction committed after our snapshot.
    The batch is rolled back and replayed, never logged as the invoice's
    error."""
    if isinstance(error, psycopg2.extensions.TransactionRollbackError) \
            or isinstance(error, psycopg2.OperationalError):
        return True
    return isinstance(error, psycopg2.IntegrityError) \
        and error.pgcode == psycopg2.errorcodes.UNIQUE_VIOLATION \
        and getattr(error.diag, 'constraint_name', None) == LOG_UNIQUE_KEY


class PaymentReminderRun(models.Model):
    """One run of the late-payment reminders. Each worker writes its own
    record only (created, and committed outside tests, when it starts; its
    counters written with each batch, in the batch's transaction), so a run
    that crashed stays visible as running or failed with what it had
    committed, and two workers never lock the same run row."""
    _name = 'payment.reminder.run'
    _description = 'Payment reminder run'
    _order = 'started desc, id desc'
    _rec_name = 'as_of'

    as_of = fields.Date(
        string='As of', required=True, readonly=True, index=True,
        help="The day the run judged the invoices at.")
    started = fields.Datetime(required=True, readonly=True)
    finished = fields.Datetime(readonly=True)
    state = fields.Selection(
        RUN_STATES, required=True, default='running', readonly=True,
        help="A run left 'running' after its worker stopped was killed: "
             "the next run redoes what it had not committed.")
    trigger = fields.Selection(
        RUN_TRIGGERS, required=True, default='cron', readonly=True)
    user_id = fields.Many2one(
        'res.users', string='Started by', readonly=True)
    company_id = fields.Many2one(
        'res.company', readonly=True, index=True,
        help="Empty: the run covers every company.")
    worker = fields.Char(
        readonly=True, help="Host and process that ran it.")
    batch_size = fields.Integer(readonly=True)
    candidate_count = fields.Integer(
        string='Invoices Due', readonly=True,
        help="Invoices with a stage due found when the run started.")
    batch_count = fields.Integer(
        string='Batches Done', readonly=True)
    replay_count = fields.Integer(
        string='Batches Replayed', readonly=True,
        help="Batches redone after a concurrent update by another worker.")
    invoice_count = fields.Integer(
        string='Invoices Processed', readonly=True)
    log_count = fields.Integer(string='Stage Logs', readonly=True)
    email_count = fields.Integer(string='Emails', readonly=True)
    activity_count = fields.Integer(string='Activities', readonly=True)
    fee_count = fields.Integer(string='Late Fees', readonly=True)
    fee_totals = fields.Char(
        string='Late Fees Charged', compute='_compute_fee_totals',
        help="Total of the fee invoices charged, per currency.")
    credit_hold_count = fields.Integer(
        string='Credit Holds Set', readonly=True)
    credit_release_count = fields.Integer(
        string='Credit Holds Released', readonly=True)
    skipped_count = fields.Integer(
        string='Stages Skipped', readonly=True)
    suppressed_count = fields.Integer(
        string='Reminders Suppressed', readonly=True,
        help="Not sent: unapplied payments or credit notes cover them.")
    error_count = fields.Integer(string='Errors', readonly=True)
    failure = fields.Text(
        readonly=True, help="Why the run stopped, when it failed.")
    log_ids = fields.One2many(
        'payment.reminder.log', 'run_id', string='Logs', readonly=True)
    error_log_ids = fields.One2many(
        'payment.reminder.log', 'run_id', string='Errors Logged',
        domain=[('state', '=', 'error')], readonly=True,
        help="The invoices that failed, retried by the next run (a log "
             "moves to the run that retries it).")

    @api.multi
    def _compute_fee_totals(self):
        """One read of the runs' fee logs."""
        totals = {}
        logs = self.env['payment.reminder.log'].search([
            ('run_id', 'in', self.ids), ('fee_invoice_id', '!=', False)])
        for log in logs:
            by_currency = totals.setdefault(log.run_id.id, {})
            currency = log.fee_invoice_id.currency_id
            by_currency[currency] = by_currency.get(currency, 0.0) \
                + log.fee_amount
        for run in self:
            run.fee_totals = ', '.join(
                formatLang(self.env, amount, currency_obj=currency)
                for currency, amount in sorted(
                    totals.get(run.id, {}).items(),
                    key=lambda item: item[0].name))

    @api.multi
    def name_get(self):
        return [(run.id, _("Run of %(day)s (#%(id)d)") % {
            'day': format_date(self.env, run.as_of), 'id': run.id})
            for run in self]

    # ------------------------------------------------------------------
    # The run
    # ------------------------------------------------------------------

    @api.model
    def _run_day(self, as_of):
        """``as_of`` (date, datetime or ISO string) as an ISO day; default
        today in the company's timezone. A bad value: a clear error."""
        if not as_of:
            company = self.env.user.company_id
            return fields.Date.context_today(self.with_context(
                tz=company.partner_id.tz or self.env.user.tz or 'UTC'))
        try:
            return dates.iso_day(as_of)
        except ValueError:
            raise UserError(_("Not a date: %r") % (as_of,))

    @api.model
    def _cron_run(self, as_of=None, batch_size=100, commit=True):
        """One reminder run over every company on ``as_of``: fire the
        stages due; returns the logs written. Without ``as_of``, the
        override in payment_reminder_run_company.py makes one run per
        company, each on its own local day.

        Invoices go in batches; outside tests (and unless ``commit`` is
        False: a caller running it inside its own transaction) each batch
        is committed on its own, so a crash loses at most the batch under
        way, which the next run redoes. A batch that collides with another
        worker is replayed in a fresh transaction (see _run_batch)."""
        as_of = self._run_day(as_of)
        own_transactions = commit and not getattr(
            threading.currentThread(), 'testing', False)
        run = self.sudo()._start(as_of, batch_size=batch_size,
                                 user=self.env.user)
        if own_transactions:
            # the run is visible (running) even if the worker dies
            self.env.cr.commit()  # pylint: disable=invalid-commit
        try:
            logs = run._execute(batch_size, own_transactions)
        except BaseException as error:
            run._fail(error, own_transactions)
            raise
        run.write({'state': 'done', 'finished': fields.Datetime.now()})
        if own_transactions:
            self.env.cr.commit()  # pylint: disable=invalid-commit
        _logger.info("Late-payment run of %s: %d invoices due, %d stage "
                     "logs written", as_of, run.candidate_count, len(logs))
        return logs

    @api.model
    def _start(self, as_of, trigger='cron', batch_size=0, company=None,
               user=None):
        """A new run record, 'running' (``company``: the one company the
        run covers, if so; ``user``: who started it)."""
        return self.create({
            'as_of': as_of, 'started': fields.Datetime.now(),
            'trigger': trigger, 'user_id': (user or self.env.user).id,
            'company_id': company.id if company else False,
            'batch_size': batch_size,
            'worker': '%s:%d' % (socket.gethostname(), os.getpid()),
        })

    @api.multi
    def _execute(self, batch_size, own_transactions):
        """Release the paid credit holds, then the candidates batch by
        batch, each batch's counters written with it."""
        self.ensure_one()
        as_of = self.as_of
        self.env['account.invoice']._ensure_report_assets()
        released = self.env['res.partner'].sudo()._credit_hold_release_paid()
        self.write({'credit_release_count': len(released)})
        if own_transactions:
            # before any PDF: wkhtmltopdf reads the bundles over HTTP
            self.env.cr.commit()  # pylint: disable=invalid-commit
        # the first batch runs in the candidates' snapshot (a worker that
        # committed meanwhile makes it replay, see _run_batch)
        invoice_ids = self._candidate_invoice_ids(as_of)
        processed = self.env['payment.reminder.log'].browse()
        for start in range(0, len(invoice_ids), batch_size):
            processed |= self._run_batch(
                invoice_ids[start:start + batch_size], own_transactions,
                len(invoice_ids))
            if own_transactions:
                # one transaction per batch: a crash keeps the batches done
                self.env.cr.commit()  # pylint: disable=invalid-commit
        self.candidate_count = len(invoice_ids)
        return processed

    @api.multi
    def _run_batch(self, batch, own_transactions, candidate_count):
        """One batch, replayed in a fresh transaction when another worker
        committed part of it after our snapshot or holds a lock it needs
        (outside tests), up to ``BATCH_ATTEMPTS`` times; its counters
        written with it."""
        if own_transactions:
            self._read_committed()
        for attempt in range(1, BATCH_ATTEMPTS + 1):
            try:
                logs, held = self._process_reminder_batch(batch, self.as_of)
                break
            except Exception as error:  # pylint: disable=broad-except
                if not own_transactions or attempt == BATCH_ATTEMPTS \
                        or not is_concurrency_error(error):
                    raise
                _logger.info("Late-payment run of %s: batch replayed "
                             "after a concurrent update (%s)", self.as_of,
                             error.__class__.__name__)
                self.env.cr.rollback()
                self.env.clear()
                if getattr(error, 'pgcode', None) \
                        == psycopg2.errorcodes.LOCK_NOT_AVAILABLE:
                    self._wait_for_sequences(batch)
                elif attempt > 1:
                    time.sleep(random.uniform(*REPLAY_PAUSE) * attempt)
                # the replay's transaction begins here
                self._read_committed()
                self.write({'replay_count': self.replay_count + 1})
        self._count_batch(logs, held, candidate_count=candidate_count)
        return logs

    @api.multi
    def _process_reminder_batch(self, invoice_ids, as_of):
        """One batch, all or nothing, like the transaction it is outside
        tests: whatever interrupts it (even a KeyboardInterrupt or
        SystemExit, which Odoo's savepoint lets through) undoes it.
        Returns (logs written, customers put on credit hold)."""
        cr = self.env.cr
        cr.execute('SAVEPOINT cif_reminder_batch')
        try:
            result = self._process_claimed_batch(invoice_ids, as_of)
        except BaseException:
            cr.execute('ROLLBACK TO SAVEPOINT cif_reminder_batch')
            self.env['account.invoice'].invalidate_cache()
            raise
        cr.execute('RELEASE SAVEPOINT cif_reminder_batch')
        return result

    @api.multi
    def _count_batch(self, logs, held, candidate_count=None):
        """Add a batch's facts to the run, from the logs it wrote (read
        once for the batch) and the customers it put on credit hold."""
        counts = self._batch_counts(logs)
        counts['credit_hold_count'] = len(held)
        values = {name: self[name] + counts[name] for name in BATCH_COUNTERS}
        values['batch_count'] = self.batch_count + 1
        if candidate_count is not None:
            values['candidate_count'] = candidate_count
        self.write(values)

    @api.model
    def _batch_counts(self, logs):
        """{counter: value} of the logs of one batch."""
        states = logs.mapped('state')
        return {
            'invoice_count': len(logs.mapped('invoice_id')),
            'log_count': len(logs),
            'email_count': len(logs.filtered('email_sent').mapped('mail_id')),
            'activity_count': len(logs.mapped('activity_id')),
            'fee_count': len(logs.mapped('fee_invoice_id')),
            'skipped_count': states.count('skipped'),
            'suppressed_count': states.count('suppressed'),
            'error_count': states.count('error'),
        }

    @api.multi
    def _fail(self, error, own_transactions):
        """Mark the run failed with the reason, kept even though the batch
        under way is undone."""
        text = traceback.format_exc(limit=5)
        # the cron runner logs the error itself
        _logger.warning("Late-payment run of %s failed: %s", self.as_of,
                        text)
        if own_transactions:
            self.env.cr.rollback()
            self.env.clear()
        elif isinstance(error, psycopg2.Error):
            # the caller's transaction may be aborted: it rolls back anyway
            return
        self.write({'state': 'failed', 'finished': fields.Datetime.now(),
                    'failure': text})
        if own_transactions:
            self.env.cr.commit()  # pylint: disable=invalid-commit

    # ------------------------------------------------------------------
    # Candidates and claim
    # ------------------------------------------------------------------

    @api.model
    def _candidate_invoice_ids(self, as_of):
        """Open customer invoices with a stage due on ``as_of`` that has not
        fired yet (or failed last time), in one query. Invoices on payment
        hold and customers opted out are left out."""
        self.env.cr.execute("""
            SELECT DISTINCT inv.id
              FROM account_invoice inv
              JOIN res_partner partner
                ON partner.id = inv.commercial_partner_id
              JOIN late_payment_policy_stage stage
                ON stage.policy_id = inv.late_payment_policy_id
              LEFT JOIN payment_reminder_log log
                ON log.invoice_id = inv.id AND log.stage_id = stage.id
             WHERE inv.type = 'out_invoice'
               AND inv.state = 'open'
               AND inv.late_payment_terms IS NOT NULL
               AND inv.payment_hold IS NOT TRUE
               AND partner.no_payment_reminders IS NOT TRUE
               AND COALESCE(inv.date_due, inv.date_invoice)
                   + stage.day_offset <= %s
               AND (log.id IS NULL OR log.state IN ('error', 'deferred'))
             ORDER BY inv.id
        """, (as_of,))
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _claim(self, invoice_ids):
        """Lock the invoices still open; rows another worker holds are
        skipped (it is processing them)."""
        if not invoice_ids:
            return []
        self.env.cr.execute("""
            SELECT id FROM account_invoice
             WHERE id IN %s AND state = 'open'
             ORDER BY id
               FOR UPDATE SKIP LOCKED
        """, (tuple(invoice_ids),))
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _logged_stages(self, invoice_ids):
        """One read of the invoices' logs: ({invoice id: stage ids done,
        skipped or suppressed}, {(invoice id, stage id): failed (or
        deferred, see payment_reminder_run_promise.py) log to retry,
        rewritten in place so the key stays unique})."""
        logged, retry = {}, {}
        for log in self.env['payment.reminder.log'].search(
                [('invoice_id', 'in', list(invoice_ids))]):
            if log.state in ('error', 'deferred'):
                retry[(log.invoice_id.id, log.stage_id.id)] = log
            else:
                logged.setdefault(log.invoice_id.id, set()).add(
                    log.stage_id.id)
        return logged, retry
