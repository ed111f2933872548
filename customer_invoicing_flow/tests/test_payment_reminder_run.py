# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The reminder run's own record (payment.reminder.run): its counters on a
real run, a failing invoice, a crash, the scheduled action calling it, the
entry point on invoices delegating to it, its views and menu; and the one
rule of who gets an activity. Dates are fixed (2023)."""
from datetime import date
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError
from odoo.tools import mute_logger
from odoo.tools.misc import formatLang

from .common import ReminderCase
from .fixtures import create_user

STAGE_LOGGER = 'odoo.addons.customer_invoicing_flow.models.' \
    'payment_reminder_run_stage'
RUN_LOGGER = 'odoo.addons.customer_invoicing_flow.models.payment_reminder_run'


class Crash(BaseException):
    """A worker dying mid-run."""


class TestReminderRunRecord(ReminderCase):

    @classmethod
    def setUpClass(cls):
        super(TestReminderRunRecord, cls).setUpClass()
        ref = cls.env.ref
        # one stage doing everything: email, fee, activity, credit hold
        cls.full_policy = cls.env['late.payment.policy'].create({
            'name': 'CIF everything at once',
            'company_id': cls.company.id,
            'grace_days': 10,
            'fee_fixed': 40.0,
            'fee_product_id': cls.fee_product.id,
            'stage_ids': [(0, 0, {
                'name': 'All in', 'day_offset': 15, 'send_email': True,
                'mail_template_id': ref(
                    'customer_invoicing_flow.mail_template_reminder_late').id,
                'charge_fee': True, 'create_activity': True,
                'activity_type_id': ref('mail.mail_activity_data_call').id,
                'credit_hold': True,
            })]})
        cls.Run = cls.env['payment.reminder.run']

    def full_invoice(self, customer):
        return self.create_invoice(1000.0, date_invoice='2023-03-01',
                                   date_due='2023-03-31', partner=customer,
                                   policy=self.full_policy)

    def test_counters_of_a_real_run(self):
        """Two customers' invoices reach a stage with an email, a fee, an
        activity and a credit hold, in two batches: one run record adds up
        2 invoices, 2 emails, 2 activities, 2 fees of 40, 2 credit holds
        set, no error, done. Paid, the next run releases the holds."""
        customers = self.create_customer('CIF Run Alpha') \
            | self.create_customer('CIF Run Alpha Two')
        invoices = self.full_invoice(customers[0]) \
            | self.full_invoice(customers[1])
        logs = self.run_day('2023-04-15', batch_size=1)
        run = logs.mapped('run_id')
        self.assertEqual(len(run), 1)
        self.assertEqual(run.log_ids, logs)
        self.assertEqual(self.Run.search([], limit=1), run,
                         "newest run first")
        self.assertEqual(
            (run.state, run.trigger, run.as_of, run.batch_size,
             run.candidate_count, run.batch_count, run.invoice_count,
             run.log_count, run.email_count, run.activity_count,
             run.fee_count, run.credit_hold_count, run.error_count,
             run.replay_count),
            ('done', 'cron', '2023-04-15', 1, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0))
        self.assertTrue(run.finished)
        self.assertEqual(run.fee_totals, formatLang(
            self.env, 80.0, currency_obj=self.currency))
        self.assertEqual(len(self.mails(invoices)), 2)
        self.assertEqual(customers.mapped('credit_hold'), [True, True])
        # a second run the same day: a record of its own, nothing done
        again = self.run_day('2023-04-15')
        self.assertFalse(again)
        second = self.Run.search([], limit=1)
        self.assertNotEqual(second, run)
        self.assertEqual((second.state, second.candidate_count,
                          second.invoice_count, second.credit_hold_count),
                         ('done', 0, 0, 0))
        for invoice in invoices:
            self.pay(invoice, 1000.0, '2023-04-20')
        self.run_day('2023-04-21')
        third = self.Run.search([], limit=1)
        self.assertEqual(third.credit_release_count, 2)
        customers.invalidate_cache()
        self.assertEqual(customers.mapped('credit_hold'), [False, False])

    def test_failing_invoice_counted_run_done(self):
        """A customer without an email: its invoice fails (errors 1, the
        error log linked), the other goes out, the run is done."""
        bad = self.full_invoice(self.create_customer('CIF Run Bravo'))
        bad.partner_id.email = False
        good = self.full_invoice(self.create_customer('CIF Run Charlie'))
        with mute_logger(STAGE_LOGGER):
            logs = self.run_day('2023-04-15')
        run = logs.mapped('run_id')
        self.assertEqual((run.state, run.invoice_count, run.email_count,
                          run.error_count), ('done', 2, 1, 1))
        self.assertEqual(run.error_log_ids.mapped('invoice_id'), bad)
        self.assertIn('no recipient', run.error_log_ids.error)
        self.assertEqual(len(self.mails(good)), 1)
        # the next run retries it: the log moves to that run, done
        bad.partner_id.email = 'bravo@example.com'
        logs = self.run_day('2023-04-16')
        self.assertEqual(logs.invoice_id, bad)
        self.assertEqual(logs.state, 'done')
        self.assertEqual(logs.run_id.error_count, 0)
        run.invalidate_cache()
        self.assertFalse(run.error_log_ids)
        self.assertEqual(run.error_count, 1)

    def test_crashed_run_stays_visible_as_failed(self):
        """A worker dying mid-batch: the run says failed, with why."""
        self.full_invoice(self.create_customer('CIF Run Delta'))
        Run = type(self.Run)
        with mute_logger(RUN_LOGGER), \
                patch.object(Run, '_send_email', side_effect=Crash()), \
                self.assertRaises(Crash):
            self.run_day('2023-04-15')
        run = self.Run.search([], limit=1)
        self.assertEqual((run.state, run.invoice_count), ('failed', 0))
        self.assertIn('Crash', run.failure)
        self.assertTrue(run.finished)

    def test_entry_point_delegates_and_reads_the_day(self):
        """account.invoice._cron_process_late_payments stays the entry
        point: a date, a datetime string or an ISO day; a bad day is a
        clear error, before any record is written."""
        invoice = self.full_invoice(self.create_customer('CIF Run Echo'))
        logs = self.Invoice._cron_process_late_payments(
            as_of=date(2023, 4, 15), commit=False)
        self.assertEqual(logs.invoice_id, invoice)
        self.assertEqual(logs.run_id.as_of, '2023-04-15')
        logs = self.Invoice._cron_process_late_payments('2023-04-16 08:00:00')
        self.assertEqual(self.Run.search([], limit=1).as_of, '2023-04-16')
        runs = self.Run.search_count([])
        for bad in ('2023-02-30', 'tomorrow', 42):
            with self.assertRaisesRegex(UserError, 'Not a date'):
                self.Invoice._cron_process_late_payments(bad)
        self.assertEqual(self.Run.search_count([]), runs)

    def test_scheduled_action_calls_the_run(self):
        """The daily scheduled action, triggered as from its form, records
        a run of today (company timezone) by the cron's user."""
        # nothing of the database's own invoices may be due today
        self.env['res.partner'].search([
            ('no_payment_reminders', '=', False)]).write(
                {'no_payment_reminders': True})
        cron = self.env.ref(
            'customer_invoicing_flow.ir_cron_process_late_payments')
        self.assertEqual(cron.model_id.model, 'payment.reminder.run')
        cron.method_direct_trigger()
        run = self.Run.search([], limit=1)
        today = fields.Date.context_today(self.Run.with_context(
            tz=self.company.partner_id.tz))
        self.assertEqual((run.state, run.trigger, run.as_of, run.user_id,
                          run.candidate_count),
                         ('done', 'cron', today, cron.user_id, 0))

    def test_send_reminder_now_is_a_run_of_its_own(self):
        customer = self.create_customer('CIF Run Foxtrot')
        invoice = self.full_invoice(customer)
        action = invoice.sudo(self.clerk).with_context(
            late_payment_as_of='2023-04-15').action_send_reminder_now()
        wizard = self.env[action['res_model']].sudo(self.clerk).browse(
            action['res_id'])
        wizard.action_confirm()
        run = self.Run.search([], limit=1)
        self.assertEqual(
            (run.trigger, run.user_id, run.company_id, run.invoice_count,
             run.email_count, run.fee_count, run.credit_hold_count),
            ('manual', self.clerk, self.company, 1, 1, 1, 1))
        self.assertEqual(run.log_ids.invoice_id, invoice)

    def test_views_and_menu_for_accounting_managers(self):
        for view_type in ('tree', 'form', 'search'):
            arch = self.Run.fields_view_get(view_type=view_type)['arch']
            self.assertIn('as_of', arch)
        menu = self.env.ref('customer_invoicing_flow.payment_reminder_run_menu')
        manager = create_user(
            self.env, 'invoicing', 'Ada Accounting', login='run_adviser',
            groups_id=[(6, 0, [self.env.ref('base.group_user').id,
                               self.env.ref('account.group_account_manager')
                               .id])])
        Menu = self.env['ir.ui.menu']
        self.assertEqual(Menu.sudo(manager).search([('id', '=', menu.id)]),
                         menu)
        for user in (self.clerk, self.collections_manager,
                     self.billing_user, self.salesperson):
            self.assertFalse(Menu.sudo(user).search([('id', '=', menu.id)]),
                             user.name)
        self.run_day('2023-04-15')
        self.assertTrue(self.Run.sudo(manager).search([]))
        self.assertEqual(self.Run.sudo(manager).search([]).name_get()[0][1][:7],
                         'Run of ')


class TestActivityResponsible(ReminderCase):
    """One rule for who gets an activity: the user assigned to the task
    (a stage's responsible), the document's salesperson, the customer's
    salesperson, the company's collections responsible, the current user;
    archived users passed over."""

    def test_fallback_order(self):
        customer = self.create_customer('CIF Golf')
        pick = customer._activity_responsible
        other = create_user(self.env, 'salesman', 'Olga Other',
                            login='other_salesman')
        customer.user_id = other
        self.assertEqual(pick(self.company, self.salesperson, self.clerk),
                         self.clerk)
        self.assertEqual(pick(self.company, self.salesperson), self.salesperson)
        self.assertEqual(pick(self.company), other)
        other.active = False
        self.assertEqual(pick(self.company), self.collections_user)
        self.company.collections_user_id = False
        self.assertEqual(pick(self.company), self.env.user)

    def test_order_and_stage_follow_it(self):
        """A delivery-invoicing problem on an order without salesperson
        goes to the customer's salesperson; a stage without responsible
        on an invoice without salesperson too."""
        customer = self.create_customer('CIF Hotel')
        customer.user_id = self.salesperson
        order = self.env['sale.order'].create({
            'partner_id': customer.id, 'user_id': False})
        self.assertEqual(order._auto_invoice_responsible(), self.salesperson)
        invoice = self.invoice_for('CIF India')
        invoice.user_id = False
        invoice.commercial_partner_id.user_id = self.salesperson
        stage = self.stages[30]
        self.assertEqual(self.env['payment.reminder.run']._stage_activity_user(
            invoice, stage), self.salesperson)
        self.run_day('2023-04-30')
        activity = self.activities(invoice, self.call)
        self.assertEqual(activity.user_id, self.salesperson)


class TestCollectionsDay(ReminderCase):

    def test_bad_as_of_in_context_is_a_clear_error(self):
        partner = self.create_customer('CIF Juliett')
        self.assertEqual(partner.with_context(
            late_payment_as_of='2023-04-01')._collections_as_of(),
            date(2023, 4, 1))
        with self.assertRaisesRegex(UserError, 'Not a date'):
            partner.with_context(
                late_payment_as_of='01/04/2023')._collections_as_of()
