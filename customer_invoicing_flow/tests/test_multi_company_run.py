# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two companies in one daily run (issue 14, point 3): different
currencies, timezones, policies and templates, one call of the scheduled
action at a fixed UTC instant, each company judged at its own local day,
nothing crossing over. The instant is fixed: 2023-12-04 23:30 UTC is
still the 4th in New York (company A) and already the 5th in Auckland
(company B)."""
from odoo.exceptions import AccessError

from .common import ReminderCase, create_company, create_invoice, \
    create_user

NOW = '2023-12-04 23:30:00'
DAY_A, DAY_B = '2023-12-04', '2023-12-05'


class TestMultiCompanyRun(ReminderCase):

    @classmethod
    def setUpClass(cls):
        super(TestMultiCompanyRun, cls).setUpClass()
        ref = cls.env.ref
        cls.company_a = cls.company
        cls.company_a.write({'email': 'ar@company-a.example.com'})
        cls.company_a.partner_id.tz = 'America/New_York'
        cls.stages[30].activity_user_id = cls.clerk
        currency_b = 'base.USD' \
            if cls.company_a.currency_id == ref('base.EUR') else 'base.EUR'
        ref(currency_b).active = True
        cls.env['res.currency.rate'].create({
            'name': '2023-01-01', 'rate': 0.9,
            'currency_id': ref(currency_b).id, 'company_id': False})
        cls.company_b = create_company(
            cls.env, 'CIF Kiwi Ltd', currency=currency_b,
            tz='Pacific/Auckland', email='accounts@kiwi.example.com')
        cls._setup_company_b(ref)
        # company A: the Final stage (+30, activity, fee of the +11
        # stage) on its 4th; the Due stage (+1) of the 5th not yet; the
        # Hold stage (+45)
        cls.a_final = cls.invoice_a('CIF A Final', due='2023-11-04')
        cls.a_not_yet = cls.invoice_a('CIF A Not Yet', due='2023-12-04')
        cls.a_hold = cls.invoice_a('CIF A Hold', due='2023-10-15')
        cls.invoices_a = cls.a_final | cls.a_not_yet | cls.a_hold
        # company B: its one stage (+7) on its 5th; one due the 6th
        cls.b_due = cls.invoice_b('CIF B Due', '2023-11-28')
        cls.b_not_yet = cls.invoice_b('CIF B Not Yet', '2023-11-29')
        cls.invoices_b = cls.b_due | cls.b_not_yet
        cls.mail_ids = cls.env['mail.mail'].search([]).ids
        cls.run_ids = cls.env['payment.reminder.run'].search([]).ids
        cls.env['payment.reminder.run']._cron_run(now=NOW, commit=False)
        cls.runs = cls.env['payment.reminder.run'].search(
            [('id', 'not in', cls.run_ids)])

    @classmethod
    def _setup_company_b(cls, ref):
        company = cls.company_b
        Account = cls.env['account.account']
        cls.receivable_b = Account.create({
            'code': 'KIW1100', 'name': 'Kiwi Receivable',
            'user_type_id': ref('account.data_account_type_receivable').id,
            'reconcile': True, 'company_id': company.id})
        cls.income_b = Account.create({
            'code': 'KIW7000', 'name': 'Kiwi Sales',
            'user_type_id': ref('account.data_account_type_revenue').id,
            'company_id': company.id})
        cls.journal_b = cls.env['account.journal'].create({
            'name': 'Kiwi Invoices', 'code': 'KIWS', 'type': 'sale',
            'company_id': company.id, 'update_posted': True})
        cls.fee_product_b = cls.env['product.product'].create({
            'name': 'Kiwi late fee', 'type': 'service',
            'company_id': company.id, 'taxes_id': [(5, 0, 0)]})
        cls.fee_product_b.with_context(
            force_company=company.id).property_account_income_id = \
            cls.income_b
        cls.manager_b = create_user(
            cls.env, 'collections_manager', 'Kiri Kiwi', login='kiwi',
            company_id=company.id, company_ids=[(6, 0, company.ids)])
        cls.accountant_b = create_user(
            cls.env, 'collections_manager', 'Aroha Accounts',
            login='kiwi_accounts', company_id=company.id,
            company_ids=[(6, 0, company.ids)])
        cls.accountant_b.groups_id |= ref('account.group_account_manager')
        cls.accountant_a = create_user(
            cls.env, 'collections_manager', 'Abe Accounts',
            login='a_accounts')
        cls.accountant_a.groups_id |= ref('account.group_account_manager')
        cls.template_b = ref(
            'customer_invoicing_flow.mail_template_reminder_late').copy({
                'name': 'Kiwi reminder',
                'subject': 'Kiwi Ltd: please pay ${object.number}'})
        cls.policy_b = cls.env['late.payment.policy'].create({
            'name': 'Kiwi reminders',
            'company_id': company.id,
            'grace_days': 5,
            'fee_fixed': 25.0,
            'fee_product_id': cls.fee_product_b.id,
            'stage_ids': [(0, 0, {
                'name': 'Kiwi Overdue', 'day_offset': 7,
                'send_email': True, 'mail_template_id': cls.template_b.id,
                'charge_fee': True, 'credit_hold': True,
                'create_activity': True,
                'activity_type_id': ref('mail.mail_activity_data_call').id,
                'activity_user_id': cls.manager_b.id})],
        })
        company.late_payment_policy_id = cls.policy_b

    @classmethod
    def invoice_a(cls, name, due):
        return cls.create_invoice(
            1000.0, date_invoice='2023-09-01', date_due=due,
            partner=cls.create_customer(name), policy=cls.policy)

    @classmethod
    def invoice_b(cls, name, due):
        customer = cls.create_customer(
            name, late_payment_policy_id=cls.policy_b.id)
        customer.with_context(
            force_company=cls.company_b.id).property_account_receivable_id \
            = cls.receivable_b
        invoice = create_invoice(
            cls.env, customer, 800.0, cls.receivable_b, cls.income_b,
            cls.journal_b, date_invoice='2023-11-01', date_due=due,
            currency=cls.company_b.currency_id)
        assert invoice.late_payment_policy_id == cls.policy_b
        return invoice

    def new_mails(self, invoices):
        return self.mails(invoices).filtered(
            lambda mail: mail.id not in self.mail_ids)

    def test_one_run_per_company_on_its_local_day(self):
        runs = {run.company_id: run for run in self.runs}
        self.assertEqual(runs[self.company_a].as_of, DAY_A)
        self.assertEqual(runs[self.company_b].as_of, DAY_B)
        self.assertEqual(set(self.runs.mapped('state')), {'done'})
        self.assertEqual(self.runs.mapped('trigger'), ['cron'] * len(
            self.runs))
        # the heads-up (-3) of the invoice due on the 4th went out
        self.assertEqual(runs[self.company_a].log_ids.mapped('invoice_id'),
                         self.invoices_a)
        self.assertEqual(runs[self.company_b].log_ids.mapped('invoice_id'),
                         self.b_due)
        self.assertEqual(runs[self.company_b].fee_count, 1)

    def test_stage_fires_on_the_company_day(self):
        """The 5th's stages: reached in Auckland, not yet in New York."""
        logs_b = self.logs(self.invoices_b)
        self.assertEqual(logs_b.mapped('invoice_id'), self.b_due)
        self.assertEqual(logs_b.mapped('date'), [DAY_B])
        self.assertEqual(logs_b.mapped('stage_id'), self.policy_b.stage_ids)
        self.assertFalse(self.logs(self.a_not_yet).filtered(
            lambda log: log.stage_id == self.stages[1]))
        fired = self.logs(self.a_final).filtered(
            lambda log: log.state == 'done')
        self.assertEqual(fired.stage_id, self.stages[30])
        self.assertEqual(set(self.logs(self.invoices_a).mapped('date')),
                         {DAY_A})
        self.assertEqual(self.logs(self.invoices_a).mapped('company_id'),
                         self.company_a)
        self.assertEqual(logs_b.company_id, self.company_b)

    def test_emails_use_the_company_template_and_sender(self):
        mails_b = self.new_mails(self.invoices_b)
        self.assertEqual(len(mails_b), 1)
        self.assertEqual(mails_b.subject,
                         'Kiwi Ltd: please pay %s' % self.b_due.number)
        self.assertIn('accounts@kiwi.example.com', mails_b.email_from)
        self.assertEqual(mails_b.recipient_ids,
                         self.b_due.commercial_partner_id)
        mails_a = self.new_mails(self.invoices_a)
        self.assertTrue(mails_a)
        for mail in mails_a:
            self.assertIn('ar@company-a.example.com', mail.email_from)
            self.assertNotIn('Kiwi', mail.subject)
            self.assertIn(self.company_a.name, mail.subject)
        self.assertEqual(mails_a.mapped('recipient_ids'),
                         self.invoices_a.mapped('commercial_partner_id'))

    def test_fees_in_the_company_currency_journal_and_company(self):
        fee_b = self.b_due.late_fee_invoice_ids
        self.assertEqual(len(fee_b), 1)
        self.assertEqual(
            (fee_b.company_id, fee_b.currency_id, fee_b.journal_id,
             fee_b.amount_total, fee_b.state),
            (self.company_b, self.company_b.currency_id, self.journal_b,
             25.0, 'open'))
        fees_a = self.invoices_a.mapped('late_fee_invoice_ids')
        self.assertEqual(len(fees_a), 2)
        self.assertEqual(fees_a.mapped('company_id'), self.company_a)
        self.assertEqual(fees_a.mapped('currency_id'),
                         self.company_a.currency_id)
        self.assertEqual(fees_a.mapped('journal_id'), self.sale_journal)
        self.assertEqual(fees_a.mapped('amount_total'), [40.0, 40.0])
        self.assertNotEqual(self.company_a.currency_id,
                            self.company_b.currency_id)

    def test_activities_for_users_of_the_company(self):
        activities_b = self.activities(self.invoices_b, self.call)
        self.assertEqual(activities_b.mapped('user_id'), self.manager_b)
        activities_a = self.activities(self.invoices_a, self.call)
        self.assertEqual(activities_a.mapped('res_id'), self.a_final.ids)
        self.assertEqual(activities_a.mapped('user_id'), self.clerk)
        self.assertIn(self.company_a, self.clerk.company_ids)
        self.assertNotIn(self.company_b, self.clerk.company_ids)

    def test_credit_holds_on_the_company_customers_only(self):
        held = (self.invoices_a | self.invoices_b).mapped(
            'commercial_partner_id').filtered('credit_hold')
        self.assertEqual(held, (self.a_hold | self.b_due).mapped(
            'commercial_partner_id'))
        self.assertEqual(self.b_due.commercial_partner_id.credit_hold_date,
                         DAY_B)
        self.assertEqual(self.a_hold.commercial_partner_id.credit_hold_date,
                         DAY_A)

    def test_kpis_per_company(self):
        """The customer KPIs count the user's company's invoices only: a
        user of A sees nothing overdue or reminded at B's customers, and
        the other way round."""
        for user, own, other in (
                (self.clerk, self.invoices_a, self.invoices_b),
                (self.manager_b, self.invoices_b, self.invoices_a)):
            partners = self.env['res.partner'].sudo(user).with_context(
                late_payment_as_of=DAY_B)
            for partner in partners.browse(
                    other.mapped('commercial_partner_id').ids):
                self.assertEqual(
                    (partner.collections_overdue_amount,
                     partner.collections_reminder_count), (0, 0),
                    user.login)
            reminded = (own - self.a_not_yet - self.b_not_yet).mapped(
                'commercial_partner_id')
            for partner in partners.browse(reminded.ids):
                self.assertGreaterEqual(partner.collections_overdue_amount,
                                        800.0, user.login)
                self.assertEqual(partner.collections_reminder_count, 1,
                                 user.login)

    def test_follow_up_list_per_company(self):
        Invoice = self.env['account.invoice']
        for user, own, other in (
                (self.clerk, self.invoices_a, self.invoices_b),
                (self.manager_b, self.invoices_b, self.invoices_a)):
            late = Invoice.sudo(user).with_context(
                late_payment_as_of=DAY_B).search(
                    [('late_payment_state', 'in', ('late', 'overdue'))])
            self.assertFalse(late & other, user.login)
            self.assertTrue(late & own, user.login)

    def test_run_records_logs_and_fees_per_company(self):
        run_a, run_b = [self.runs.filtered(
            lambda run, company=company: run.company_id == company)
            for company in (self.company_a, self.company_b)]
        fee_b = self.b_due.late_fee_invoice_ids
        for user, own_run, other_run, other_invoices in (
                (self.accountant_a, run_a, run_b, self.invoices_b),
                (self.accountant_b, run_b, run_a, self.invoices_a)):
            Run = self.env['payment.reminder.run'].sudo(user)
            self.assertIn(own_run, Run.search([]))
            self.assertNotIn(other_run, Run.search([]))
            with self.assertRaises(AccessError):
                Run.browse(other_run.id).read(['as_of'])
            logs = self.env['payment.reminder.log'].sudo(user).search(
                [('invoice_id', 'in', other_invoices.ids)])
            self.assertFalse(logs)
            fees = self.env['late.fee.charge'].sudo(user).search(
                [('invoice_id', 'in', other_invoices.ids)])
            self.assertFalse(fees)
        with self.assertRaises(AccessError):
            fee_b.sudo(self.accountant_a).read(['amount_total'])

    def test_explicit_day_is_one_run_over_every_company(self):
        """The replay tool keeps its single day for every company."""
        before = self.env['payment.reminder.run'].search([]).ids
        self.run_day('2023-12-06')
        run = self.env['payment.reminder.run'].search(
            [('id', 'not in', before)])
        self.assertEqual((len(run), run.as_of, run.company_id.id),
                         (1, '2023-12-06', False))
        self.assertEqual(
            self.logs(self.b_not_yet).mapped('date'), ['2023-12-06'])
        self.assertTrue(self.logs(self.a_not_yet).filtered(
            lambda log: log.stage_id == self.stages[1]))

    def test_dashboard_figures_per_company(self):
        """The collections dashboard of each company's user: its own
        currency and fees only; another company's figures out of reach."""
        for user, company, fees in ((self.clerk, self.company_a, 80.0),
                                    (self.manager_b, self.company_b, 25.0)):
            dashboard = self.env['collections.dashboard'].sudo(user).create(
                {'date_from': '2023-09-01', 'date_to': DAY_B})
            self.assertEqual(
                (dashboard.company_id, dashboard.currency_id,
                 dashboard.fees_charged),
                (company, company.currency_id, fees), user.login)
            own = (self.invoices_a if company == self.company_a
                   else self.invoices_b)
            self.assertEqual(
                dashboard.receivables,
                sum((own | own.mapped('late_fee_invoice_ids')).mapped(
                    'residual_company_signed')), user.login)
        other = self.env['collections.dashboard'].sudo(self.clerk).new(
            {'date_from': '2023-09-01', 'date_to': DAY_B,
             'company_id': self.company_b.id})
        self.assertEqual((other.fees_charged, other.receivables), (0, 0))

    def test_company_day_at_the_instant(self):
        """Auckland (UTC+13 in December) turns to the 5th at 11:00 UTC;
        a company without a timezone takes UTC's day."""
        Run = self.env['payment.reminder.run']

        def day(now, company):
            return dict(Run._company_days(now))[company]
        self.assertEqual(day('2023-12-04 10:59:59', self.company_b), DAY_A)
        self.assertEqual(day('2023-12-04 11:00:00', self.company_b), DAY_B)
        self.assertEqual(day('2023-12-05 04:59:59', self.company_a), DAY_A)
        self.assertEqual(day('2023-12-05 05:00:00', self.company_a), DAY_B)
        self.company_b.partner_id.tz = False
        self.assertEqual(day('2023-12-04 23:59:59', self.company_b), DAY_A)
        self.assertEqual(day('2023-12-05 00:00:00', self.company_b), DAY_B)
