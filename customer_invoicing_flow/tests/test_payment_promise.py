# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Promises to pay (issue 18, part 2): recorded through the web client's
call path from the invoice form, the Follow-up list and the customer form;
the daily run replayed day by day (``as_of``) around a promise kept, a
promise broken and a promise on two invoices paid for one only. Dates are
fixed (2023): invoices of 1,000.00 due on 31/03, a policy with a reminder
at +1, a fee of 40.00 at +11, a phone call at +30, interest of 36.5 % a
year (1.00 a day on 1,000.00, from 01/04), promise grace 2 days."""
from datetime import date, timedelta

import psycopg2

from odoo.api import call_kw
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import mute_logger
from odoo.tools.misc import format_date, formatLang

from .common import WsgiTestModeMixin, http_get
from .fixtures import create_payment, create_user, reminder_stage
from .test_portal_report import page_text
from .test_web_client_buttons import FOLLOW_UP, WebClientCase

CUSTOMERS = 'base.action_partner_customer_form'
PROMISE_ACTION = 'customer_invoicing_flow.account_invoice_action_promise_to_pay'


def days(first, last):
    """ISO days from ``first`` to ``last``, both included."""
    start, end = date(*map(int, first.split('-'))), \
        date(*map(int, last.split('-')))
    return [(start + timedelta(days=n)).isoformat()
            for n in range((end - start).days + 1)]


class PromiseCase(WebClientCase):

    @classmethod
    def setUpClass(cls):
        super(PromiseCase, cls).setUpClass()
        ref = cls.env.ref

        def stage(name, offset, key, **vals):
            return reminder_stage(cls.env, name, offset, key, **vals)

        cls.promise_policy = cls.env['late.payment.policy'].create({
            'name': 'CIF promises',
            'company_id': cls.company.id,
            'grace_days': 10,
            'fee_fixed': 40.0,
            'interest_rate': 36.5,
            'fee_product_id': cls.fee_product.id,
            'stage_ids': [
                stage('Due', 1, 'due'),
                stage('Late', 11, 'late', charge_fee=True),
                stage('Final', 30, 'final', create_activity=True,
                      activity_type_id=ref('mail.mail_activity_data_call').id),
            ],
        })
        cls.Promise = cls.env['payment.promise']

    def promised_invoices(self, name, *amounts):
        customer = self.create_customer(name)
        invoices = self.Invoice.browse()
        for amount in amounts:
            invoices |= self.create_invoice(
                amount, date_invoice='2023-03-01', date_due='2023-03-31',
                partner=customer, policy=self.promise_policy)
        return invoices

    def record_promise(self, invoices, promised_date, as_of, **values):
        """The Follow-up list's action on ``invoices`` then the dialog's
        Record Promise, as the clerk through the web client's calls."""
        context = self.action_context(FOLLOW_UP, as_of)
        action = self.env.ref(PROMISE_ACTION).sudo(self.clerk).with_context(
            context, active_model='account.invoice',
            active_ids=invoices.ids, active_id=invoices[:1].id).run()
        dialog = self.follow(action, context, invoices)
        Wizard = self.env['payment.promise.wizard'].sudo(self.clerk)
        values = dict(values, promised_date=promised_date)
        wizard = self.create_wizard(Wizard, dialog, values)
        result = call_kw(Wizard, 'action_confirm', [wizard.ids, dialog], {})
        return self.Promise.browse(result['res_id'])

    def replay(self, first, last):
        """The daily run of each day from ``first`` to ``last``."""
        for day in days(first, last):
            self.run_day(day)

    def fee_invoices(self, invoices):
        return invoices.mapped('late_fee_invoice_ids')


class TestPromiseRecorded(PromiseCase):
    """The three buttons, through call_kw with their action's context."""

    def test_from_the_follow_up_list_on_two_invoices(self):
        invoices = self.promised_invoices('CIF Promise List', 600.0, 400.0)
        promise = self.record_promise(invoices, '2023-04-15', '2023-04-05',
                                      note='Paying Friday')
        self.assertEqual(
            (promise.partner_id, promise.invoice_ids, promise.amount,
             promise.date, promise.promised_date, promise.grace_days,
             promise.grace_end_date, promise.user_id, promise.company_id,
             promise.state, promise.note),
            (invoices.mapped('commercial_partner_id'), invoices, 1000.0,
             '2023-04-05', '2023-04-15', 2, '2023-04-17', self.clerk,
             self.company, 'open', 'Paying Friday'))
        self.assertEqual(invoices.mapped('promise_id'), promise)
        self.assertIn('Promise to pay', promise.message_ids[0].body)

    def test_from_the_invoice_form(self):
        invoice = self.promised_invoices('CIF Promise Form', 1000.0)
        context = self.action_context(FOLLOW_UP, '2023-04-05')
        action = self.click(invoice, 'action_promise_to_pay', context)
        dialog = self.follow(action, context, invoice)
        self.assertFalse([key for key in dialog
                          if key.startswith('default_')])
        Wizard = self.env['payment.promise.wizard'].sudo(self.clerk)
        wizard = self.create_wizard(Wizard, dialog, {
            'promised_date': '2023-04-12', 'amount': 300.0})
        self.assertEqual((wizard.invoice_ids, wizard.date,
                          wizard.partner_id),
                         (invoice, '2023-04-05', invoice.partner_id))
        result = call_kw(Wizard, 'action_confirm', [wizard.ids, dialog], {})
        promise = self.Promise.browse(result['res_id'])
        self.assertEqual((promise.invoice_ids, promise.amount,
                          promise.user_id), (invoice, 300.0, self.clerk))
        self.assertEqual(invoice.promise_id, promise)
        # cancelled from its form: no promise covers the invoice any more
        call_kw(self.Promise.sudo(self.clerk), 'action_cancel',
                [promise.ids, context], {})
        self.assertEqual(promise.state, 'cancelled')
        invoice.invalidate_cache()
        self.assertFalse(invoice.promise_id)

    def test_from_the_customer_form_preselects_its_late_invoices(self):
        late = self.promised_invoices('CIF Promise Customer', 700.0)
        customer = late.partner_id
        not_late = self.create_invoice(
            300.0, date_invoice='2023-04-01', date_due='2023-05-01',
            partner=customer, policy=self.promise_policy)
        context = self.action_context(CUSTOMERS, '2023-04-20')
        action = self.click(customer, 'action_promise_to_pay', context)
        dialog = self.follow(action, context, customer)
        self.assertFalse([key for key in dialog
                          if key.startswith('default_')])
        Wizard = self.env['payment.promise.wizard'].sudo(self.clerk)
        wizard = self.create_wizard(Wizard, dialog, {
            'promised_date': '2023-04-28'})
        self.assertEqual((wizard.invoice_ids, wizard.amount),
                         (late, 700.0))
        call_kw(Wizard, 'action_confirm', [wizard.ids, dialog], {})
        self.assertFalse(not_late.promise_id)
        # the late invoice promised now is not preselected again
        action = self.click(customer, 'action_promise_to_pay', context)
        self.assertEqual(action['context']['active_ids'], [])
        customer.invalidate_cache()
        self.assertEqual((customer.promise_count,
                          customer.promise_open_count), (1, 1))
        action = self.click(customer, 'action_view_promises', context)
        self.assertEqual(self.Promise.search(action['domain']),
                         late.promise_id)

    def test_refused_to_a_salesperson_who_still_reads_them(self):
        invoice = self.promised_invoices('CIF Promise Sales', 1000.0)
        context = self.action_context(FOLLOW_UP, '2023-04-05',
                                      self.salesperson)
        with self.assertRaises(AccessError):
            self.click(invoice, 'action_promise_to_pay', context,
                       user=self.salesperson)
        promise = self.record_promise(invoice, '2023-04-15', '2023-04-05')
        self.assertEqual(
            self.Promise.sudo(self.salesperson).search(
                [('id', '=', promise.id)]).amount, 1000.0)
        self.assertEqual(self.Promise.sudo(self.billing_user).search(
            [('id', '=', promise.id)]), promise)
        with self.assertRaises(AccessError):
            promise.sudo(self.salesperson).write({'note': 'no'})


class TestPromiseInput(PromiseCase):
    """Bad input: a clear error, nothing written."""

    def promise(self, invoices, **values):
        vals = {'invoice_ids': [(6, 0, invoices.ids)],
                'date': '2023-04-05', 'promised_date': '2023-04-15'}
        vals.update(values)
        return self.Promise.sudo(self.clerk).create(vals)

    def test_errors(self):
        invoice = self.promised_invoices('CIF Promise Bad', 1000.0)
        other = self.promised_invoices('CIF Promise Other', 500.0)
        draft = self.create_invoice(100.0, partner=invoice.partner_id,
                                    validate=False)
        count = self.Promise.search_count([])
        for values, message in [
                ({'promised_date': '2023-04-04'}, 'in the past'),
                ({'amount': 0.0}, 'greater than zero'),
                ({'amount': -5.0}, 'greater than zero'),
                ({'invoice_ids': [(6, 0, (invoice | draft).ids)]},
                 'posted, open'),
                ({'invoice_ids': [(6, 0, (invoice | other).ids)]},
                 'one customer')]:
            with self.assertRaisesRegex(ValidationError, message), \
                    self.env.cr.savepoint():
                self.promise(invoice, **values)
        self.assertEqual(self.Promise.search_count([]), count)
        self.promise(invoice)
        with self.assertRaisesRegex(ValidationError, 'already under'):
            self.promise(invoice)

    def test_dialog_without_invoices(self):
        Wizard = self.env['payment.promise.wizard'].sudo(self.clerk)
        wizard = Wizard.create({'promised_date': '2023-04-15',
                                'date': '2023-04-05', 'amount': 10.0})
        with self.assertRaisesRegex(UserError, 'Choose the invoices'):
            call_kw(Wizard, 'action_confirm', [wizard.ids, {}], {})

    def test_the_day_is_the_context_s_today_unless_given(self):
        invoice = self.promised_invoices('CIF Promise Today', 1000.0)
        Promise = self.Promise.sudo(self.clerk).with_context(
            late_payment_as_of='2023-04-10')
        with self.assertRaisesRegex(ValidationError, 'in the past'), \
                self.env.cr.savepoint():
            Promise.create({'invoice_ids': [(6, 0, invoice.ids)],
                            'promised_date': '2023-04-09'})
        promise = Promise.create({'invoice_ids': [(6, 0, invoice.ids)],
                                  'promised_date': '2023-04-10'})
        self.assertEqual(promise.date, '2023-04-10')

    def test_grace_is_the_policy_s(self):
        self.promise_policy.promise_grace_days = 5
        invoice = self.promised_invoices('CIF Promise Grace', 1000.0)
        promise = self.promise(invoice)
        self.assertEqual((promise.grace_days, promise.grace_end_date),
                         (5, '2023-04-20'))
        with self.assertRaises(ValidationError):
            self.promise_policy.promise_grace_days = -1


class TestPromiseRun(PromiseCase):
    """The daily run around promises, replayed day by day."""

    def test_kept(self):
        """Reminded on 01/04, the customer promises on 05/04 to pay by
        15/04 and pays on 14/04: nothing is sent, no fee, no activity
        meanwhile (the +11 stage of 11/04 deferred), the promise kept on
        14/04; nothing after either (paid)."""
        invoice = self.promised_invoices('CIF Promise Kept', 1000.0)
        self.run_day('2023-04-01')
        self.assertEqual(len(self.mails(invoice)), 1)
        promise = self.record_promise(invoice, '2023-04-15', '2023-04-05')
        self.replay('2023-04-05', '2023-04-13')
        self.assertEqual(len(self.mails(invoice)), 1)
        self.assertFalse(self.fee_invoices(invoice))
        self.assertEqual(promise.state, 'open')
        late = self.logs(invoice).filtered(
            lambda log: log.stage_id.day_offset == 11)
        self.assertEqual((late.state, late.date), ('deferred', '2023-04-11'))
        create_payment(self.env, self.bank_journal, 1000.0, '2023-04-14',
                       invoice=invoice)
        self.replay('2023-04-14', '2023-05-05')
        self.assertEqual((promise.state, promise.date_settled,
                          promise.paid_amount, promise.paid_invoice_ids),
                         ('kept', '2023-04-14', 1000.0, invoice))
        self.assertIn('Promise kept', promise.message_ids[0].body)
        self.assertEqual(len(self.mails(invoice)), 1)
        self.assertFalse(self.fee_invoices(invoice))
        self.assertFalse(self.activities(invoice))
        self.assertFalse(promise.activity_ids)

    def test_broken(self):
        """Promised on 05/04 for 15/04, grace 2 days, never paid: nothing
        from 05/04 to 17/04; on 18/04 the promise is broken (an activity
        "Promise broken" for the clerk who took it, a message), and the
        run fires the +11 stage deferred since 11/04 once: one email and a
        fee covering the whole period, 40.00 + 18 days of interest from
        01/04 to 18/04 at 1.00 = 58.00. Nothing more until +30."""
        invoice = self.promised_invoices('CIF Promise Broken', 1000.0)
        self.run_day('2023-04-01')
        promise = self.record_promise(invoice, '2023-04-15', '2023-04-05')
        self.replay('2023-04-05', '2023-04-17')
        self.assertEqual(len(self.mails(invoice)), 1)
        self.assertFalse(self.fee_invoices(invoice))
        self.assertFalse(self.activities(invoice))
        self.assertEqual(promise.state, 'open')
        self.run_day('2023-04-18')
        self.assertEqual((promise.state, promise.date_settled,
                          promise.paid_amount), ('broken', '2023-04-18', 0))
        activity = promise.activity_ids
        self.assertEqual((activity.summary, activity.user_id,
                          activity.date_deadline),
                         ('Promise broken', self.clerk, '2023-04-18'))
        self.assertIn('Promise broken', promise.message_ids[0].body)
        mails = self.mails(invoice)
        self.assertEqual(len(mails), 2)
        fee = self.fee_invoices(invoice)
        self.assertEqual(fee.amount_total, 58.0)
        late = self.logs(invoice).filtered(
            lambda log: log.stage_id.day_offset == 11)
        self.assertEqual((late.state, late.date, late.fee_invoice_id,
                          late.email_sent),
                         ('done', '2023-04-18', fee, True))
        before = self.snapshot(invoice)
        self.replay('2023-04-18', '2023-04-29')
        self.assertEqual(self.snapshot(invoice), before)
        self.assertEqual(len(promise.activity_ids), 1)

    def test_partly_kept_two_invoices_one_paid(self):
        """A promise on 600.00 and 400.00 (1,000.00 promised), the 600.00
        paid on 10/04: the promise is broken on 18/04 (600.00 of 1,000.00
        paid), the paid invoice noted on it; the reminders resume for the
        unpaid 400.00 only: one email, its fee 40.00 + 18 days of
        interest on 400.00 (0.40 a day) = 47.20."""
        invoices = self.promised_invoices('CIF Promise Half', 600.0, 400.0)
        paid, unpaid = invoices
        promise = self.record_promise(invoices, '2023-04-15', '2023-04-05')
        self.replay('2023-04-05', '2023-04-09')
        create_payment(self.env, self.bank_journal, 600.0, '2023-04-10',
                       invoice=paid)
        self.replay('2023-04-10', '2023-04-17')
        self.assertEqual(promise.state, 'open')
        self.assertFalse(self.mails(invoices))
        self.run_day('2023-04-18')
        self.assertEqual((promise.state, promise.paid_amount,
                          promise.paid_invoice_ids),
                         ('broken', 600.0, paid))
        self.assertIn(paid.number, promise.message_ids[0].body)
        self.assertEqual(len(self.mails(paid)), 0)
        self.assertEqual(len(self.mails(unpaid)), 1)
        self.assertFalse(self.fee_invoices(paid))
        self.assertEqual(self.fee_invoices(unpaid).amount_total, 47.2)

    def test_promised_amount_paid_in_part_keeps_a_smaller_promise(self):
        """A promise of 300.00 on a 1,000.00 invoice paid 300.00 on 12/04
        is kept; the invoice is still covered until the end of the grace
        (17/04), and from 18/04 the reminders resume for the 700.00
        left."""
        invoice = self.promised_invoices('CIF Promise Part', 1000.0)
        promise = self.record_promise(invoice, '2023-04-15', '2023-04-05',
                                      amount=300.0)
        create_payment(self.env, self.bank_journal, 300.0, '2023-04-12',
                       invoice=invoice)
        self.replay('2023-04-05', '2023-04-17')
        self.assertEqual((promise.state, promise.date_settled),
                         ('kept', '2023-04-12'))
        self.assertFalse(self.mails(invoice))
        self.run_day('2023-04-18')
        self.assertEqual(len(self.mails(invoice)), 1)
        self.assertFalse(promise.activity_ids)

    def test_deferred_log_keeps_the_unique_key(self):
        invoice = self.promised_invoices('CIF Promise Key', 1000.0)
        self.record_promise(invoice, '2023-04-15', '2023-04-01')
        self.run_day('2023-04-01')
        log = self.logs(invoice)
        self.assertEqual(log.state, 'deferred')
        with mute_logger('odoo.sql_db'), self.assertRaises(
                psycopg2.IntegrityError):
            with self.env.cr.savepoint():
                self.Log.create({'invoice_id': invoice.id,
                                 'stage_id': log.stage_id.id,
                                 'date': '2023-04-02'})


class TestPromiseInReminders(PromiseCase):
    """A reminder never asks for money promised and not yet due, and
    mentions the open promise."""

    def test_other_invoice_s_reminder_leaves_the_promised_one_out(self):
        """The customer promised on 01/04 to pay invoice A (1,000.00) by
        20/04; its invoice B (500.00) is reminded on 01/04: the email lists
        B only, totals 500.00, and thanks for the promise of A."""
        promised = self.promised_invoices('CIF Promise Mail', 1000.0)
        other = self.create_invoice(
            500.0, date_invoice='2023-03-01', date_due='2023-03-31',
            partner=promised.partner_id, policy=self.promise_policy)
        self.record_promise(promised, '2023-04-20', '2023-04-01')
        self.run_day('2023-04-01')
        self.assertFalse(self.mails(promised))
        mail = self.mails(other)
        self.assertEqual(len(mail), 1)
        body = mail.body_html
        self.assertIn(other.number, body)
        self.assertNotIn(promised.number + '</a>', body)
        self.assertIn(formatLang(self.env, 500.0,
                                 currency_obj=self.currency), body)
        self.assertNotIn(formatLang(self.env, 1500.0,
                                    currency_obj=self.currency), body)
        self.assertIn(
            'Thank you for your promise to pay %s for invoice %s by '
            '04/20/2023' % (formatLang(self.env, 1000.0,
                                       currency_obj=self.currency),
                            promised.number), body)

    def test_facts_after_the_promised_date(self):
        """In the grace, the promise is no longer "not yet due": the
        invoice is owed again and the email says the money promised has
        not been received."""
        promised = self.promised_invoices('CIF Promise Mail Late', 1000.0)
        promise = self.record_promise(promised, '2023-04-10', '2023-04-01')
        facts = promised.with_context(
            late_payment_as_of='2023-04-05').get_reminder_mail_facts()
        self.assertEqual(facts['owed'], [])
        facts = promised.with_context(
            late_payment_as_of='2023-04-11').get_reminder_mail_facts()
        self.assertEqual([row['invoice'] for row in facts['owed']],
                         [promised])
        self.assertEqual(facts['promises'], [
            'We have not yet received the %s you promised to pay for '
            'invoice %s by 04/10/2023.' % (
                formatLang(self.env, promise.amount,
                           currency_obj=self.currency), promised.number)])


class TestPromiseShown(PromiseCase):
    """The customer form's counts and the dashboard's."""

    def test_customer_counts_and_dashboard(self):
        """Three customers' promises replayed in April: one kept, one
        broken, one open; the customers' forms count theirs, the April
        dashboard shows 1 open, 1 kept, 1 broken, 50 % kept; March's
        none (taken in April)."""
        kept = self.promised_invoices('CIF Shown Kept', 100.0)
        broken = self.promised_invoices('CIF Shown Broken', 100.0)
        still = self.promised_invoices('CIF Shown Open', 100.0)
        promise_kept = self.record_promise(kept, '2023-04-10', '2023-04-05')
        self.record_promise(broken, '2023-04-10', '2023-04-05')
        self.record_promise(still, '2023-05-10', '2023-04-05')
        create_payment(self.env, self.bank_journal, 100.0, '2023-04-08',
                       invoice=kept)
        self.replay('2023-04-08', '2023-04-13')
        self.assertEqual(promise_kept.state, 'kept')
        customers = (kept | broken | still).mapped('partner_id')
        customers.invalidate_cache()
        self.assertEqual(
            [(customer.promise_count, customer.promise_open_count,
              customer.promise_kept_count, customer.promise_broken_count)
             for customer in customers],
            [(1, 0, 1, 0), (1, 0, 0, 1), (1, 1, 0, 0)])
        Dashboard = self.env['collections.dashboard'].sudo(self.clerk)
        april = Dashboard.create({'date_from': '2023-04-01',
                                  'date_to': '2023-04-30',
                                  'company_id': self.company.id})
        self.assertEqual(
            (april.promise_open_count, april.promise_kept_count,
             april.promise_broken_count, april.promise_keep_rate),
            (1, 1, 1, 50.0))
        march = Dashboard.create({'date_from': '2023-03-01',
                                  'date_to': '2023-03-31',
                                  'company_id': self.company.id})
        self.assertEqual(
            (march.promise_open_count, march.promise_kept_count,
             march.promise_broken_count, march.promise_keep_rate),
            (0, 0, 0, 0.0))


class TestPromiseOnThePortal(WsgiTestModeMixin, PromiseCase):
    """The customer's invoice page shows its open promise."""

    @classmethod
    def _setup_test_mode_class(cls):
        cls.invoice = cls.promised_invoices_of_class('CIF Portal Promise')
        cls.portal_user = create_user(
            cls.env, 'portal', 'Paula Promise', login='portal_promise',
            partner_id=cls.invoice.partner_id.id)

    @classmethod
    def promised_invoices_of_class(cls, name):
        customer = cls.create_customer(name)
        return cls.create_invoice(1000.0, partner=customer,
                                  policy=cls.promise_policy)

    def test_open_promise_on_the_invoice_page(self):
        url = '/my/invoices/%d' % self.invoice.id
        text = page_text(http_get(self.env, url, self.portal_user).data)
        self.assertNotIn('Your promise to pay', text)
        self.Promise.sudo(self.clerk).create({
            'invoice_ids': [(6, 0, self.invoice.ids)],
            'date': '2023-04-05', 'promised_date': '2023-04-15'})
        text = page_text(http_get(self.env, url, self.portal_user).data)
        self.assertIn(
            'Your promise to pay: %s by %s. We send no reminder for this '
            'invoice until then.' % (
                formatLang(self.env, 1000.0, currency_obj=self.currency),
                format_date(self.env, '2023-04-15')), text)


class TestSendReminderNowUnderPromise(PromiseCase):

    def test_send_reminder_now_defers_and_says_so(self):
        """Send Reminder Now on a promised invoice sends nothing: the stage
        due is deferred, and the answer says so."""
        invoice = self.promised_invoices('CIF Promise Send Now', 1000.0)
        self.record_promise(invoice, '2023-04-15', '2023-04-05')
        context = self.action_context(FOLLOW_UP, '2023-04-05')
        action = self.click(invoice, 'action_send_reminder_now', context)
        dialog = self.follow(action, context, invoice)
        Wizard = self.env[action['res_model']].sudo(self.clerk)
        wizard = Wizard.browse(action['res_id'])
        # the dialog says so before Send, and promises no email
        self.assertIn('Under a promise to pay: no reminder, no fee',
                      wizard.summary)
        self.assertIn('- %s' % invoice.number, wizard.summary)
        self.assertNotIn('Email "', wizard.summary)
        result = call_kw(Wizard, 'action_confirm', [wizard.ids, dialog], {})
        self.assertFalse(self.mails(invoice))
        self.assertEqual(self.logs(invoice).mapped('state'), ['deferred'])
        self.assertIn('Deferred, under a promise to pay: %s Due'
                      % invoice.number, self.result_message(result))
