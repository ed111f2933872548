# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Scale-out through OCA ``queue_job``, when it is installed (the addon does
not depend on it): the daily run enqueues one job per batch instead of
processing the batches itself, and queue_job's job runner hands the jobs to
the Odoo worker processes (``--load=web,queue_job``, ``--workers=N``) of the
same database. Without queue_job the run processes its batches alone, as
in payment_reminder_run.py.

Exactly once, whatever the number of workers: a job claims its invoices
with ``FOR UPDATE SKIP LOCKED`` and writes the log under its unique key
(invoice, stage) before any side effect, like the run's own batches; a job
run twice, or two jobs over the same invoices, find them locked or logged.
Each job writes its own run record (the runs' rule: a worker writes its own
record only, so two workers never lock the same row), named by its worker
and the run that queued it.

The job method is marked with queue_job's ``job`` decorator when the
registry loads with queue_job installed (:meth:`_register_hook`), imported
there only. The jobs go to the channel ``root.late_payment``; give it a
capacity in the job runner's configuration (e.g.
``ODOO_QUEUE_JOB_CHANNELS=root:4,root.late_payment:4``), or they run in
the root channel. Switched off with the system parameter
``customer_invoicing_flow.reminder_run_queue`` = 0: the cron then processes
the batches itself. The run that queued the jobs counts them in its
``batch_count`` (Batches Done: queued); each job's own run counts what it
processed."""
import logging
import threading

from odoo import _, api, fields, models

_logger = logging.getLogger(__name__)

# the system parameter that keeps the run in the cron with queue_job
# installed ('0'): the jobs are the default as soon as queue_job is there
QUEUE_PARAM = 'customer_invoicing_flow.reminder_run_queue'
QUEUE_CHANNEL = 'root.late_payment'
# the context key of a job running its batch (never re-enqueued)
IN_JOB = 'late_payment_run_in_job'


def queue_job_installed(env):
    """Whether OCA queue_job is installed and loaded in this registry."""
    return 'queue.job' in env.registry \
        and hasattr(env['payment.reminder.run'], 'with_delay')


class PaymentReminderRun(models.Model):
    _inherit = 'payment.reminder.run'  # pylint: disable=R8180

    @api.model_cr
    def _register_hook(self):
        """With queue_job installed: mark the batch job as a job function
        (queue_job registers the marked methods in its own hook, run by
        the super call below)."""
        if queue_job_installed(self.env):
            # imported here: the addon runs without queue_job
            from odoo.addons.queue_job.job import job
            method = type(self)._job_run_reminder_batch
            if not getattr(method, 'delayable', False):
                job(default_channel=QUEUE_CHANNEL)(method)
        return super(PaymentReminderRun, self)._register_hook()

    @api.multi
    def _queue_batches(self):
        """Whether this run enqueues its batches as jobs: queue_job
        installed, the run not itself a job, not switched off."""
        if self.env.context.get(IN_JOB) or not queue_job_installed(self.env):
            return False
        return self.env['ir.config_parameter'].sudo().get_param(
            QUEUE_PARAM, '1') != '0'

    @api.multi
    def _run_batch(self, batch, own_transactions, candidate_count):
        """With queue_job: the batch becomes a job (see the module's
        docstring); nothing is processed here, no log returned."""
        if not self._queue_batches():
            return super(PaymentReminderRun, self)._run_batch(
                batch, own_transactions, candidate_count)
        self.ensure_one()
        self.with_delay(
            channel=QUEUE_CHANNEL,
            description=_("Late-payment run of %(day)s: %(count)d invoices "
                          "(run #%(run)d)") % {
                              'day': self.as_of, 'count': len(batch),
                              'run': self.id},
        )._job_run_reminder_batch(list(batch), self.as_of, self.batch_size)
        self.write({'batch_count': self.batch_count + 1,
                    'candidate_count': candidate_count})
        return self.env['payment.reminder.log'].browse()

    @api.multi
    def _job_run_reminder_batch(self, invoice_ids, as_of, batch_size):
        """The job of one batch queued by the run ``self``: a run record of
        its own, the batch claimed and processed (replayed on a collision,
        see _run_batch) and its counters, then done. Returns a summary
        (queue_job keeps it as the job's result)."""
        queued_by = self
        own_transactions = not getattr(
            threading.currentThread(), 'testing', False)
        Run = self.with_context(**{IN_JOB: True}).browse()
        run = Run.sudo()._start(
            as_of, trigger=queued_by.trigger or 'cron',
            batch_size=batch_size, company=queued_by.company_id,
            user=queued_by.user_id or self.env.user)
        run.worker = _("%(worker)s (job of run #%(run)d)") % {
            'worker': run.worker, 'run': queued_by.id}
        if own_transactions:
            # visible (running) even if the worker dies
            self.env.cr.commit()  # pylint: disable=invalid-commit
        try:
            logs = run._run_batch(invoice_ids, own_transactions,
                                  len(invoice_ids))
        except BaseException as error:
            run._fail(error, own_transactions)
            raise
        run.write({'state': 'done', 'finished': fields.Datetime.now()})
        _logger.info("Late-payment job of run #%d (%s): %d invoices "
                     "given, %d processed", queued_by.id, as_of,
                     len(invoice_ids), run.invoice_count)
        return _("run #%(run)d: %(count)d invoices processed, %(logs)d "
                 "stage logs") % {'run': run.id, 'count': run.invoice_count,
                                  'logs': len(logs)}
