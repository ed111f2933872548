# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Faults injected in a real database, on committed data, each followed by
a rerun proving exactly once: every stage logged once, every fee charged
once, every delivered quantity invoiced once.

The runs go through the documented entry points only
(``account.invoice._cron_process_late_payments``, ``stock.picking``'s
Validate button through Odoo's RPC dispatcher), each in a thread of its
own with its own cursor: outside the test thread the run behaves as in
production (one transaction per batch, committed). The data is created and
committed in its own cursor in ``setUp`` and deleted at the end. A fault is
injected by wrapping an addon method (``_charge_late_fee``,
``_lock_for_invoicing``): the database and the ORM are real.
"""
import socketserver
import threading
import time
from contextlib import contextmanager
from unittest.mock import patch

import psycopg2

from odoo import SUPERUSER_ID, api, fields
from odoo.modules.registry import Registry
from odoo.service import model as service_model
from odoo.tests.common import TransactionCase
from odoo.tools import mute_logger

from .fixtures import (
    create_invoice, reminder_logs_and_mails, use_stub_pdf)

TAG = 'CIF-FAULT'
# the invoices are due on 2023-03-31: the fee stage (+11) is due on
AS_OF = '2023-04-11'
# no thread may hang the suite
JOIN_TIMEOUT = 60


@contextmanager
def threads_allowed():
    """Let other threads create environments while the test waits for
    them. Every new environment takes the registries' lock, which Odoo's
    own runner holds all along the tests (they run while it loads the
    registry): a thread would wait for the end of the tests. As the
    registry's test mode does, the registries get a lock of their own for
    the time being; the registry loaded stays the one they return."""
    saved = Registry._lock  # pylint: disable=protected-access
    Registry._lock = threading.RLock()  # pylint: disable=protected-access
    try:
        # the faults' expected errors: the queries refused or cut off, the
        # email refused
        with mute_logger('odoo.sql_db', 'odoo.addons.mail.models.mail_mail'):
            yield
    finally:
        Registry._lock = saved  # pylint: disable=protected-access


class _CommittedDataCase(TransactionCase):
    """Data committed in its own cursor, deleted at the end; runs in
    threads with their own cursors."""

    def setUp(self):
        super(_CommittedDataCase, self).setUp()
        use_stub_pdf(self)
        self.created = {}
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {
                'tracking_disable': True})
            # the reminder runs recorded from now on are this test's
            self.last_run_id = self._last_run_id(env)
            self._create_data(env)
            # the runs' own transactions must see the data: commit it
            cr.commit()  # pylint: disable=invalid-commit
        self.addCleanup(self._delete_data)

    @staticmethod
    def _last_run_id(env):
        if 'payment.reminder.run' not in env.registry:
            return 0
        return env['payment.reminder.run'].search(
            [], order='id desc', limit=1).id or 0

    def _delete_runs(self, env):
        """The reminder runs this test's runs recorded."""
        if 'payment.reminder.run' in env.registry:
            env['payment.reminder.run'].search(
                [('id', '>', self.last_run_id)]).unlink()

    def _keep(self, kind, records):
        self.created.setdefault(kind, []).extend(records.ids)
        return records

    def _create_data(self, env):
        raise NotImplementedError()

    def _delete_data(self):
        raise NotImplementedError()

    def _start(self, name, function):
        """Call ``function(env)`` in a thread named ``name``, in a cursor of
        its own committed at the end (unless it raises); returns the thread
        and a dict receiving 'result' or 'error'."""
        outcome = {}

        def run():
            try:
                with api.Environment.manage(), \
                        self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {
                        'tracking_disable': True})
                    outcome['result'] = function(env)
            except BaseException as error:  # pylint: disable=broad-except
                outcome['error'] = error
        thread = threading.Thread(target=run, name=name)
        thread.daemon = True
        thread.start()
        return thread, outcome

    def _join(self, *threads):
        for thread in threads:
            thread.join(JOIN_TIMEOUT)
            self.assertFalse(thread.is_alive(), "%s hangs" % thread.name)

    def _call(self, function, name='cif-fault-run'):
        with threads_allowed():
            thread, outcome = self._start(name, function)
            self._join(thread)
        return outcome

    def _terminate_backend(self, cr):
        """Terminate the backend of ``cr`` from a second connection, and
        wait until it is gone."""
        cr.execute("SELECT pg_backend_pid()")
        pid = cr.fetchone()[0]
        with self.registry.cursor() as killer:
            killer.execute("SELECT pg_terminate_backend(%s)", (pid,))
            for _attempt in range(100):
                killer.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,))
                if not killer.fetchone():
                    break
                time.sleep(0.05)


class _ReminderFaultCase(_CommittedDataCase):
    """Customers with invoices due on 2023-03-31 under a policy of their
    own: a 'Due' email at +1, a 'Late' email with a fee of 40.00 at +11."""

    CUSTOMERS = 3
    INVOICES_PER_CUSTOMER = 2

    def _create_data(self, env):
        company = env.user.company_id
        Account = env['account.account']
        self.receivable = self._keep('account', Account.create({
            'code': 'CIFF1100', 'name': '%s receivable' % TAG,
            'user_type_id': env.ref(
                'account.data_account_type_receivable').id,
            'reconcile': True, 'company_id': company.id}))
        self.income = self._keep('account', Account.create({
            'code': 'CIFF7000', 'name': '%s income' % TAG,
            'user_type_id': env.ref('account.data_account_type_revenue').id,
            'company_id': company.id}))
        # its own gap-free sequence (a sales journal's numbering is
        # no_gap): the fee invoices of every worker are numbered by it
        self.journal = self._keep('journal', env['account.journal'].create({
            'name': '%s journal' % TAG, 'code': 'CIFFJ', 'type': 'sale',
            'company_id': company.id, 'update_posted': True}))
        self.fee_product = self._keep('product', env[
            'product.product'].create({
                'name': '%s late fee' % TAG, 'type': 'service',
                'property_account_income_id': self.income.id,
                'taxes_id': [(5, 0, 0)]}))
        self.policy = self._keep('policy', env['late.payment.policy'].create(
            self._policy_values(env, company)))
        self.stages = {stage.name: stage for stage in self.policy.stage_ids}
        self.invoice_ids = []
        self.customer_ids = []
        for number in range(self.CUSTOMERS):
            customer = self._keep('partner', env['res.partner'].create(
                self._customer_values(number)))
            self.customer_ids.append(customer.id)
            for _index in range(self.INVOICES_PER_CUSTOMER):
                self.invoice_ids.append(self._keep('invoice', create_invoice(
                    env, customer, 1000.0, self.receivable, self.income,
                    self.journal)).id)

    def _policy_values(self, env, company):
        template = 'customer_invoicing_flow.mail_template_reminder_%s'
        return {
            'name': '%s policy' % TAG, 'company_id': company.id,
            'grace_days': 10, 'fee_fixed': 40.0,
            'fee_product_id': self.fee_product.id,
            'stage_ids': [
                (0, 0, {'name': 'Due', 'day_offset': 1, 'send_email': True,
                        'mail_template_id': env.ref(template % 'due').id}),
                (0, 0, {'name': 'Late', 'day_offset': 11, 'send_email': True,
                        'charge_fee': True,
                        'mail_template_id': env.ref(template % 'late').id}),
            ]}

    def _customer_values(self, number):
        return {
            'name': '%s customer %d' % (TAG, number),
            'email': 'fault%d@faults.example.com' % number,
            'is_company': True, 'customer': True,
            'late_payment_policy_id': self.policy.id,
            'property_account_receivable_id': self.receivable.id}

    def _delete_data(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            Invoice = env['account.invoice']
            invoices = Invoice.browse(self.created.get('invoice', []))
            fees = Invoice.search([('late_fee_origin_id', 'in', invoices.ids)])
            everything = invoices | fees
            logs = env['payment.reminder.log'].search(
                [('invoice_id', 'in', invoices.ids)])
            (env['mail.mail'].search([
                ('model', '=', 'account.invoice'),
                ('res_id', 'in', everything.ids)]) | logs.mapped(
                    'mail_id')).unlink()
            env['mail.activity'].search([
                ('res_model', '=', 'account.invoice'),
                ('res_id', 'in', everything.ids)]).unlink()
            logs.unlink()
            self._delete_runs(env)
            env['late.fee.charge'].search(
                [('invoice_id', 'in', invoices.ids)]).unlink()
            env['ir.attachment'].search([
                ('res_model', '=', 'account.invoice'),
                ('res_id', 'in', everything.ids)]).unlink()
            for group in (fees, invoices):
                group.action_invoice_cancel()
                group.write({'move_name': False})
                group.unlink()
            env['res.partner'].browse(self.created.get('partner', [])).unlink()
            env['late.payment.policy'].browse(
                self.created.get('policy', [])).unlink()
            env['mail.template'].browse(
                self.created.get('template', [])).unlink()
            env['ir.mail_server'].browse(
                self.created.get('mail_server', [])).unlink()
            env['product.product'].browse(
                self.created.get('product', [])).unlink()
            journals = env['account.journal'].browse(
                self.created.get('journal', []))
            sequences = journals.mapped('sequence_id') | journals.mapped(
                'refund_sequence_id')
            journals.unlink()
            sequences.unlink()
            env['account.account'].browse(
                self.created.get('account', [])).unlink()
            cr.commit()  # pylint: disable=invalid-commit

    # the run and its outcome -------------------------------------------
    @staticmethod
    def _invoice_class(env):
        return type(env['account.invoice'])

    def _run(self, as_of=AS_OF, batch_size=2, name='cif-fault-run'):
        """The daily run in a thread of its own, as the scheduler runs it:
        {'result': ids of the logs written} or {'error': exception}."""
        return self._call(
            lambda env: env['account.invoice']._cron_process_late_payments(
                as_of=as_of, batch_size=batch_size).ids, name=name)

    def _state(self):
        """Per invoice: its logs (stage, state), its fee invoices (and their
        states), its fee charges, its logs naming a fee; and the number of
        reminder emails."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            result = {}
            for invoice in env['account.invoice'].browse(self.invoice_ids):
                logs = env['payment.reminder.log'].search(
                    [('invoice_id', '=', invoice.id)])
                result[invoice.id] = {
                    'logs': sorted((log.stage_id.name, log.state)
                                   for log in logs),
                    'fees': sorted(invoice.late_fee_invoice_ids.mapped(
                        'state')),
                    'charges': len(invoice.late_fee_charge_ids),
                    'logged_fees': len(logs.filtered('fee_invoice_id')),
                }
            mails = env['mail.mail'].search([
                ('model', '=', 'account.invoice'),
                ('res_id', 'in', self.invoice_ids)])
            return result, len(mails)

    def _fee_numbers(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            return env['account.invoice'].search([
                ('late_fee_origin_id', 'in', self.invoice_ids)]).mapped(
                    'number')

    DONE = {'logs': [('Due', 'skipped'), ('Late', 'done')], 'fees': ['open'],
            'charges': 1, 'logged_fees': 1}
    UNTOUCHED = {'logs': [], 'fees': [], 'charges': 0, 'logged_fees': 0}

    def assertExactlyOnce(self):
        """Every invoice's stages logged once, its fee charged once (one
        open fee invoice, one charge, named by its log), one email per
        customer; the fee invoices numbered once each."""
        state, mails = self._state()
        self.assertEqual(state, {invoice_id: self.DONE
                                 for invoice_id in self.invoice_ids})
        self.assertEqual(mails, len(self.customer_ids))
        numbers = self._fee_numbers()
        self.assertEqual(len(set(numbers)), len(self.invoice_ids))

    def assertNothingLeft(self):
        """A further run of the same day finds nothing to do."""
        before = self._state()
        outcome = self._run()
        self.assertNotIn('error', outcome)
        self.assertEqual(outcome['result'], [])
        self.assertEqual(self._state(), before)


class TestRunInterrupted(_ReminderFaultCase):
    """The run dies in its second batch (batch size 2: one customer's two
    invoices per batch); the first batch is committed, the rest is redone
    once by the rerun."""

    def _interrupt(self, fault, when):
        """Run with ``fault(invoice, fee_invoice)`` injected on the third
        fee (the first of the second batch), ``when`` 'before' or 'after'
        the fee invoice is created; returns the run's outcome."""
        Invoice = self._invoice_class(self.env)
        original = Invoice._charge_late_fee
        calls = []

        def charge(invoice, as_of):
            calls.append(invoice.id)
            if len(calls) == 3 and when == 'before':
                fault(invoice, None)
            fee_invoice = original(invoice, as_of)
            if len(calls) == 3 and when == 'after':
                fault(invoice, fee_invoice)
            return fee_invoice
        with patch.object(Invoice, '_charge_late_fee', charge):
            outcome = self._run()
        self.assertEqual(len(calls), 3)
        return outcome

    def _assert_first_batch_only(self):
        state, mails = self._state()
        self.assertEqual(
            [state[invoice_id] for invoice_id in self.invoice_ids],
            [self.DONE] * 2 + [self.UNTOUCHED] * 4)
        self.assertEqual(mails, 1)

    def _rerun_exactly_once(self):
        outcome = self._run()
        self.assertNotIn('error', outcome)
        self.assertEqual(len(outcome['result']), 8)
        self.assertExactlyOnce()
        self.assertNothingLeft()

    def test_backend_terminated_between_batches(self):
        """The backend is terminated (pg_terminate_backend, from another
        connection) as the second batch starts charging: the run dies,
        the first batch is kept, the rerun does the rest once."""
        outcome = self._interrupt(
            lambda invoice, _fee: self._terminate_backend(invoice.env.cr),
            'before')
        self.assertIsInstance(outcome.get('error'), psycopg2.Error)
        self._assert_first_batch_only()
        self._rerun_exactly_once()

    def test_backend_terminated_after_a_fee_invoice(self):
        """The backend is terminated right after a fee invoice was created
        and posted, before its log names it: the whole batch is lost with
        the connection, the rerun charges that fee once."""
        outcome = self._interrupt(
            lambda invoice, _fee: self._terminate_backend(invoice.env.cr),
            'after')
        self.assertIsInstance(outcome.get('error'), psycopg2.Error)
        self._assert_first_batch_only()
        self._rerun_exactly_once()

    def test_killed_between_fee_invoice_and_log(self):
        """The process is killed (KeyboardInterrupt, which no ``except
        Exception`` catches) between the fee invoice and its log: the
        batch's transaction is undone, the rerun charges the fee once."""
        def kill(_invoice, _fee_invoice):
            raise KeyboardInterrupt()
        outcome = self._interrupt(kill, 'after')
        self.assertIsInstance(outcome.get('error'), KeyboardInterrupt)
        self._assert_first_batch_only()
        self._rerun_exactly_once()

    def test_stopped_between_fee_invoice_and_log(self):
        """Same with SystemExit (the server stopping the worker)."""
        def stop(_invoice, _fee_invoice):
            raise SystemExit(1)
        outcome = self._interrupt(stop, 'after')
        self.assertIsInstance(outcome.get('error'), SystemExit)
        self._assert_first_batch_only()
        self._rerun_exactly_once()


class TestTwoWorkers(_ReminderFaultCase):
    """Two workers run the job at once on committed data, both posting fee
    invoices numbered by one gap-free sequence, which Odoo locks
    ``FOR UPDATE NOWAIT``."""

    CUSTOMERS = 4

    def test_both_workers_finish_and_nothing_is_left(self):
        """Worker 1 posts a fee invoice and holds the sequence (its batch
        is not committed) until worker 2 waits for it: worker 2 takes the
        sequence waiting before it posts (``_lock_fee_sequences``), never
        refused by Odoo's NOWAIT (before, it was refused and replayed its
        whole batch; before that, it died on its second refusal). Both
        must finish, every invoice processed once, nothing left for the
        next day."""
        Invoice = self._invoice_class(self.env)
        original = Invoice._charge_late_fee
        posted = threading.Event()
        released = threading.Event()
        refusals = []
        waited = []

        def charge(invoice, as_of):
            worker = threading.current_thread().name
            try:
                fee_invoice = original(invoice, as_of)
            except psycopg2.OperationalError as error:
                if worker == 'cif-worker-2':
                    refusals.append(error.pgcode)
                    released.set()
                raise
            if worker == 'cif-worker-1' and not posted.is_set():
                posted.set()
                # hold the sequence until worker 2 waits for it
                waited.append(self._hold_until(invoice.env.cr, released))
            return fee_invoice

        def work(env):
            return env['account.invoice']._cron_process_late_payments(
                as_of=AS_OF, batch_size=2).ids
        with patch.object(Invoice, '_charge_late_fee', charge), \
                threads_allowed():
            worker_1, outcome_1 = self._start('cif-worker-1', work)
            self.assertTrue(posted.wait(JOIN_TIMEOUT))
            worker_2, outcome_2 = self._start('cif-worker-2', work)
            self._join(worker_1, worker_2)
        # the contention happened: worker 2 waited for worker 1's sequence
        self.assertEqual(waited, [True])
        self.assertEqual(refusals, [])
        self.assertNotIn('error', outcome_1)
        self.assertNotIn('error', outcome_2)
        self.assertFalse(set(outcome_1['result']) & set(outcome_2['result']))
        self.assertEqual(
            len(outcome_1['result']) + len(outcome_2['result']), 16)
        self.assertExactlyOnce()
        self.assertNothingLeft()

    def _hold_until(self, cr, released, timeout=10):
        """Wait until ``released`` is set, or another backend waits for a
        lock ``cr`` holds: True in that case."""
        cr.execute("SELECT pg_backend_pid()")
        pid = cr.fetchone()[0]
        deadline = time.time() + timeout
        with self.registry.cursor() as watcher:
            while not released.wait(0.1) and time.time() < deadline:
                watcher.execute(
                    "SELECT 1 FROM pg_stat_activity "
                    "WHERE %s = ANY(pg_blocking_pids(pid))", (pid,))
                if watcher.fetchone():
                    return True
                watcher.rollback()
        return False


class TestMailRenderingFails(_ReminderFaultCase):
    """A reminder template whose body raises when rendered, for one
    customer: the failure is logged on the invoice with an activity, the
    run goes on with the others, and the next run retries once the
    template is fixed."""

    CUSTOMERS = 2
    INVOICES_PER_CUSTOMER = 1
    BROKEN = 'CIFF-BROKEN'
    AS_OF = '2023-04-01'

    def _policy_values(self, env, company):
        template = self._keep('template', env.ref(
            'customer_invoicing_flow.mail_template_reminder_due').copy({
                'name': '%s broken template' % TAG,
                'body_html': "% if object.partner_id.ref == '" + self.BROKEN
                             + "':\n<p>${1 / 0}</p>\n% endif\n"
                             "<p>Please pay.</p>"}))
        self.template = template
        return {
            'name': '%s policy' % TAG, 'company_id': company.id,
            'stage_ids': [(0, 0, {
                'name': 'Due', 'day_offset': 1, 'send_email': True,
                'mail_template_id': template.id})]}

    def _customer_values(self, number):
        values = super(TestMailRenderingFails, self)._customer_values(number)
        if not number:
            values['ref'] = self.BROKEN
        return values

    def _statuses(self):
        """(log states, activities, emails) of the broken customer's
        invoice and of the other's."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            result = []
            for invoice_id in self.invoice_ids:
                logs = env['payment.reminder.log'].search(
                    [('invoice_id', '=', invoice_id)])
                activities = env['mail.activity'].search([
                    ('res_model', '=', 'account.invoice'),
                    ('res_id', '=', invoice_id)])
                mails = env['mail.mail'].search([
                    ('model', '=', 'account.invoice'),
                    ('res_id', '=', invoice_id)])
                result.append((logs.mapped('state'), len(activities),
                               len(mails)))
            return result

    def test_rendering_error_logged_and_retried(self):
        outcome = self._run(as_of=self.AS_OF)
        self.assertNotIn('error', outcome)
        self.assertEqual(self._statuses(), [
            (['error'], 1, 0),    # logged, an activity, no email
            (['done'], 0, 1),     # the run went on
        ])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            invoice = env['account.invoice'].browse(self.invoice_ids[0])
            log = env['payment.reminder.log'].search(
                [('invoice_id', '=', invoice.id)])
            self.assertIn('ZeroDivisionError', log.error)
            self.assertIn('will be retried by the next run',
                          invoice.message_ids[0].body)
            activity = env['mail.activity'].search([
                ('res_model', '=', 'account.invoice'),
                ('res_id', '=', invoice.id)])
            self.assertEqual(len(activity), 1)
            self.assertTrue(activity.user_id)
        # still broken: the next run fails again, without a second activity
        outcome = self._run(as_of=self.AS_OF)
        self.assertNotIn('error', outcome)
        self.assertEqual(self._statuses(), [
            (['error'], 1, 0), (['done'], 0, 1)])
        # fixed: the next run sends it, once
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env['mail.template'].browse(self.template.id).body_html = \
                '<p>Please pay.</p>'
        outcome = self._run(as_of=self.AS_OF)
        self.assertNotIn('error', outcome)
        self.assertEqual(len(outcome['result']), 1)
        state = self._statuses()
        self.assertEqual([(logs, mails) for logs, _activities, mails
                          in state], [(['done'], 1), (['done'], 1)])
        outcome = self._run(as_of=self.AS_OF)
        self.assertEqual(outcome, {'result': []})
        self.assertEqual(self._statuses(), state)


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP: refuses the sender with a 5xx while the server's
    ``refuse`` is set, else accepts and counts the messages."""

    def handle(self):
        self.request.settimeout(10)
        self._reply('220 cif-faults ESMTP')
        in_data = False
        for line in self.rfile:
            if in_data:
                if line.rstrip(b'\r\n') == b'.':
                    in_data = False
                    self.server.received += 1
                    self._reply('250 2.0.0 queued')
                continue
            verb = line[:4].upper()
            if verb in (b'EHLO', b'HELO'):
                self._reply('250 cif-faults')
            elif verb == b'MAIL' and self.server.refuse:
                self._reply('550 5.7.1 sender refused by policy')
            elif verb == b'DATA':
                in_data = True
                self._reply('354 end with .')
            elif verb == b'QUIT':
                self._reply('221 bye')
                return
            else:
                self._reply('250 ok')

    def _reply(self, text):
        self.wfile.write(text.encode('ascii') + b'\r\n')


class TestMailServerRefuses(_ReminderFaultCase):
    """The mail server refuses the reminder (5xx): the email stays queued
    and Odoo's mail queue retries it; the log says so; the next daily run
    sends no second reminder."""

    CUSTOMERS = 1
    INVOICES_PER_CUSTOMER = 1
    AS_OF = '2023-04-01'

    def setUp(self):
        self.smtp = socketserver.ThreadingTCPServer(
            ('127.0.0.1', 0), _SmtpHandler)
        self.smtp.daemon_threads = True
        self.smtp.refuse = True
        self.smtp.received = 0
        thread = threading.Thread(target=self.smtp.serve_forever,
                                  kwargs={'poll_interval': 0.1})
        thread.daemon = True
        thread.start()
        self.addCleanup(self.smtp.server_close)
        self.addCleanup(self.smtp.shutdown)
        super(TestMailServerRefuses, self).setUp()

    def _policy_values(self, env, company):
        server = self._keep('mail_server', env['ir.mail_server'].create({
            'name': '%s refusing server' % TAG, 'sequence': 1000,
            'smtp_host': '127.0.0.1',
            'smtp_port': self.smtp.server_address[1],
            'smtp_encryption': 'none'}))
        template = self._keep('template', env.ref(
            'customer_invoicing_flow.mail_template_reminder_due').copy({
                'name': '%s template' % TAG, 'mail_server_id': server.id}))
        return {
            'name': '%s policy' % TAG, 'company_id': company.id,
            'stage_ids': [(0, 0, {
                'name': 'Due', 'day_offset': 1, 'send_email': True,
                'mail_template_id': template.id})]}

    def _process_queue(self, mail_ids):
        """Odoo's mail queue, as its scheduled action runs it (outside
        tests), limited to this test's emails."""
        outcome = self._call(
            lambda env: env['mail.mail'].process_email_queue(ids=mail_ids),
            name='cif-mail-queue')
        self.assertNotIn('error', outcome)

    def _mail_and_log(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            logs, mails = reminder_logs_and_mails(env, self.invoice_ids)
            self.assertEqual(len(logs), 1)
            self.assertEqual(len(mails), 1)
            self.assertEqual(logs.mail_id, mails)
            return {
                'mail': mails.id, 'state': mails.state,
                'scheduled': mails.scheduled_date,
                'failure': mails.failure_reason or '',
                'log_state': logs.state,
                'log_mail_state': logs.mail_state,
                'log_failure': logs.mail_failure_reason or ''}

    def test_refused_email_stays_queued_and_is_retried(self):
        outcome = self._run(as_of=self.AS_OF)
        self.assertNotIn('error', outcome)
        first = self._mail_and_log()
        self.assertEqual((first['state'], first['log_mail_state']),
                         ('outgoing', 'outgoing'))
        # the server refuses: the email stays in the queue, for later
        self._process_queue([first['mail']])
        refused = self._mail_and_log()
        self.assertEqual(self.smtp.received, 0)
        self.assertEqual(refused['state'], 'outgoing')
        self.assertIn('550', refused['failure'])
        self.assertGreater(refused['scheduled'], fields.Datetime.now())
        # the log says so
        self.assertEqual(refused['log_state'], 'done')
        self.assertEqual(refused['log_mail_state'], 'outgoing')
        self.assertIn('550', refused['log_failure'])
        # the next day's run sends no second reminder
        outcome = self._run(as_of='2023-04-02')
        self.assertEqual(outcome, {'result': []})
        self.assertEqual(self._mail_and_log()['mail'], first['mail'])
        # the server accepts again; the retry is due: the queue sends it
        self.smtp.refuse = False
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env['mail.mail'].browse(first['mail']).scheduled_date = \
                '2023-04-01 00:00:00'
        self._process_queue([first['mail']])
        sent = self._mail_and_log()
        self.assertEqual(self.smtp.received, 1)
        self.assertEqual((sent['state'], sent['log_mail_state']),
                         ('sent', 'sent'))
        self.assertEqual(sent['log_failure'], '')


class TestBackordersValidatedTogether(_CommittedDataCase):
    """Two backorders of one sales order validated at the same time, each
    in its own transaction, through Odoo's RPC dispatcher (which replays a
    transaction failing on a concurrent update, as for the web client):
    every delivered quantity invoiced once."""

    def _create_data(self, env):
        customer = self._keep('partner', env['res.partner'].create({
            'name': '%s delivery customer' % TAG, 'customer': True,
            'is_company': True, 'email': 'delivery@faults.example.com',
            'auto_invoice_on_delivery': 'draft'}))
        product = self._keep('product', env['product.product'].create({
            'name': '%s goods' % TAG, 'type': 'product',
            'invoice_policy': 'delivery', 'list_price': 10.0,
            'taxes_id': [(5, 0, 0)]}))
        warehouse = env['stock.warehouse'].search(
            [('company_id', '=', env.user.company_id.id)], limit=1)
        env['stock.quant']._update_available_quantity(
            product, warehouse.lot_stock_id, 10.0)
        order = self._keep('order', env['sale.order'].create({
            'partner_id': customer.id, 'warehouse_id': warehouse.id,
            'order_line': [(0, 0, {
                'name': product.name, 'product_id': product.id,
                'product_uom_qty': 10.0, 'product_uom': product.uom_id.id,
                'price_unit': 10.0, 'tax_id': [(5, 0, 0)]})]}))
        order.action_confirm()
        # two open deliveries of the order: 4 and 6 units
        picking = order.picking_ids
        picking.do_unreserve()
        move = env['stock.move'].browse(picking.move_lines._split(6.0))
        backorder = picking.copy({'name': '/', 'move_lines': [],
                                  'move_line_ids': [],
                                  'backorder_id': picking.id})
        move.write({'picking_id': backorder.id})
        pickings = picking | backorder
        pickings.action_assign()
        for move_line in pickings.mapped('move_line_ids'):
            move_line.qty_done = move_line.product_uom_qty
        self.assertEqual(sorted(pickings.mapped('move_line_ids.qty_done')),
                         [4.0, 6.0])
        self.order_id = order.id
        self.picking_ids = pickings.ids
        self.product_id = product.id

    def _delete_data(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            order = env['sale.order'].browse(self.order_id)
            pickings = env['stock.picking'].search(
                [('group_id', '=', order.procurement_group_id.id)])
            invoices = order.invoice_ids
            env['mail.activity'].search([
                ('res_model', 'in', ('account.invoice', 'sale.order')),
                ('res_id', 'in', invoices.ids + order.ids)]).unlink()
            invoices.filtered(lambda inv: inv.state != 'draft') \
                .action_invoice_cancel()
            invoices.write({'move_name': False})
            invoices.unlink()
            moves = pickings.mapped('move_lines')
            # done moves cannot be deleted, nor set back to draft by the
            # ORM: this test's own moves, in SQL
            if moves:
                cr.execute("UPDATE stock_move_line SET state = 'draft' "
                           "WHERE move_id IN %s", (tuple(moves.ids),))
                moves.invalidate_cache()
                moves.mapped('move_line_ids').unlink()
                # deleting the lines recomputed the moves' state
                cr.execute("UPDATE stock_move SET state = 'draft' "
                           "WHERE id IN %s", (tuple(moves.ids),))
                moves.invalidate_cache()
            moves.unlink()
            pickings.unlink()
            product = env['product.product'].browse(self.product_id)
            env['stock.quant'].search(
                [('product_id', '=', product.id)]).sudo().unlink()
            order.action_cancel()
            group = order.procurement_group_id
            order.unlink()
            group.unlink()
            template = product.product_tmpl_id
            product.unlink()
            template.exists().unlink()
            env['res.partner'].browse(self.created['partner']).unlink()
            cr.commit()  # pylint: disable=invalid-commit

    def test_every_delivered_quantity_invoiced_once(self):
        Order = type(self.env['sale.order'])
        original = Order._lock_for_invoicing
        first_locked = threading.Event()
        second_started = threading.Event()
        lockers = []

        def lock(orders):
            original(orders)
            lockers.append(threading.current_thread().name)
            if not first_locked.is_set():
                first_locked.set()
                # the other validation runs into this one's locks
                second_started.wait(10)
                time.sleep(0.5)

        def validate(picking_id, started=None):
            def call(env):
                if started:
                    started.set()
                # Odoo's dispatcher: a transaction of its own, replayed
                # on a serialization failure
                return service_model.execute(
                    env.cr.dbname, SUPERUSER_ID, 'stock.picking',
                    'button_validate', [picking_id])
            return call
        first, second = self.picking_ids
        with patch.object(Order, '_lock_for_invoicing', lock), \
                threads_allowed():
            thread_1, outcome_1 = self._start('cif-validate-1',
                                              validate(first))
            self.assertTrue(first_locked.wait(JOIN_TIMEOUT))
            thread_2, outcome_2 = self._start(
                'cif-validate-2', validate(second, second_started))
            self._join(thread_1, thread_2)
        self.assertNotIn('error', outcome_1)
        self.assertNotIn('error', outcome_2)
        # the second waited for the first and was replayed
        self.assertEqual(lockers[0], 'cif-validate-1')
        self.assertIn('cif-validate-2', lockers)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            order = env['sale.order'].browse(self.order_id)
            pickings = env['stock.picking'].browse(self.picking_ids)
            self.assertEqual(pickings.mapped('state'), ['done', 'done'])
            line = order.order_line
            self.assertEqual(line.qty_delivered, 10.0)
            self.assertEqual(line.qty_invoiced, 10.0)
            invoices = order.invoice_ids
            self.assertEqual(len(invoices), 2)
            self.assertEqual(sorted(invoices.mapped(
                'invoice_line_ids.quantity')), [4.0, 6.0])
            # each delivery in one invoice, with its own quantity
            for picking in pickings:
                self.assertEqual(len(picking.invoice_ids), 1)
                self.assertEqual(
                    picking.invoice_ids.invoice_line_ids.quantity,
                    picking.move_lines.quantity_done)
