# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The daily run through OCA queue_job (models/payment_reminder_run_queue.py),
in a database where queue_job is installed: one job per batch, jobs raced
by two workers in two real transactions, each invoice processed once.

Skipped where queue_job is not installed (the addon does not depend on
it); `make test` runs this file in a small database of its own with
queue_job installed (bin/test, "queue_job"). The data is committed (two
transactions must see it) and deleted at the end, as in
test_payment_reminders_concurrency.py, whose data set it reuses.
"""
import unittest

from odoo import SUPERUSER_ID, api
from odoo.tests.common import TransactionCase

from . import test_payment_reminders_concurrency as concurrency
from .common import use_stub_pdf

AS_OF = '2023-04-01'


def queue_job_installed(env):
    return 'queue.job' in env.registry


class TestReminderQueue(TransactionCase):

    def setUp(self):
        super(TestReminderQueue, self).setUp()
        if not queue_job_installed(self.env):
            raise unittest.SkipTest(
                "OCA queue_job is not installed in this database: bin/test "
                "runs this file in a database where it is")
        use_stub_pdf(self)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {
                'tracking_disable': True})
            self.last_run_id = env['payment.reminder.run'].search(
                [], order='id desc', limit=1).id or 0
            self.last_job_id = env['queue.job'].search(
                [], order='id desc', limit=1).id or 0
            self.invoice_ids = concurrency.TestReminderConcurrency \
                ._create_data(env)
            cr.commit()  # pylint: disable=invalid-commit
        self.addCleanup(self._delete_data)

    def _delete_data(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env['queue.job'].search([('id', '>', self.last_job_id)]).unlink()
            cr.commit()  # pylint: disable=invalid-commit
        concurrency.TestReminderConcurrency._delete_data(self)

    @staticmethod
    def _env(cr):
        return api.Environment(cr, SUPERUSER_ID, {'tracking_disable': True})

    def _jobs(self, env):
        return env['queue.job'].search(
            [('id', '>', self.last_job_id)], order='id')

    @staticmethod
    def _perform(env, uuid):
        """What a queue_job worker does with one job, in ``env``'s
        transaction (committed by the caller)."""
        from odoo.addons.queue_job.job import Job
        job = Job.load(env, uuid)
        job.set_started()
        job.perform()
        job.set_done()
        job.store()
        return job.result

    def _reminder_outcome(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            logs = env['payment.reminder.log'].search(
                [('invoice_id', 'in', self.invoice_ids)])
            mails = env['mail.mail'].search([
                ('model', '=', 'account.invoice'),
                ('res_id', 'in', self.invoice_ids)])
            per_invoice = sorted(logs.mapped('invoice_id').ids)
            return per_invoice, len(logs), len(mails)

    def _enqueue(self):
        """The daily run, as the cron calls it, with batches of 2: its
        jobs (uuid, state, channel, method), committed."""
        with self.registry.cursor() as cr:
            env = self._env(cr)
            logs = env['account.invoice']._cron_process_late_payments(
                AS_OF, batch_size=2)
            self.assertFalse(logs, "the cron itself processes nothing")
            jobs = [(job.uuid, job.state, job.channel, job.method_name)
                    for job in self._jobs(env)]
            cr.commit()  # pylint: disable=invalid-commit
            return jobs

    def test_one_job_per_batch(self):
        """6 invoices due in batches of 2: 3 jobs, pending, in the run's
        channel, nothing sent yet; the run that queued them says so."""
        jobs = self._enqueue()
        self.assertEqual([job[1:] for job in jobs], [
            ('pending', 'root.late_payment', '_job_run_reminder_batch')] * 3)
        self.assertEqual(self._reminder_outcome(), ([], 0, 0))
        with self.registry.cursor() as cr:
            run = self._env(cr)['payment.reminder.run'].search(
                [('id', '>', self.last_run_id)])
            self.assertEqual(
                (run.state, run.candidate_count, run.batch_count,
                 run.invoice_count), ('done', 6, 3, 0))

    def test_jobs_raced_process_each_invoice_once(self):
        """Two jobs over the same batch (the first job and a second one
        queued for the same invoices, as a run started twice would): worker
        1 runs the first and has not committed when worker 2 runs the
        second; worker 2 finds the invoices locked and does nothing. Both
        commit; every job run again afterwards finds the invoices logged:
        one log and one email per customer, exactly."""
        jobs = self._enqueue()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            from odoo.addons.queue_job.job import Job
            first = Job.load(env, jobs[0][0])
            twin = first.recordset.with_delay(
                channel='root.late_payment')._job_run_reminder_batch(
                    *first.args)
            cr.commit()  # pylint: disable=invalid-commit
        self.assertEqual(first.args[0], self.invoice_ids[:2])
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            result1 = self._perform(self._env(cr1), jobs[0][0])
            result2 = self._perform(self._env(cr2), twin.uuid)
            self.assertIn('2 invoices processed', result1)
            self.assertIn('0 invoices processed', result2)
            cr2.commit()  # pylint: disable=invalid-commit
            cr1.commit()  # pylint: disable=invalid-commit
        self.assertEqual(self._reminder_outcome(),
                         (self.invoice_ids[:2], 2, 1))
        for _replay in range(2):
            with self.registry.cursor() as cr:
                for job in jobs:
                    self._perform(self._env(cr), job[0])
                cr.commit()  # pylint: disable=invalid-commit
        self.assertEqual(self._reminder_outcome(), (self.invoice_ids, 6, 3))
        with self.registry.cursor() as cr:
            runs = self._env(cr)['payment.reminder.run'].search(
                [('id', '>', self.last_run_id)], order='id')
            # the cron's run, then one per job performed (2 + 3 + 3)
            self.assertEqual(len(runs), 9)
            self.assertEqual(runs[0].batch_count, 3)
            self.assertEqual(sum(runs.mapped('invoice_count')), 6)
            self.assertEqual(set(runs.mapped('state')), {'done'})
            self.assertIn('(job of run #%d)' % runs[0].id, runs[1].worker)

    def test_switched_off_runs_in_the_cron(self):
        """The system parameter set to 0: the cron processes the batches
        itself, no job queued."""
        with self.registry.cursor() as cr:
            env = self._env(cr)
            env['ir.config_parameter'].set_param(
                'customer_invoicing_flow.reminder_run_queue', '0')
            try:
                logs = env['account.invoice']._cron_process_late_payments(
                    AS_OF, batch_size=2)
                self.assertEqual(len(logs), 6)
                self.assertFalse(self._jobs(env))
            finally:
                cr.rollback()
