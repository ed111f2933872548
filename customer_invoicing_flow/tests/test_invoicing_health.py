# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Invoicing health: each kind of finding on a planted defect, nothing on
clean data, resolved once the cause is fixed, never twice; company rules,
access and the buttons as the web client calls them. Dates are fixed
(2031), every check gets its ``as_of``."""
import psycopg2

from odoo.api import call_kw
from odoo.exceptions import AccessError, UserError
from odoo.tools import mute_logger

from .common import CustomerInvoicingFlowCase, create_company, create_user

AS_OF = '2031-03-31'
ACTION_CONTEXT = {'search_default_open': 1, 'search_default_group_kind': 1,
                  'default_type': 'out_invoice'}


class TestInvoicingHealth(CustomerInvoicingFlowCase):

    @classmethod
    def setUpClass(cls):
        super(TestInvoicingHealth, cls).setUpClass()
        cls.Finding = cls.env['invoicing.health.finding']
        cls.journal = cls.env['account.journal'].create({
            'name': 'CIF Health invoices', 'code': 'HLTH', 'type': 'sale',
            'company_id': cls.company.id, 'update_posted': True,
            'refund_sequence': True,
            'default_credit_account_id': cls.account_income.id,
            'default_debit_account_id': cls.account_income.id,
        })
        cls.customer = cls.create_customer('CIF Health Customer')
        cls.product = cls.create_product('CIF Health Widget', price=50.0)
        cls.manager = create_user(cls.env, 'accounting_manager',
                                  'Health Manager', 'health_manager')
        cls.clerk = create_user(cls.env, 'invoicing', 'Health Clerk',
                                'health_clerk')
        cls.company.health_user_id = cls.manager

    # helpers ----------------------------------------------------------------
    def invoice(self, day, taxes=None, sent=True, validate=True,
                type_='out_invoice', **vals):
        """A posted invoice of the health journal dated 2031-03-``day``,
        validated that day at 09:00 and (``sent``) emailed at 10:00."""
        date = '2031-03-%02d' % day
        values = {
            'type': type_, 'partner_id': self.customer.id,
            'account_id': self.account_receivable.id,
            'journal_id': self.journal.id, 'company_id': self.company.id,
            'date_invoice': date,
            'invoice_line_ids': [(0, 0, {
                'name': 'Widget', 'product_id': self.product.id,
                'quantity': 2.0, 'price_unit': 50.0,
                'account_id': self.account_income.id,
                'invoice_line_tax_ids': [(6, 0, (
                    self.product.taxes_id if taxes is None else taxes).ids)],
            })],
        }
        values.update(vals)
        invoice = self.env['account.invoice'].create(values)
        if validate:
            invoice.compute_taxes()
            invoice.action_invoice_open()
            invoice.write({'validated_date': date + ' 09:00:00'})
            if sent:
                invoice.write({'sent_date': date + ' 10:00:00'})
        return invoice

    def check(self, as_of=AS_OF):
        return self.Finding._cron_check(as_of=as_of, companies=self.company)

    def findings(self, records, kind=None, state=None):
        domain = [('res_model', '=', records._name),
                  ('res_id', 'in', records.ids)]
        if kind:
            domain.append(('kind', '=', kind))
        if state:
            domain.append(('state', '=', state))
        return self.Finding.search(domain)

    def advance_sequence(self, invoice_type, by):
        sequence = self.journal.refund_sequence_id \
            if invoice_type == 'out_refund' else self.journal.sequence_id
        date_range = sequence.date_range_ids.filtered(
            lambda r: r.date_from <= AS_OF <= r.date_to)
        date_range.number_next_actual += by

    # clean data -------------------------------------------------------------
    def test_clean_data_has_no_finding(self):
        invoices = self.invoice(2) | self.invoice(3) | self.invoice(3)
        refund = self.invoice(4, type_='out_refund')
        cancelled = self.invoice(5)
        cancelled.action_invoice_cancel()
        after = self.invoice(6)
        self.check()
        self.check()
        everything = invoices | refund | cancelled | after
        self.assertFalse(self.findings(everything))
        self.assertFalse(self.findings(self.journal))
        # the credit note has its own sequence, the cancelled invoice keeps
        # its number between its neighbours'
        self.assertTrue(refund.number.startswith('RHLTH/'))
        self.assertFalse(cancelled.number)
        self.assertTrue(invoices[-1].number < cancelled.move_name
                        < after.number)

    # numbering --------------------------------------------------------------
    def test_gap_of_three_numbers(self):
        first = self.invoice(2)
        self.advance_sequence('out_invoice', 3)
        second = self.invoice(3)
        self.invoice(4, type_='out_refund')
        new = self.check()
        gap = self.findings(self.journal)
        self.assertEqual(len(gap), 1)
        self.assertEqual(gap.kind, 'numbering_gap')
        self.assertEqual(gap.severity, 'high')
        prefix, last = first.number[:-4], int(first.number[-4:])
        missing = ['%s%04d' % (prefix, last + n) for n in (1, 2, 3)]
        self.assertEqual(second.number, '%s%04d' % (prefix, last + 4))
        self.assertIn(', '.join(missing), gap.message)
        self.assertIn('3 number(s) missing', gap.message)
        self.assertIn(gap, new)
        # nothing else on the invoices themselves
        self.assertFalse(self.findings(first | second))
        # a second check keeps it, once
        self.assertFalse(self.check())
        self.assertEqual(self.findings(self.journal), gap)
        self.assertEqual(gap.state, 'open')

    def test_invoice_dated_later_but_numbered_is_no_gap(self):
        """Odoo's own demo invoices are dated days ahead: validated by the
        day checked, their numbers are used, not missing."""
        self.invoice(2)
        ahead = self.invoice(25)
        ahead.write({'validated_date': '2031-03-03 09:00:00'})
        after = self.invoice(4)
        self.check(as_of='2031-03-05')
        self.assertFalse(self.findings(self.journal, 'numbering_gap'))
        # a higher number dated before a lower one: an irregularity of its own
        self.assertEqual(
            self.findings(ahead | after, 'numbering_date_order').res_id,
            after.id)

    def test_duplicate_number_written_by_sql(self):
        first, second = self.invoice(2), self.invoice(3)
        original = second.move_name
        # as a bug or an import would: the number of the first on the second
        self.env.cr.execute(
            "UPDATE account_invoice SET move_name = %s WHERE id = %s",
            (first.move_name, second.id))
        self.env.cr.execute(
            "UPDATE account_move SET name = %s WHERE id = %s",
            (first.move_name, second.move_id.id))
        self.check()
        found = self.findings(first | second)
        self.assertEqual(found.mapped('kind'), ['numbering_duplicate'] * 2)
        self.assertEqual(set(found.mapped('res_id')),
                         {first.id, second.id})
        self.assertIn(first.move_name, found[0].message)
        self.assertFalse(self.findings(self.journal), "no gap")
        # the number corrected: the next check resolves both, adds nothing
        self.env.cr.execute(
            "UPDATE account_invoice SET move_name = %s WHERE id = %s",
            (original, second.id))
        self.assertFalse(self.check())
        self.assertEqual(set(found.mapped('state')), {'resolved'})
        self.assertEqual(found.mapped('resolved_date'),
                         ['2031-03-31 23:59:59'] * 2)

    def test_number_out_of_date_order(self):
        earlier = self.invoice(10)
        later = self.invoice(5)
        self.check()
        self.assertFalse(self.findings(earlier))
        found = self.findings(later)
        self.assertEqual(found.kind, 'numbering_date_order')
        self.assertIn(earlier.number, found.message)

    # taxes ------------------------------------------------------------------
    def test_line_with_another_tax_than_its_product(self):
        wrong = self.invoice(2, taxes=self.tax_0)
        mapped = self.invoice(
            3, taxes=self.tax_0,
            fiscal_position_id=self.fiscal_position_export.id)
        self.check()
        found = self.findings(wrong)
        self.assertEqual(found.kind, 'tax_mismatch')
        self.assertEqual(found.key, 'line-%s-product' % (
            wrong.invoice_line_ids.id))
        self.assertIn(self.tax_0.name, found.message)
        self.assertIn(self.tax_15.name, found.message)
        self.assertFalse(self.findings(mapped),
                         "the export position maps 15% to 0%")
        # cancelled, the invoice no longer counts
        wrong.action_invoice_cancel()
        self.check()
        self.assertEqual(found.state, 'resolved')

    # deliveries -------------------------------------------------------------
    def test_delivery_done_three_days_ago_not_invoiced(self):
        self.assertEqual(self.customer._get_auto_invoice_mode(self.company),
                         'off')
        order = self.create_sale_order(self.customer, [(self.product, 3)])
        picking = self.deliver(order)
        self.assertEqual(picking.state, 'done')
        self.assertFalse(order.invoice_ids)
        picking.write({'date_done': '2031-03-28 10:00:00'})
        # 20 hours later: within the day allowed
        self.check('2031-03-29 06:00:00')
        self.assertFalse(self.findings(order))
        self.check()
        found = self.findings(order)
        self.assertEqual(found.kind, 'delayed_invoicing')
        self.assertEqual(found.key, 'not_invoiced')
        self.assertIn(order.name, found.message)
        self.assertIn('85 hours', found.message)
        # invoiced: resolved by the next check
        order.action_invoice_create()
        self.check()
        self.assertEqual(found.state, 'resolved')

    def test_order_pending_after_an_invoicing_error(self):
        order = self.create_sale_order(self.customer, [(self.product, 1)])
        order.write({'auto_invoice_pending': True,
                     'auto_invoice_error': 'No income account.'})
        self.check()
        found = self.findings(order)
        self.assertEqual(found.key, 'pending')
        self.assertEqual(found.severity, 'high')
        self.assertIn('No income account.', found.message)

    # orders -----------------------------------------------------------------
    def test_invoice_differing_from_its_order(self):
        order = self.create_sale_order(
            self.customer, [(self.product, 2)], client_order_ref='PO-77')
        self.deliver(order)
        invoice = self.env['account.invoice'].browse(
            order.action_invoice_create())
        invoice.write({'client_order_ref': 'PO-78',
                       'date_invoice': '2031-03-05'})
        invoice.invoice_line_ids.write({'price_unit': 45.0})
        invoice.compute_taxes()
        invoice.action_invoice_open()
        invoice.write({'sent_date': '2031-03-05 10:00:00'})
        self.check()
        found = self.findings(invoice)
        self.assertEqual(set(found.mapped('kind')), {'order_mismatch'})
        self.assertEqual(set(found.mapped('key')), {
            'ref-%s' % order.id,
            'price-%s' % invoice.invoice_line_ids.id})
        self.assertFalse(self.findings(order), "invoiced in time")

    # sending ----------------------------------------------------------------
    def test_invoice_posted_twenty_days_ago_never_sent(self):
        invoice = self.invoice(11, sent=False)
        self.check('2031-03-12')
        self.assertFalse(self.findings(invoice), "one day is not late")
        self.check()
        found = self.findings(invoice)
        self.assertEqual(found.kind, 'never_sent')
        self.assertIn('20 days later', found.message)
        self.assertEqual(found.first_seen, '2031-03-31 23:59:59')
        # a second check a day later: the same finding, seen again
        self.assertFalse(self.check('2031-04-01'))
        self.assertEqual(self.findings(invoice), found)
        self.assertEqual(found.first_seen, '2031-03-31 23:59:59')
        self.assertEqual(found.last_seen, '2031-04-01 23:59:59')
        self.assertIn('21 days later', found.message)
        invoice._mark_sent('2031-04-02 08:00:00')
        self.check('2031-04-02')
        self.assertEqual(found.state, 'resolved')
        self.assertEqual(len(self.findings(invoice)), 1)

    # the record -------------------------------------------------------------
    def test_a_finding_is_never_added_twice(self):
        invoice = self.invoice(11, sent=False)
        self.check()
        found = self.findings(invoice)
        values = {name: found[name] for name in (
            'kind', 'res_model', 'res_id', 'key', 'severity', 'first_seen',
            'last_seen')}
        values['company_id'] = found.company_id.id
        with mute_logger('odoo.sql_db'), self.assertRaises(
                psycopg2.IntegrityError):
            with self.env.cr.savepoint():
                self.Finding.create(values)

    def test_digest_activity_for_new_high_findings(self):
        first, second = self.invoice(2), self.invoice(3)
        self.env.cr.execute(
            "UPDATE account_invoice SET move_name = %s WHERE id = %s",
            (first.move_name, second.id))
        Activity = self.env['mail.activity']
        before = Activity.search([('user_id', '=', self.manager.id)])
        self.check()
        activities = Activity.search(
            [('user_id', '=', self.manager.id)]) - before
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.res_model, 'invoicing.health.finding')
        self.assertIn(first.move_name, activities.note)
        self.check()
        self.assertEqual(Activity.search(
            [('user_id', '=', self.manager.id)]) - before, activities)

    def test_accuracy_kpi(self):
        self.invoice(2)
        self.invoice(3, sent=False)
        self.invoice(4)
        self.check()
        kpi = self.Finding._accuracy_kpi(self.company, '2031-03-01',
                                         '2031-03-31')
        self.assertEqual((kpi['total'], kpi['clean']), (3, 2))
        self.assertEqual(str(kpi['accuracy']), '0.6667')
        self.assertEqual([month[0] for month in kpi['by_month']],
                         ['2031-03'])
        self.assertGreaterEqual(kpi['open_by_kind']['never_sent'], 1)
        html = self.Finding._dashboard_html(self.company, '2031-03-01',
                                            '2031-03-31')
        self.assertIn('66.7 %', html)
        self.assertIn('2 of 3 invoices without a finding', html)
        self.assertIn('Never sent', html)

    def test_queries_do_not_grow_with_the_invoices(self):
        """The check reads its facts in set-based queries: as many queries
        for 1 new invoice never sent as for 6."""
        self.invoice(11, sent=False)
        self.check('2031-03-30')  # warm-up (the first findings of the day)

        def queries(as_of):
            self.env.cache.invalidate()
            before = self.env.cr.sql_log_count
            self.check(as_of)
            return self.env.cr.sql_log_count - before

        self.invoice(12, sent=False)
        one = queries('2031-03-31')
        for day in range(13, 18):
            self.invoice(day, sent=False)
        six = queries('2031-04-01')
        self.assertEqual(one, six)
        self.assertTrue(5 < one < 40, one)

    # companies and access ---------------------------------------------------
    def test_findings_of_another_company_are_invisible(self):
        other = create_company(self.env, name='CIF Health Other')
        invoice = self.invoice(11, sent=False)
        self.check()
        mine = self.findings(invoice)
        self.assertEqual(mine.company_id, self.company)
        theirs = self.Finding.sudo().create({
            'company_id': other.id, 'kind': 'never_sent',
            'res_model': 'account.invoice', 'res_id': invoice.id,
            'key': 'sent', 'severity': 'low',
            'first_seen': '2031-03-31 00:00:00',
            'last_seen': '2031-03-31 00:00:00'})
        other_clerk = create_user(
            self.env, 'invoicing', 'Health Other Clerk',
            'health_other_clerk', company_id=other.id,
            company_ids=[(6, 0, other.ids)])
        as_clerk = self.Finding.sudo(self.clerk)
        self.assertIn(mine, as_clerk.search([]))
        self.assertNotIn(theirs, as_clerk.search([]))
        self.assertEqual(
            self.Finding.sudo(other_clerk).search([]), theirs)

    def test_buttons_as_the_web_client_calls_them(self):
        invoice = self.invoice(11, sent=False)
        self.check()
        found = self.findings(invoice)
        action = call_kw(self.Finding.sudo(self.clerk), 'action_open_record',
                         [found.ids, ACTION_CONTEXT], {})
        self.assertEqual((action['res_model'], action['res_id']),
                         ('account.invoice', invoice.id))
        with self.assertRaises(AccessError):
            call_kw(self.Finding.sudo(self.clerk), 'action_acknowledge',
                    [found.ids, ACTION_CONTEXT], {})
        with self.assertRaises(UserError):
            call_kw(self.Finding.sudo(self.manager), 'action_acknowledge',
                    [found.ids, ACTION_CONTEXT], {})
        found.sudo(self.manager).acknowledge_reason = 'Handed over in person'
        call_kw(self.Finding.sudo(self.manager), 'action_acknowledge',
                [found.ids, ACTION_CONTEXT], {})
        self.assertEqual((found.state, found.acknowledged,
                          found.acknowledged_by),
                         ('resolved', True, self.manager))
        # the cause remains, the acknowledged finding stays resolved
        self.check('2031-04-01')
        self.assertEqual(found.state, 'resolved')
        self.assertEqual(found.last_seen, '2031-04-01 23:59:59')
        # "Check now" from the list's wizard
        Wizard = self.env['invoicing.health.check'].sudo(self.clerk)
        wizard = Wizard.create({'as_of': '2031-04-02'})
        result = call_kw(Wizard, 'action_check',
                         [wizard.ids, ACTION_CONTEXT], {})
        self.assertEqual(result['res_model'], 'invoicing.health.finding')
        self.assertEqual(found.last_seen, '2031-04-02 23:59:59')

    def test_invoicing_users_reach_the_findings_from_reporting(self):
        """Odoo shows Invoicing > Reporting to accounting managers only; the
        findings and Check Now are in it for invoicing users too."""
        salesman = create_user(self.env, 'salesman', 'Health Salesman',
                               'health_salesman')
        findings = self.env.ref(
            'customer_invoicing_flow.invoicing_health_finding_menu')
        check = self.env.ref(
            'customer_invoicing_flow.invoicing_health_check_menu')
        Menu = self.env['ir.ui.menu']
        for user in (self.clerk, self.manager):
            visible = Menu.sudo(user)._visible_menu_ids()
            self.assertIn(findings.id, visible, user.login)
            self.assertIn(check.id, visible, user.login)
            self.assertIn(self.env.ref('account.menu_finance_reports').id,
                          visible, user.login)
        self.assertNotIn(findings.id,
                         Menu.sudo(salesman)._visible_menu_ids())

    def test_collections_dashboard_shows_the_health(self):
        self.invoice(2)
        self.invoice(3, sent=False)
        self.check()
        dashboard = self.env['collections.dashboard'].create({
            'period': 'custom', 'date_from': '2031-03-01',
            'date_to': '2031-03-31', 'company_id': self.company.id})
        self.assertIn('Invoicing accuracy:', dashboard.health_html)
        self.assertIn('50.0 %', dashboard.health_html)
        self.assertIn('1 of 2 invoices without a finding',
                      dashboard.health_html)

    def test_fee_charged_after_payment_and_reminder_without_email(self):
        origin, fee = self.invoice(2), self.invoice(20)
        # as a bug would leave it: the origin paid before the charge date
        self.env.cr.execute(
            "UPDATE account_invoice SET paid_date = '2031-03-10' "
            "WHERE id = %s", (origin.id,))
        charge = self.env['late.fee.charge'].create({
            'invoice_id': origin.id, 'fee_invoice_id': fee.id,
            'currency_id': origin.currency_id.id, 'date': '2031-03-20',
            'amount': 100.0})
        policy = self.env['late.payment.policy'].create({
            'name': 'CIF Health policy', 'company_id': self.company.id,
            'stage_ids': [(0, 0, {
                'name': 'First reminder', 'day_offset': 1, 'send_email': True,
                'mail_template_id': self.env.ref(
                    'customer_invoicing_flow.mail_template_reminder_late').id,
            })]})
        log = self.env['payment.reminder.log'].create({
            'invoice_id': origin.id, 'stage_id': policy.stage_ids.id,
            'company_id': self.company.id, 'date': '2031-03-05',
            'state': 'done', 'email_sent': False})
        self.check()
        found = self.findings(fee, kind='fee_inconsistent')
        self.assertEqual(found.key, 'paid-before-%s' % charge.id)
        self.assertIn('2031-03-10', found.message)
        reminder = self.findings(log)
        self.assertEqual((reminder.kind, reminder.key),
                         ('fee_inconsistent', 'missing-email'))
        # the email sent: resolved
        log.write({'email_sent': True})
        self.check()
        self.assertEqual(reminder.state, 'resolved')
        self.assertEqual(found.state, 'open')
