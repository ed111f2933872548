# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Statutory late-payment interest (issue 17): the shipped reference rates
and presets, a charge across a rate change through the form's button as the
web client calls it, a missing value (the button's error; the daily run's
logged error, retried, and one to-do per rate and half-year), the UK's
compensation tiers, a policy limited to business customers, the policy
form's rate of the day and the invoice's timeline. Dates are fixed; the
rate tables are the shipped ones."""
import json

from psycopg2 import IntegrityError

from odoo.api import call_kw
from odoo.exceptions import UserError
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .common import ReminderCase

PRESET = 'customer_invoicing_flow.late_payment_policy_preset_%s'
CUSTOMER_INVOICES = 'account.action_invoice_tree1'
# evaluating a set of invoices under a reference rate, whatever its size:
# the invoices' fields and their currency (2), their payments (1), holds
# (a search and a read: 2), charges (one query joining their fee invoices:
# 1), the reference rates' values (a search and a read: 2) and codes (1)
QUERIES_PER_EVALUATION = 9


class TestStatutoryInterest(ReminderCase):

    @classmethod
    def setUpClass(cls):
        super(TestStatutoryInterest, cls).setUpClass()
        cls.Rate = cls.env['late.payment.reference.rate']
        cls.de_base = cls.env.ref(
            'customer_invoicing_flow.reference_rate_de_base')
        cls.ecb = cls.env.ref('customer_invoicing_flow.reference_rate_ecb_mro')
        cls.de_policy = cls.preset('de_b2b')
        cls.uk_policy = cls.preset('uk_b2b')

    @classmethod
    def preset(cls, key):
        """A working copy of a shipped (archived) preset in the test's
        company, with the test's fee product."""
        return cls.env.ref(PRESET % key).copy({
            'active': True, 'company_id': cls.company.id,
            'fee_product_id': cls.fee_product.id})

    def action_context(self, as_of, user=None):
        """The context the web client sends from an invoice opened through
        Customer Invoices, on ``as_of``."""
        user = user or self.clerk
        action = self.env.ref(CUSTOMER_INVOICES)
        context = dict(user.context_get())
        context.update(safe_eval(action.context or '{}', {
            'uid': user.id, 'active_id': False, 'active_ids': []}))
        context['late_payment_as_of'] = as_of
        return context

    def click_charge(self, invoice, as_of):
        model = self.env['account.invoice'].sudo(self.clerk)
        return call_kw(model, 'action_charge_late_fee',
                       [invoice.ids, self.action_context(as_of)], {})

    def german_invoice(self, due='2024-06-01', amount=10000.0):
        return self.create_invoice(
            amount, date_invoice='2024-05-02', date_due=due,
            partner=self.create_customer('CIF GmbH %s' % due),
            policy=self.de_policy)

    # -- shipped data ------------------------------------------------------

    def test_shipped_values(self):
        tables = (self.de_base | self.ecb)._tables()
        values = dict(tables[self.de_base.id].values)
        self.assertEqual([str(values[day]) for day in sorted(values)][-5:],
                         ['3.62', '3.37', '2.27', '1.27', '1.27'])
        ecb = tables[self.ecb.id]
        self.assertEqual(str(ecb.value_on('2024-06-11')[0]), '4.5')
        self.assertEqual(str(ecb.value_on('2024-06-12')[0]), '4.25')
        self.assertEqual(self.de_base.with_context(
            tz='UTC').known_through, '2026-06-30')
        for key in ('eu_b2b', 'de_b2b', 'fr_b2b', 'uk_b2b', 'us_monthly'):
            preset = self.env.ref(PRESET % key)
            self.assertFalse(preset.active, key)
            self.assertTrue(preset.note and preset.stage_ids, key)
        self.assertIn('40 €', self.env.ref(PRESET % 'fr_b2b').note)
        self.assertIn('Indemnité forfaitaire pour frais de recouvrement',
                      self.env.ref(PRESET % 'fr_b2b').note)
        self.assertIn('Pénalités de retard',
                      self.env.ref(PRESET % 'fr_b2b').note)

    def test_unique_code_and_date(self):
        with self.assertRaises(IntegrityError), \
                mute_logger('odoo.sql_db'), self.env.cr.savepoint():
            self.Rate.create({'name': 'Copy', 'code': 'ecb_mro'})
        with self.assertRaises(IntegrityError), \
                mute_logger('odoo.sql_db'), self.env.cr.savepoint():
            self.env['late.payment.reference.rate.line'].create({
                'reference_rate_id': self.ecb.id, 'date_from': '2024-06-12',
                'rate': 4.0})

    def test_csv_import_of_values(self):
        result = self.env['late.payment.reference.rate.line'].sudo(
            self.collections_manager).load(
                ['reference_rate_id/id', 'date_from', 'rate'],
                [['customer_invoicing_flow.reference_rate_de_base',
                  '2026-07-01', '1.27']])
        self.assertFalse(result['messages'])
        self.assertEqual(self.de_base.known_through, '2026-12-31')

    # -- the charge across a rate change -----------------------------------

    def test_german_charge_through_the_button(self):
        invoice = self.german_invoice()
        action = self.click_charge(invoice, '2024-08-31')
        fee = self.env['account.invoice'].browse(action['res_id'])
        # 2024-06-02..06-30: 29 days at 3.62 + 9 = 12.62 %
        # 2024-07-01..08-31: 62 days at 3.37 + 9 = 12.37 %
        # (29 x 10,000 x 12.62 + 62 x 10,000 x 12.37) / 36500
        #   = 11,329,200 / 36500 = 310.389... -> 310.39, plus 40
        self.assertEqual(fee.amount_total, 350.39)
        line = fee.invoice_line_ids.name
        self.assertIn('12.62 % a year', line)
        self.assertIn('3.62 % + 9.00 points', line)
        self.assertIn('12.37 % a year', line)
        self.assertIn('for 29 day(s)', line)
        self.assertIn('for 62 day(s)', line)
        self.assertIn('late fee of', line)
        charge = invoice.late_fee_charge_ids
        self.assertEqual(charge.amount, 350.39)
        segments = json.loads(charge.evaluation)['breakdown']['segments']
        self.assertEqual(
            [(s['days'], s['rate'], s['reference'], s['margin'])
             for s in segments],
            [(29, '12.62', '3.62', '9.0'), (62, '12.37', '3.37', '9.0')])
        self.assertEqual(fee.type, 'out_invoice')

    def test_half_year_and_daily_fixing(self):
        # ECB + 8: 4.50 until 2024-06-11, 4.25 from 2024-06-12
        policy = self.preset('eu_b2b')
        invoice = self.create_invoice(
            10000.0, date_invoice='2024-05-02', date_due='2024-06-01',
            partner=self.create_customer('CIF SA'), policy=policy)
        result = invoice._late_payment_evaluate('2024-08-31')[invoice.id]
        # half-year: 29 d at 12.50 (fixed on 01-01) + 62 d at 12.25
        #   (fixed on 07-01): 11,220,000 / 36500 = 307.397 -> 307.40 + 40
        self.assertEqual(str(result['evaluation'].charge), '347.40')
        policy.reference_fixing = 'daily'
        invoice.late_payment_policy_id = policy
        result = invoice._late_payment_evaluate('2024-08-31')[invoice.id]
        # daily: 10 d at 12.50 + 81 d at 12.25:
        #   11,172,500 / 36500 = 306.0958 -> 306.10 + 40
        self.assertEqual(str(result['evaluation'].charge), '346.10')

    # -- a missing value ---------------------------------------------------

    def test_missing_value_stops_the_button(self):
        # the shipped values stop with the first half of 2026
        invoice = self.german_invoice(due='2026-06-01')
        with self.assertRaises(UserError) as caught:
            self.click_charge(invoice, '2026-07-15')
        message = caught.exception.name
        self.assertIn('cannot be computed', message)
        self.assertIn(self.de_base.name, message)
        self.assertIn('07/01/2026', message)
        self.assertFalse(invoice.late_fee_charge_ids)
        self.assertFalse(invoice.late_fee_invoice_ids)
        # the form still opens: the timeline marks the projection
        shown = self.as_of(invoice, '2026-07-15')
        self.assertEqual(shown.late_payment_state, 'late')
        self.assertIn('not published yet, projected',
                      shown.late_fee_preview)

    def test_missing_value_in_send_reminder_now(self):
        """Send Reminder Now on an invoice whose fee stage needs the missing
        value: the dialog opens and says why, Send charges nothing."""
        invoice = self.german_invoice(due='2026-06-15')
        context = self.action_context('2026-07-15')
        Invoice = self.env['account.invoice'].sudo(self.clerk)
        action = call_kw(Invoice, 'action_send_reminder_now',
                         [invoice.ids, context], {})
        wizard = self.env[action['res_model']].sudo(self.clerk).browse(
            action['res_id'])
        self.assertIn('cannot be computed', wizard.summary)
        self.assertIn(self.de_base.name, wizard.summary)
        # Send: nothing sent or charged, the result and the log say why
        mails = self.env['mail.mail'].search_count([])
        result = call_kw(wizard, 'action_confirm',
                         [wizard.ids, context], {})
        message = self.env[result['res_model']].browse(
            result['res_id']).message
        self.assertIn('cannot be computed', message)
        self.assertEqual(self.env['mail.mail'].search_count([]), mails)
        self.assertEqual(self.logs(invoice).mapped('state'), ['error'])
        self.assertFalse(invoice.late_fee_invoice_ids)

    def test_missing_value_in_the_daily_run(self):
        # the preset's fee stage is day 30: 2026-06-15 + 30 = 2026-07-15
        invoice = self.german_invoice(due='2026-06-15')
        self.run_day('2026-07-15')
        log = self.logs(invoice).filtered(lambda log: log.state == 'error')
        self.assertEqual(len(log), 1)
        self.assertIn('cannot be computed', log.error)
        self.assertFalse(invoice.late_fee_invoice_ids)
        todos = self.env['mail.activity'].search([
            ('res_model', '=', 'late.payment.reference.rate'),
            ('res_id', '=', self.de_base.id)])
        self.assertIn(self.collections_manager.id, todos.mapped('user_id').ids)
        self.assertEqual(len(todos.filtered(
            lambda todo: todo.user_id == self.collections_manager)), 1)
        self.assertEqual(self.de_base.missing_alert_date, '2026-07-01')
        # the next run: still one to-do; once the value is entered, the
        # retried stage charges the fee
        self.run_day('2026-07-16')
        self.assertEqual(self.env['mail.activity'].search_count([
            ('res_model', '=', 'late.payment.reference.rate'),
            ('res_id', '=', self.de_base.id),
            ('user_id', '=', self.collections_manager.id)]), 1)
        self.env['late.payment.reference.rate.line'].create({
            'reference_rate_id': self.de_base.id, 'date_from': '2026-07-01',
            'rate': 1.27})
        self.run_day('2026-07-17')
        self.assertEqual(len(invoice.late_fee_invoice_ids), 1)
        # 2026-06-16..30: 15 d at 1.27 + 9 = 10.27 %; 2026-07-01..17:
        # 17 d at 10.27 %: 32 x 10,000 x 10.27 / 36500 = 3,286,400 / 36500
        #   = 90.038... -> 90.04, plus 40
        self.assertEqual(invoice.late_fee_invoice_ids.amount_total, 130.04)

    # -- compensation tiers ------------------------------------------------

    def test_uk_tiers(self):
        gbp = self.env.ref('base.GBP')
        self.env['res.currency.rate'].create({
            'currency_id': gbp.id, 'name': '2024-01-01', 'rate': 0.8,
            'company_id': self.company.id})
        company_currency = self.company.currency_id
        self.assertEqual(
            self.uk_policy.compensation_tier_ids.mapped('fee'),
            [40.0, 70.0, 100.0])

        def fee(amount):
            invoice = self.create_invoice(
                amount, date_invoice='2024-05-02', date_due='2024-06-01',
                partner=self.create_customer('CIF Ltd %s' % amount),
                policy=self.uk_policy)
            result = invoice._late_payment_evaluate('2024-06-02')
            return float(result[invoice.id]['evaluation'].breakdown
                         .fixed_part)

        def gbp_in_company(amount):
            return gbp.with_context(date='2024-06-02').compute(
                amount, company_currency, round=False)

        # 1,000 GBP and 10,000 GBP in the company's currency at the day
        low, high = gbp_in_company(1000.0), gbp_in_company(10000.0)
        self.assertAlmostEqual(fee(round(low / 2, 2)), gbp_in_company(40.0))
        self.assertAlmostEqual(fee(round(low - 0.01, 2)),
                               gbp_in_company(40.0))
        self.assertAlmostEqual(fee(round(low + 0.01, 2)),
                               gbp_in_company(70.0))
        self.assertAlmostEqual(fee(round(high - 0.01, 2)),
                               gbp_in_company(70.0))
        self.assertAlmostEqual(fee(round(high + 0.01, 2)),
                               gbp_in_company(100.0))

    # -- business customers only -------------------------------------------

    def test_policy_limited_to_companies(self):
        self.company.late_payment_policy_id = self.policy
        private = self.create_customer('CIF Private Person',
                                       is_company=False)
        business = self.create_customer('CIF Business')
        for partner in private | business:
            partner.late_payment_policy_id = self.de_policy
        private_invoice = self.create_invoice(100.0, partner=private)
        business_invoice = self.create_invoice(100.0, partner=business)
        self.assertEqual(private_invoice.late_payment_policy_id,
                         self.policy)
        self.assertEqual(business_invoice.late_payment_policy_id,
                         self.de_policy)
        # the customer's form says what its invoices get
        self.assertEqual(business.late_payment_policy_in_force,
                         self.de_policy.name)
        self.assertEqual(private.late_payment_policy_in_force,
                         'Company default: %s' % self.policy.name)
        # the company default limited too: no policy for the private one
        self.company.late_payment_policy_id = self.uk_policy
        self.assertFalse(self.create_invoice(
            100.0, partner=private).late_payment_policy_id)
        private.invalidate_cache()
        self.assertEqual(private.late_payment_policy_in_force,
                         'Company default: none')

    # -- the policy form and the timeline ----------------------------------

    def test_rate_today_and_preview(self):
        policy = self.de_policy.with_context(late_payment_as_of='2024-08-31')
        self.assertAlmostEqual(policy.interest_rate_today, 12.37)
        self.assertIn('3.37 % + 9.00 points', policy.interest_rate_today_text)
        # an invoice of 10,000 due 90 days before 2024-08-31 (2024-06-02):
        # 06-03..06-30: 28 d x 10,000 x 12.62 / 36500 = 96.810... -> 96.81
        # 07-01..08-31: 62 d x 10,000 x 12.37 / 36500 = 210.120... -> 210.12
        lines = policy.preview_text.splitlines()
        self.assertIn('28 days at 12.62 %', lines[1])
        self.assertIn('96.81', lines[1])
        self.assertIn('62 days at 12.37 %', lines[2])
        self.assertIn('210.12', lines[2])
        unknown = self.de_policy.with_context(late_payment_as_of='2026-08-01')
        self.assertEqual(unknown.interest_rate_today, 0.0)
        self.assertIn('Unknown', unknown.interest_rate_today_text)
        fixed = self.env.ref(PRESET % 'us_monthly').with_context(
            late_payment_as_of='2024-08-31')
        self.assertAlmostEqual(fixed.interest_rate_today, 18.0)

    def test_timeline_projects_unpublished_half_years(self):
        invoice = self.german_invoice(due='2025-10-01')
        text = self.as_of(invoice, '2025-10-05').late_fee_preview
        self.assertIn('From 07/01/2025: 10.27 % a year', text)
        self.assertIn('From 01/01/2026: 10.27 % a year (', text)
        self.assertIn('From 07/01/2026: 10.27 % a year, at the last known '
                      'value', text)
        self.assertIn('not published yet, projected', text)

    # -- batching -----------------------------------------------------------

    def test_rate_values_read_once_per_set(self):
        """The reference rates' values are read once for the evaluated set,
        not once per invoice: 4 invoices cost the queries of 1."""
        invoices = self.env['account.invoice'].browse()
        for day in ('01', '02', '03', '04'):
            invoices |= self.german_invoice(due='2024-06-%s' % day)

        def count(records):
            records._late_payment_evaluate('2024-08-31')  # warm up
            self.env.cache.invalidate()
            before = self.env.cr.sql_log_count
            evaluated = records._late_payment_evaluate('2024-08-31')
            self.assertEqual(len(evaluated), len(records))
            return self.env.cr.sql_log_count - before

        one, four = count(invoices[:1]), count(invoices)
        self.assertEqual(one, four)
        self.assertEqual(four, QUERIES_PER_EVALUATION)

    def test_read_by_invoicing_user_and_salesman(self):
        """The rate of the day and the timeline show to whoever reads the
        policy or the invoice, without rights on the reference rates."""
        policy = self.de_policy.sudo(self.salesperson).with_context(
            late_payment_as_of='2024-08-31')
        self.assertIn('Bundesbank', policy.interest_rate_today_text)
        invoice = self.german_invoice(due='2025-10-01')
        shown = self.as_of(invoice.sudo(self.billing_user), '2026-07-15')
        self.assertIn('not published yet, projected', shown.late_fee_preview)
