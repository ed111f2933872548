# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The daily reminder run: which stage fires when, exactly once, what goes
out (mail.mail queue), catch-up, one email per customer, holds, opt-out,
unapplied payments, credit hold, crashes and errors. Dates are fixed
(2023); the run is always called with an explicit as_of."""
from datetime import date, timedelta
from unittest.mock import patch

import psycopg2

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tools import mute_logger

from ..models.account_invoice_report import REPORT_BUNDLES
from .common import ReminderCase


class Crash(BaseException):
    """A worker dying mid-run (not an error the run may catch)."""


class TestReminderCalendar(ReminderCase):

    def test_ninety_days_replayed_day_by_day(self):
        """Three customers, one invoice each, due on 31 March: A pays on 5
        April (after the +1 reminder), B on 5 May (after the final notice),
        C never. Each day is run twice; the second run changes nothing."""
        inv_a = self.invoice_for('CIF Alpha')
        contact = self.env['res.partner'].create({
            'name': 'Alpha Accounts Payable', 'type': 'invoice',
            'email': 'ap@alpha.example.com',
            'parent_id': inv_a.partner_id.id})
        inv_b = self.invoice_for('CIF Bravo')
        inv_c = self.invoice_for('CIF Charlie')
        invoices = inv_a | inv_b | inv_c
        payments = {'2023-04-05': inv_a, '2023-05-05': inv_b}
        sent = {}  # (invoice, day) -> mail
        day = date(2023, 3, 1)
        while day <= date(2023, 5, 29):
            as_of = fields.Date.to_string(day)
            if as_of in payments:
                self.pay(payments[as_of], 1000.0, as_of)
            before = self.mails(invoices)
            self.run_day(as_of)
            for mail in self.mails(invoices) - before:
                sent[(self.Invoice.browse(mail.res_id), as_of)] = mail
            state = self.snapshot(invoices)
            self.run_day(as_of)
            self.assertEqual(self.snapshot(invoices), state,
                             "second run of %s changed something" % as_of)
            day += timedelta(days=1)

        expected = {
            inv_a: ['2023-03-28', '2023-04-01'],
            inv_b: ['2023-03-28', '2023-04-01', '2023-04-11', '2023-04-30'],
            inv_c: ['2023-03-28', '2023-04-01', '2023-04-11', '2023-04-30',
                    '2023-05-15'],
        }
        for invoice, days in expected.items():
            self.assertEqual(
                sorted(as_of for inv, as_of in sent if inv == invoice), days,
                invoice.partner_id.name)
        subjects = {
            '2023-03-28': 'payment due soon', '2023-04-01': 'payment reminder',
            '2023-04-11': 'overdue invoices',
            '2023-04-30': 'final notice before credit hold',
            '2023-05-15': 'your account is on credit hold'}
        for (invoice, as_of), mail in sent.items():
            self.assertIn(subjects[as_of], mail.subject)
            self.assertIn(invoice.number, mail.subject)
            recipient = contact if invoice == inv_a \
                else invoice.commercial_partner_id
            self.assertEqual(mail.recipient_ids, recipient)
            self.assertIn(invoice.number, mail.body_html)
            self.assertIn(self.policy.note, mail.body_html)
            self.assertIn('/my/invoices/%d?access_token=%s' % (
                invoice.id, invoice.access_token), mail.body_html)
            names = mail.attachment_ids.mapped('name')
            self.assertIn(
                'Invoice_%s.pdf' % invoice.number.replace('/', '_'), names)
            fee = invoice.late_fee_invoice_ids
            # from the late notice on, the open fee invoice goes along
            self.assertEqual(len(names), 2 if as_of >= '2023-04-11' else 1)
            if as_of >= '2023-04-11':
                self.assertIn(
                    'Invoice_%s.pdf' % fee.number.replace('/', '_'), names)

        # fees: one fixed fee of 40.00 each for B and C, charged on 11 April
        self.assertFalse(inv_a.late_fee_invoice_ids)
        for invoice in inv_b | inv_c:
            fee = invoice.late_fee_invoice_ids
            self.assertEqual(len(fee), 1)
            self.assertEqual(fee.amount_total, 40.0)
            self.assertEqual(fee.date_invoice, '2023-04-11')
            self.assertEqual(fee.state, 'open')
        # a phone call for B and C on 30 April, for the invoice's salesman
        calls = self.activities(invoices, self.call)
        self.assertEqual(sorted(calls.mapped('res_id')),
                         sorted((inv_b | inv_c).ids))
        self.assertEqual(set(calls.mapped('date_deadline')), {'2023-04-30'})
        # C on credit hold since 15 May, A and B not
        self.assertTrue(inv_c.commercial_partner_id.credit_hold)
        self.assertEqual(inv_c.commercial_partner_id.credit_hold_date,
                         '2023-05-15')
        self.assertFalse((inv_a | inv_b).mapped(
            'commercial_partner_id.credit_hold')[0])
        # the logs: one per invoice and stage reached, all done
        for invoice, count in ((inv_a, 2), (inv_b, 4), (inv_c, 5)):
            logs = self.logs(invoice)
            self.assertEqual(len(logs), count)
            self.assertEqual(set(logs.mapped('state')), {'done'})
            self.assertTrue(all(logs.mapped('email_sent')))
        self.assertEqual(inv_c.reminder_stage_id, self.stages[45])
        self.assertEqual(inv_a.reminder_stage_id, self.stages[1])
        self.assertEqual(inv_b.reminder_log_ids.filtered(
            lambda log: log.fee_invoice_id).fee_amount, 40.0)

    def test_catch_up_fires_only_the_latest_stage(self):
        """First run 31 days after the due date: the final notice and its
        call go out, the heads-up, the first reminder and the late notice
        are logged as skipped, and the fee is charged once."""
        invoice = self.invoice_for('CIF Delta')
        self.run_day('2023-05-01')
        mails = self.mails(invoice)
        self.assertEqual(len(mails), 1)
        self.assertIn('final notice', mails.subject)
        logs = self.logs(invoice)
        self.assertEqual(
            sorted((log.stage_id.day_offset, log.state) for log in logs),
            [(-3, 'skipped'), (1, 'skipped'), (11, 'skipped'),
             (30, 'done')])
        self.assertEqual(len(invoice.late_fee_invoice_ids), 1)
        self.assertEqual(invoice.late_fee_invoice_ids.amount_total, 40.0)
        self.assertEqual(len(self.activities(invoice, self.call)), 1)
        self.assertFalse(invoice.commercial_partner_id.credit_hold)
        # the next stage comes on its day, alone
        self.run_day('2023-05-14')
        self.assertEqual(len(self.mails(invoice)), 1)
        self.run_day('2023-05-15')
        self.assertEqual(len(self.mails(invoice)), 2)
        self.assertTrue(invoice.commercial_partner_id.credit_hold)
        self.assertEqual(len(invoice.late_fee_invoice_ids), 1)

    def test_heads_up_not_sent_once_due(self):
        """An invoice validated late: the heads-up's day passed, nothing is
        due yet after the due date but the heads-up: it is skipped."""
        policy = self.create_policy('CIF heads-up only', stages=())
        policy.stage_ids = [(0, 0, {
            'name': 'Heads-up', 'day_offset': -3, 'send_email': True,
            'mail_template_id': self.env.ref(
                'customer_invoicing_flow.mail_template_reminder_before_due'
            ).id})]
        customer = self.create_customer('CIF Echo')
        invoice = self.create_invoice(100.0, partner=customer, policy=policy)
        self.run_day('2023-04-02')
        self.assertFalse(self.mails(invoice))
        self.assertEqual(self.logs(invoice).state, 'skipped')


class TestReminderRecipients(ReminderCase):

    def test_one_email_per_customer_with_only_its_documents(self):
        customer_x = self.create_customer('CIF Xray')
        customer_y = self.create_customer('CIF Yankee')
        x_invoices = self.Invoice.browse()
        for amount in (100.0, 200.0, 300.0):
            x_invoices |= self.create_invoice(
                amount, partner=customer_x, policy=self.policy)
        y_invoice = self.create_invoice(
            400.0, partner=customer_y, policy=self.policy)
        self.run_day('2023-04-01')
        mails = self.env['mail.mail'].search([
            ('model', '=', 'account.invoice'),
            ('res_id', 'in', (x_invoices | y_invoice).ids)])
        self.assertEqual(len(mails), 2)
        x_mail = mails.filtered(lambda mail: mail.recipient_ids == customer_x)
        y_mail = mails.filtered(lambda mail: mail.recipient_ids == customer_y)
        self.assertEqual(
            sorted(x_mail.attachment_ids.mapped('name')),
            sorted('Invoice_%s.pdf' % inv.number.replace('/', '_')
                   for inv in x_invoices))
        for invoice in x_invoices:
            self.assertIn(invoice.number, x_mail.body_html)
            self.assertNotIn(invoice.number, y_mail.body_html)
        self.assertIn('3 invoices', x_mail.subject)
        self.assertNotIn(y_invoice.number, x_mail.body_html)
        self.assertEqual(y_mail.attachment_ids.mapped('name'),
                         ['Invoice_%s.pdf'
                          % y_invoice.number.replace('/', '_')])
        logs = self.logs(x_invoices).filtered(
            lambda log: log.state == 'done')
        self.assertEqual(len(logs), 3)
        self.assertEqual(logs.mapped('mail_id'), x_mail)
        self.assertEqual(set(logs.mapped('statement_count')), {3})
        # every invoice's chatter says so
        for invoice in x_invoices:
            self.assertTrue(invoice.message_ids.filtered(
                lambda msg: 'email sent to CIF Xray (3 invoice(s)' in (
                    msg.body or '')))

    def test_customer_language(self):
        """The email is rendered in the customer's language."""
        self.env['res.lang'].load_lang('fr_FR')
        customer = self.create_customer('CIF Foxtrot', lang='fr_FR')
        invoice = self.create_invoice(100.0, partner=customer,
                                      policy=self.policy)
        self.stages[1].mail_template_id.with_context(lang='fr_FR').write(
            {'subject': 'Rappel de paiement ${object.number}'})
        self.run_day('2023-04-01')
        self.assertEqual(self.mails(invoice).subject,
                         'Rappel de paiement %s' % invoice.number)


class TestReminderConditions(ReminderCase):

    def test_payment_hold_and_opt_out(self):
        held = self.invoice_for('CIF Golf')
        held.action_payment_hold('Disputed delivery', date='2023-03-20')
        opted = self.invoice_for('CIF Hotel')
        opted.partner_id.no_payment_reminders = True
        self.run_day('2023-04-01')
        self.assertFalse(self.mails(held | opted))
        self.assertFalse(self.logs(held | opted))
        # released: the run catches up with the reminder due meanwhile
        held.action_payment_release(date='2023-04-04',
                                    reason='Dispute settled')
        self.run_day('2023-04-05')
        self.assertEqual(len(self.mails(held)), 1)
        self.assertEqual(
            sorted((log.stage_id.day_offset, log.state)
                   for log in self.logs(held)),
            [(-3, 'skipped'), (1, 'done')])
        self.assertEqual(held.payment_hold_ids.release_reason,
                         'Dispute settled')
        self.assertFalse(self.logs(opted))

    def test_unapplied_payment_suppresses_the_reminder(self):
        """A payment received but not matched covers the invoice: no email,
        an activity asks collections staff to reconcile. A smaller one does
        not stop the reminder."""
        covered = self.invoice_for('CIF India', amount=500.0)
        short = self.invoice_for('CIF Juliett', amount=500.0)
        for invoice, amount in ((covered, 500.0), (short, 100.0)):
            self.pay_unapplied(invoice.partner_id, amount, '2023-03-25')
        self.run_day('2023-04-01')
        self.assertFalse(self.mails(covered))
        log = self.logs(covered).filtered(
            lambda rec: rec.stage_id == self.stages[1])
        self.assertEqual(log.state, 'suppressed')
        todo = self.activities(covered, self.todo)
        self.assertEqual(len(todo), 1)
        self.assertEqual(todo.user_id, self.collections_user)
        self.assertEqual(todo.summary, 'Reconcile unapplied payments')
        self.assertEqual(len(self.mails(short)), 1)
        # nothing repeated the next day
        self.run_day('2023-04-02')
        self.assertEqual(len(self.activities(covered, self.todo)), 1)

    def test_credit_hold_blocks_then_allows_confirmation(self):
        invoice = self.invoice_for('CIF Kilo')
        customer = invoice.commercial_partner_id
        product = self.create_product('CIF Widget', invoice_policy='order')
        order = self.create_sale_order(customer, [(product, 1)],
                                       confirm=False)
        self.run_day('2023-05-15')
        self.assertTrue(customer.credit_hold)
        self.assertTrue(order.credit_hold)
        with self.assertRaisesRegex(UserError, 'CIF Kilo is on credit hold'):
            order.action_confirm()
        self.assertEqual(order.state, 'draft')
        # a contact of the customer orders: refused too
        contact = self.env['res.partner'].create({
            'name': 'Kilo Buyer', 'parent_id': customer.id})
        self.assertTrue(contact.credit_hold)
        other = self.create_sale_order(contact, [(product, 1)],
                                       confirm=False)
        with self.assertRaises(UserError):
            other.action_confirm()
        # paid: the hold lifts itself at the next confirmation
        self.pay(invoice, 1000.0, '2023-05-20')
        order.action_confirm()
        self.assertEqual(order.state, 'sale')
        self.assertFalse(customer.credit_hold)
        # and the run does not put it back
        self.run_day('2023-05-21')
        self.assertFalse(customer.credit_hold)

    def send_now(self, invoice, as_of):
        """Send Reminder Now on ``as_of`` and confirm (the web client's
        path is tested in test_web_client_buttons)."""
        action = invoice.sudo(self.clerk).with_context(
            late_payment_as_of=as_of).action_send_reminder_now()
        wizard = self.env[action['res_model']].sudo(self.clerk).browse(
            action['res_id'])
        return wizard, wizard.action_confirm()

    def test_send_reminder_now(self):
        """The button sends the stage due on the day, as the run would, and
        only once: nothing is due again the same day, and the run does not
        repeat it."""
        invoice = self.invoice_for('CIF Lima')
        with self.assertRaises(AccessError):
            invoice.sudo(self.salesperson).action_send_reminder_now()
        self.send_now(invoice, '2023-03-28')
        self.assertEqual(self.logs(invoice).stage_id, self.stages[-3])
        self.assertEqual(len(self.mails(invoice)), 1)
        action = invoice.sudo(self.clerk).with_context(
            late_payment_as_of='2023-03-28').action_send_reminder_now()
        wizard = self.env[action['res_model']].browse(action['res_id'])
        self.assertFalse(wizard.due_available)
        self.send_now(invoice, '2023-04-01')
        self.assertEqual(self.logs(invoice).mapped('stage_id.day_offset'),
                         [-3, 1])
        # the scheduled run does not repeat them
        self.run_day('2023-04-01')
        self.assertEqual(len(self.mails(invoice)), 2)
        invoice.action_payment_hold('Disputed', date='2023-04-02')
        with self.assertRaisesRegex(UserError, 'on payment hold'):
            invoice.sudo(self.clerk).action_send_reminder_now()


class TestReminderFaults(ReminderCase):

    def test_one_bad_invoice_does_not_stop_the_run(self):
        """A customer without an email: its reminder fails, is logged as
        an error on the invoice and retried by the next run; the others
        go out."""
        bad = self.invoice_for('CIF Mike')
        bad.partner_id.email = False
        good = self.invoice_for('CIF November')
        with mute_logger('odoo.addons.customer_invoicing_flow.models.'
                         'payment_reminder_run_stage'):
            self.run_day('2023-04-01')
        self.assertEqual(len(self.mails(good)), 1)
        self.assertFalse(self.mails(bad))
        error = self.logs(bad).filtered(lambda log: log.state == 'error')
        self.assertEqual(len(error), 1)
        self.assertIn('no recipient', error.error)
        self.assertTrue(bad.message_ids.filtered(
            lambda msg: 'will be retried' in (msg.body or '')))
        bad.partner_id.email = 'mike@example.com'
        self.run_day('2023-04-02')
        self.assertEqual(len(self.mails(bad)), 1)
        log = self.logs(bad).filtered(
            lambda rec: rec.stage_id == self.stages[1])
        self.assertEqual(log.state, 'done')
        self.assertFalse(log.error)

    def test_crash_mid_batch_then_rerun_exactly_once(self):
        """The worker dies while sending the 4th email (second batch of
        two): the first batch stays done (committed), the second is undone,
        and the rerun finishes without a duplicate."""
        invoices = self.Invoice.browse()
        for name in ('Oscar', 'Papa', 'Quebec', 'Romeo', 'Sierra', 'Tango'):
            invoices |= self.invoice_for('CIF %s' % name)
        Run = type(self.env['payment.reminder.run'])
        original = Run._send_email
        calls = []

        def send_then_crash(run_model, group, stage, **kwargs):
            calls.append(group)
            if len(calls) == 4:
                raise Crash()
            return original(run_model, group, stage, **kwargs)

        with patch.object(Run, '_send_email', send_then_crash):
            with self.assertRaises(Crash):
                self.run_day('2023-04-01', batch_size=2)
        self.assertEqual(len(self.mails(invoices)), 2)
        self.assertEqual(len(self.logs(invoices).mapped('invoice_id')), 2)
        self.run_day('2023-04-01', batch_size=2)
        self.assertEqual(len(self.mails(invoices)), 6)
        for invoice in invoices:
            self.assertEqual(len(self.mails(invoice)), 1)
            self.assertEqual(
                sorted(self.logs(invoice).mapped('stage_id.day_offset')),
                [-3, 1])
        state = self.snapshot(invoices)
        self.run_day('2023-04-01', batch_size=2)
        self.assertEqual(self.snapshot(invoices), state)

    def test_report_assets_built_before_printing(self):
        """Outside tests, the first PDF printed while a report bundle is
        missing commits the transaction (Odoo builds the bundle and commits
        it): the run builds them first, inside its transaction."""
        Attachment = self.env['ir.attachment']
        urls = ['/web/content/%%-%%/%s%%' % xmlid for xmlid in REPORT_BUNDLES]
        domain = ['|'] * (len(urls) - 1) + [
            ('url', '=like', url) for url in urls]
        Attachment.search(domain).unlink()
        self.run_day('2023-01-01')
        built = Attachment.search(domain).mapped('url')
        for xmlid in ('web.assets_common', 'web.report_assets_common',
                      'web.report_assets_pdf'):
            self.assertTrue([url for url in built if xmlid in url], xmlid)

    def test_unique_key_on_invoice_and_stage(self):
        invoice = self.invoice_for('CIF Uniform')
        self.run_day('2023-04-01')
        log = self.logs(invoice)[0]
        with mute_logger('odoo.sql_db'), self.assertRaises(
                psycopg2.IntegrityError):
            with self.env.cr.savepoint():
                self.Log.create({'invoice_id': invoice.id,
                                 'stage_id': log.stage_id.id,
                                 'date': '2023-04-02'})


class TestReminderQueries(ReminderCase):

    def run_queries(self, count, due, as_of):
        """The queries of the run of ``as_of`` over ``count`` invoices due
        on ``due``, each of a customer of its own (one email each)."""
        invoices = self.Invoice.browse()
        for number in range(count):
            invoices |= self.invoice_for('CIF Q %s %d' % (due, number),
                                         due=due)
        self.env['account.invoice'].invalidate_cache()
        before = self.env.cr.sql_log_count
        logs = self.run_day(as_of)
        queries = self.env.cr.sql_log_count - before
        self.assertEqual(logs.filtered('email_sent').mapped('invoice_id'),
                         invoices)
        # out of the later runs
        invoices.mapped('partner_id').write({'no_payment_reminders': True})
        return queries

    def test_queries_per_invoice_do_not_grow_with_the_batch(self):
        """Each invoice costs the same SQL whether the run has 3 or 12 to
        process (warmed up first): no query per record hides in a loop
        over the batch. And the exact count, so that any change of the
        run's cost shows here: measure again and say why in the commit.

        The run costs 56 queries whatever its size (its run record, the
        candidates, the batch's savepoint, the report's views, the policy
        and its stages, the open promises to settle and the batch's
        invoices under promise, the statutory interest's; and, once for the
        batch, the recipients of its emails, what each stage did written on
        its logs, the invoices' reminder stage and the day they were first
        emailed) and 51 per invoice of a customer of its own (116 before
        the batch reads and writes of payment_reminder_run_batch.py, 55
        before the fee charges were read in one query joining their fee
        invoices, 54 before Odoo's invoice report and "Call" activity type
        were found by their cached XML ids): its
        reminder logs (one INSERT for its skipped and fired stages), the
        email rendered from the stage's template in the customer's language
        (with the customer's promises to pay, one query) with the invoice's
        PDF (the stub saves it on the invoice, as production does)
        attached, queued in mail.mail, its group's savepoint, the note on
        the invoice (one INSERT)."""
        self.run_queries(1, '2023-03-20', '2023-03-21')
        small = self.run_queries(3, '2023-03-31', '2023-04-01')
        large = self.run_queries(12, '2023-04-05', '2023-04-06')
        self.assertEqual((small, large), (56 + 3 * 51, 56 + 12 * 51))
        self.assertLessEqual(large / 12, small / 3)


class TestCollectionsButtons(ReminderCase):
    """The invoice buttons of collections staff work for them and are
    refused to a salesperson, whatever the view shows."""

    def test_buttons_by_group(self):
        invoice = self.invoice_for('CIF Victor')
        as_clerk = invoice.sudo(self.clerk)
        as_sales = invoice.sudo(self.salesperson)
        Wizard = self.env['late.payment.hold.wizard']
        # charge the late fee due
        with self.assertRaises(AccessError):
            as_sales.action_charge_late_fee(as_of='2023-04-11')
        as_clerk.action_charge_late_fee(as_of='2023-04-11')
        self.assertEqual(invoice.late_fee_invoice_ids.amount_total, 40.0)
        # payment hold and release, through the wizard, with reasons
        context = {'active_model': 'account.invoice',
                   'active_ids': invoice.ids}
        with self.assertRaises(AccessError):
            Wizard.sudo(self.salesperson).with_context(**context).create({
                'reason': 'Disputed', 'date': '2023-04-02',
            }).action_confirm()
        self.assertFalse(invoice.payment_hold)
        Wizard.sudo(self.clerk).with_context(**context).create({
            'reason': 'Disputed', 'date': '2023-04-02'}).action_confirm()
        self.assertTrue(invoice.payment_hold)
        with self.assertRaises(AccessError):
            Wizard.sudo(self.salesperson).with_context(**context).create({
                'release': True, 'reason': 'Settled', 'date': '2023-04-09',
            }).action_confirm()
        self.assertTrue(invoice.payment_hold)
        Wizard.sudo(self.clerk).with_context(**context).create({
            'release': True, 'reason': 'Settled',
            'date': '2023-04-09'}).action_confirm()
        self.assertFalse(invoice.payment_hold)
        hold = invoice.payment_hold_ids
        # released on 04-09: the 8th is the last day on hold
        self.assertEqual((hold.date_start, hold.date_end, hold.release_date,
                          hold.reason, hold.release_reason),
                         ('2023-04-02', '2023-04-08', '2023-04-09',
                          'Disputed', 'Settled'))
        # the list actions
        with self.assertRaises(AccessError):
            as_sales.action_send_reminder_now_multi()
        with self.assertRaises(AccessError):
            as_sales.action_charge_late_fee_multi()
        action = as_clerk.with_context(
            late_payment_as_of='2023-04-01').action_send_reminder_now_multi()
        self.env[action['res_model']].sudo(self.clerk).browse(
            action['res_id']).action_confirm()
        self.assertEqual(len(self.mails(invoice)), 1)
