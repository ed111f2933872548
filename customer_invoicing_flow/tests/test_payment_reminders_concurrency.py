# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two workers running the reminder job at the same time, in two real
transactions: each invoice is processed by one of them only, once.

The invoices must be committed for both transactions to see them: they are
created in their own cursor, with accounts and a journal of their own, and
everything is deleted at the end.
"""
import threading
from unittest.mock import patch

import psycopg2.extensions

from odoo import SUPERUSER_ID, api
from odoo.tests.common import TransactionCase
from odoo.tools import mute_logger

from .common import create_invoice, reminder_logs_and_mails, use_stub_pdf

TAG = 'CIF-CONCURRENT'


class TestReminderConcurrency(TransactionCase):

    def setUp(self):
        super(TestReminderConcurrency, self).setUp()
        use_stub_pdf(self)
        self.addCleanup(self._delete_data)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {
                'tracking_disable': True})
            # the runs the workers commit are deleted at the end
            self.last_run_id = env['payment.reminder.run'].search(
                [], order='id desc', limit=1).id or 0
            self.invoice_ids = self._create_data(env)
            # two real transactions must see these invoices: commit them
            cr.commit()  # pylint: disable=invalid-commit

    @staticmethod
    def _create_data(env):
        company = env.user.company_id
        Account = env['account.account']
        receivable = Account.create({
            'code': 'CIFC1100', 'name': '%s receivable' % TAG,
            'user_type_id': env.ref(
                'account.data_account_type_receivable').id,
            'reconcile': True, 'company_id': company.id})
        income = Account.create({
            'code': 'CIFC7000', 'name': '%s income' % TAG,
            'user_type_id': env.ref('account.data_account_type_revenue').id,
            'company_id': company.id})
        journal = env['account.journal'].create({
            'name': '%s journal' % TAG, 'code': 'CIFCC', 'type': 'sale',
            'company_id': company.id, 'update_posted': True})
        policy = env['late.payment.policy'].create({
            'name': '%s policy' % TAG, 'company_id': company.id,
            'stage_ids': [(0, 0, {
                'name': 'Due', 'day_offset': 1, 'send_email': True,
                'mail_template_id': env.ref(
                    'customer_invoicing_flow.mail_template_reminder_due').id,
            })]})
        invoice_ids = []
        for number in range(3):
            customer = env['res.partner'].create({
                'name': '%s customer %d' % (TAG, number),
                'email': 'customer%d@concurrent.example.com' % number,
                'is_company': True, 'customer': True,
                'late_payment_policy_id': policy.id,
                'property_account_receivable_id': receivable.id})
            for _index in range(2):
                invoice_ids.append(create_invoice(
                    env, customer, 100.0, receivable, income, journal).id)
        return invoice_ids

    def _delete_data(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            invoices = env['account.invoice'].browse(self.invoice_ids)
            env['mail.mail'].search([
                ('model', '=', 'account.invoice'),
                ('res_id', 'in', invoices.ids)]).unlink()
            env['mail.activity'].search([
                ('res_model', '=', 'account.invoice'),
                ('res_id', 'in', invoices.ids)]).unlink()
            env['payment.reminder.log'].search([
                ('invoice_id', 'in', invoices.ids)]).unlink()
            env['payment.reminder.run'].search([
                ('id', '>', self.last_run_id)]).unlink()
            # the invoices' PDFs, saved by the stub as in production
            env['ir.attachment'].search([
                ('res_model', '=', 'account.invoice'),
                ('res_id', 'in', invoices.ids)]).unlink()
            partners = invoices.mapped('partner_id')
            policy = partners.mapped('late_payment_policy_id')
            journal = invoices.mapped('journal_id')
            accounts = invoices.mapped('account_id') | invoices.mapped(
                'invoice_line_ids.account_id')
            invoices.action_invoice_cancel()
            invoices.write({'move_name': False})
            invoices.unlink()
            partners.unlink()
            policy.unlink()
            journal.unlink()
            accounts.unlink()
            cr.commit()  # pylint: disable=invalid-commit

    @staticmethod
    def _invoice_model(cr):
        return api.Environment(cr, SUPERUSER_ID, {
            'tracking_disable': True})['account.invoice']

    def _runs(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            return [(run.state, run.invoice_count, run.email_count,
                     run.replay_count) for run in env[
                         'payment.reminder.run'].search(
                             [('id', '>', self.last_run_id)], order='id')]

    def _reminder_outcome(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            logs, mails = reminder_logs_and_mails(env, self.invoice_ids)
            return (sorted(logs.mapped('invoice_id').ids),
                    len(logs), len(mails))

    def test_two_workers_split_the_invoices(self):
        """Worker 1 claims the first customer's invoices and is still
        working when worker 2 runs: worker 2 skips the locked rows and does
        the rest. Both commit; a third run finds nothing left."""
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            Run1 = self._invoice_model(cr1).env['payment.reminder.run']
            logs1 = Run1._process_batch(self.invoice_ids[:2], '2023-04-01')
            self.assertEqual(len(logs1), 2)
            logs2 = self._invoice_model(cr2)._cron_process_late_payments(
                '2023-04-01')
            self.assertEqual(sorted(logs2.mapped('invoice_id').ids),
                             self.invoice_ids[2:])
            cr1.commit()  # pylint: disable=invalid-commit
            cr2.commit()  # pylint: disable=invalid-commit
        self.assertEqual(self._reminder_outcome(), (self.invoice_ids, 6, 3))
        with self.registry.cursor() as cr3:
            logs3 = self._invoice_model(cr3)._cron_process_late_payments(
                '2023-04-01')
            self.assertFalse(logs3)
        self.assertEqual(self._reminder_outcome(), (self.invoice_ids, 6, 3))
        # each run its own record: worker 2's, then the third's (worker 1
        # processed a batch without a run)
        self.assertEqual(self._runs(), [('done', 4, 2, 0), ('done', 0, 0, 0)])

    def test_late_worker_replays_in_a_fresh_snapshot(self):
        """Worker 2 found its candidates, then worker 1 processed them all
        and committed before worker 2 claimed them: worker 2's view of the
        logs is stale, so claiming the rows worker 1 wrote fails with a
        serialization error; outside tests the job replays the batch in a
        new transaction, which sees worker 1's logs and sends nothing
        more."""
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            Run = type(self._invoice_model(cr2).env['payment.reminder.run'])
            find_candidates = Run._candidate_invoice_ids

            def worker_1_overtakes(run_model, as_of):
                invoice_ids = find_candidates(run_model, as_of)
                logs1 = self._invoice_model(cr1).env[
                    'payment.reminder.run']._process_batch(invoice_ids, as_of)
                self.assertEqual(len(logs1), 6)
                cr1.commit()  # pylint: disable=invalid-commit
                return invoice_ids

            thread = threading.currentThread()
            # run worker 2 as in production: commit per batch, replay on a
            # concurrency error
            original = Run._process_reminder_batch
            attempts = []

            def attempt(run, invoice_ids, as_of):
                try:
                    return original(run, invoice_ids, as_of)
                except Exception as error:
                    attempts.append(error.__class__.__name__)
                    raise
                finally:
                    attempts.append('attempt')

            with patch.object(thread, 'testing', False), \
                    patch.object(Run, '_candidate_invoice_ids',
                                 worker_1_overtakes), \
                    patch.object(Run, '_process_reminder_batch', attempt):
                logs2 = self._invoice_model(
                    cr2)._cron_process_late_payments('2023-04-01')
            self.assertEqual(attempts, ['SerializationFailure',
                                        'attempt', 'attempt'])
            self.assertFalse(logs2.exists())
        self.assertEqual(self._reminder_outcome(), (self.invoice_ids, 6, 3))
        # worker 2's run, committed: its batch replayed, nothing left to do
        self.assertEqual(self._runs(), [('done', 0, 0, 1)])

    def test_fee_numbering_waits_in_read_committed(self):
        """Worker 1 numbered a fee invoice in the gap-free sequence and
        committed after worker 2's transaction began: in Odoo's repeatable
        read, worker 2 can only fail (and replay its whole batch); in the
        read-committed transaction a batch runs in, it takes the sequence
        and numbers on."""
        with self.registry.cursor() as cr:
            sequence = self._invoice_model(cr).browse(
                self.invoice_ids[0]).journal_id.sequence_id
            self.assertEqual(sequence.implementation, 'no_gap')
            sequence_id = sequence.id
            self.addCleanup(self._reset_sequence, sequence_id, {
                date_range.id: date_range.number_next
                for date_range in sequence.date_range_ids})
        as_of = '2023-04-01'
        with self.registry.cursor() as cr:
            # the sequence's range of that year, committed as it would be
            self._invoice_model(cr).env['ir.sequence'].browse(
                sequence_id).with_context(ir_sequence_date=as_of) \
                .next_by_id()
            cr.commit()  # pylint: disable=invalid-commit
        with self.registry.cursor() as cr1, \
                self.registry.cursor() as cr2, \
                self.registry.cursor() as cr3:
            run2 = self._invoice_model(cr2).env['payment.reminder.run']
            run2._read_committed()
            cr2.execute("SHOW transaction_isolation")
            self.assertEqual(cr2.fetchone()[0], 'read committed')
            # worker 3 as Odoo's transactions are: repeatable read
            cr3.execute("SELECT 1")
            run3 = self._invoice_model(cr3).env['payment.reminder.run']
            first = self._invoice_model(cr1).env['ir.sequence'].browse(
                sequence_id).with_context(ir_sequence_date=as_of) \
                .next_by_id()
            cr1.commit()  # pylint: disable=invalid-commit
            invoices3 = run3.env['account.invoice'].browse(self.invoice_ids)
            with self.assertRaises(
                    psycopg2.extensions.TransactionRollbackError), \
                    mute_logger('odoo.sql_db'):
                run3._lock_fee_sequences(invoices3, as_of)
            cr3.rollback()
            invoices2 = run2.env['account.invoice'].browse(self.invoice_ids)
            run2._lock_fee_sequences(invoices2, as_of)
            second = run2.env['ir.sequence'].browse(sequence_id) \
                .with_context(ir_sequence_date=as_of).next_by_id()
            cr2.rollback()
        # the next number after worker 1's
        self.assertEqual((second[:-4], int(second[-4:])),
                         (first[:-4], int(first[-4:]) + 1))

    def _reset_sequence(self, sequence_id, ranges_before):
        """The journal's sequence as it was: its ranges' next numbers, the
        ranges the test made removed."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            for date_range in env['ir.sequence'].browse(
                    sequence_id).date_range_ids:
                if date_range.id in ranges_before:
                    date_range.number_next = ranges_before[date_range.id]
                else:
                    date_range.unlink()
            cr.commit()  # pylint: disable=invalid-commit

    def test_fee_sequence_lock_covers_a_range_still_to_make(self):
        """The lock a batch takes before numbering fee invoices: the range
        of that day, else (a day no range covers yet, e.g. the first fee
        of a new year) the sequence itself, so that a second worker waits
        instead of making a range of its own and numbering the same
        numbers twice."""
        with self.registry.cursor() as cr:
            sequence = self._invoice_model(cr).browse(
                self.invoice_ids[0]).journal_id.sequence_id
            sequence_id = sequence.id
            self.addCleanup(self._reset_sequence, sequence_id, {
                date_range.id: date_range.number_next
                for date_range in sequence.date_range_ids})
            sequence.with_context(ir_sequence_date='2023-04-01') \
                .next_by_id()
            range_id = sequence.date_range_ids.filtered(
                lambda date_range: date_range.date_from <= '2023-04-01'
                <= date_range.date_to).id
            cr.commit()  # pylint: disable=invalid-commit

        def locked(cr, table, row_id):
            try:
                with cr.savepoint(), mute_logger('odoo.sql_db'):
                    cr.execute("SELECT id FROM %s WHERE id = %%s "
                               "FOR UPDATE NOWAIT" % table, (row_id,))
            except psycopg2.OperationalError:
                return True
            return False

        for day, sequence_locked, range_locked in (
                ('2023-04-01', False, True), ('2031-05-01', True, False)):
            with self.registry.cursor() as cr1, \
                    self.registry.cursor() as cr2:
                run1 = self._invoice_model(cr1).env['payment.reminder.run']
                run1._lock_fee_sequences(run1.env['account.invoice'].browse(
                    self.invoice_ids), day)
                self.assertEqual(
                    (locked(cr2, 'ir_sequence', sequence_id),
                     locked(cr2, 'ir_sequence_date_range', range_id)),
                    (sequence_locked, range_locked), day)
                cr1.rollback()
                cr2.rollback()
