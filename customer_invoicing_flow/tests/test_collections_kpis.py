# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Collections dashboard and analysis on a small hand-built book.

March 2023 (31 days), company currency, no tax:

====  ====  ======  ==========  ==========  ===========================
inv   cust  amount  date        due         payments
====  ====  ======  ==========  ==========  ===========================
I1    A     1000    2023-02-01  2023-03-03  1000 on 03-10 (late)
I2    A      500    2023-03-01  2023-03-15  500 on 03-15 (on time)
I3    B      800    2023-03-05  2023-03-20  300 on 03-25 (open, late)
I4    B      400    2023-03-10  2023-03-31  credit note R1 100 on 03-28
I5    C      200    2023-01-10  2023-01-31  -
I6    A      300    2023-03-02  2023-03-10  300 on 04-05 (after March)
I7    C      600    2022-12-01  2022-12-15  -
I8    C      150    2022-12-20  2023-01-15  -
F1    A       25    2023-03-12  2023-03-27  10 on 03-20 (fee for I1)
R1    B     -100    2023-03-28              reconciled with I4
====  ====  ======  ==========  ==========  ===========================
"""
import re
from datetime import date
from decimal import Decimal as D

from lxml import etree

from odoo.api import call_kw
from odoo.exceptions import ValidationError

from .common import LatePaymentCase


class TestCollectionsKpis(LatePaymentCase):

    @classmethod
    def setUpClass(cls):
        super(TestCollectionsKpis, cls).setUpClass()
        cls.customer_a = cls.customer
        cls.customer_b = cls.create_customer('CIF Customer B')
        cls.customer_c = cls.create_customer('CIF Customer C')
        a, b, c = cls.customer_a, cls.customer_b, cls.customer_c
        cls.i1 = cls.create_invoice(1000, '2023-02-01', '2023-03-03',
                                    partner=a)
        cls.i2 = cls.create_invoice(500, '2023-03-01', '2023-03-15',
                                    partner=a)
        cls.i3 = cls.create_invoice(800, '2023-03-05', '2023-03-20',
                                    partner=b)
        cls.i4 = cls.create_invoice(400, '2023-03-10', '2023-03-31',
                                    partner=b)
        cls.i5 = cls.create_invoice(200, '2023-01-10', '2023-01-31',
                                    partner=c)
        cls.i6 = cls.create_invoice(300, '2023-03-02', '2023-03-10',
                                    partner=a)
        cls.i7 = cls.create_invoice(600, '2022-12-01', '2022-12-15',
                                    partner=c)
        cls.i8 = cls.create_invoice(150, '2022-12-20', '2023-01-15',
                                    partner=c)
        cls.f1 = cls.create_invoice(25, '2023-03-12', '2023-03-27',
                                    partner=a)
        cls.f1.late_fee_origin_id = cls.i1
        cls.pay(cls.i1, 1000, '2023-03-10')
        cls.pay(cls.i2, 500, '2023-03-15')
        cls.pay(cls.i3, 300, '2023-03-25')
        cls.pay(cls.i6, 300, '2023-04-05')
        cls.pay(cls.f1, 10, '2023-03-20')
        cls.r1 = cls.credit_note(cls.i4, 100, '2023-03-28')
        # Deliveries: I2 6.5 hours and I3 23 hours before validation; I1
        # (24 hours) is dated in February.
        for invoice, delivered, validated in (
                (cls.i1, '2023-01-31 08:00:00', '2023-02-01 08:00:00'),
                (cls.i2, '2023-03-01 08:00:00', '2023-03-01 14:30:00'),
                (cls.i3, '2023-03-04 10:00:00', '2023-03-05 09:00:00')):
            invoice.write({'delivery_date': delivered,
                           'validated_date': validated})
        cls.march = cls.env['collections.dashboard'].create({
            'date_from': '2023-03-01', 'date_to': '2023-03-31',
            'company_id': cls.company.id})

    def test_data_set(self):
        self.assertEqual(self.i1.paid_date, '2023-03-10')
        self.assertEqual(self.i6.paid_date, '2023-04-05')
        self.assertEqual(self.i4.residual, 300.0)
        self.assertEqual(self.r1.state, 'paid')
        self.assertEqual(self.f1.residual, 15.0)
        self.assertEqual(self.i1.late_fee_invoice_ids, self.f1)

    def test_dso(self):
        dashboard = self.march
        self.assertEqual(dashboard.period_days, 31)
        # dated in March: I2 500 + I3 800 + I4 400 + I6 300 + F1 25 - R1 100
        self.assertEqual(dashboard.credit_sales, 1925.0)
        # open on March 31: I3 500 + I4 300 + I5 200 + I6 300 (paid in
        # April) + I7 600 + I8 150 + F1 15; I1, I2 and R1 settled
        self.assertEqual(dashboard.receivables, 2065.0)
        # 2065 / 1925 x 31 = 33.2545... -> 33.25
        self.assertEqual(dashboard.dso, 33.25)

    def test_aging_at_period_end(self):
        dashboard = self.march
        self.assertEqual(dashboard.aging_not_due, 300.0)   # I4 (due 03-31)
        # I3 11 days (500), I6 21 days (300), F1 4 days (15)
        self.assertEqual(dashboard.aging_1_30, 815.0)
        self.assertEqual(dashboard.aging_31_60, 200.0)     # I5 59 days
        self.assertEqual(dashboard.aging_61_90, 150.0)     # I8 75 days
        self.assertEqual(dashboard.aging_90_plus, 600.0)   # I7 106 days
        self.assertEqual(dashboard.aging_total, dashboard.receivables)
        self.assertIn('815.00', dashboard.aging_html)

    def test_delivery_and_payment_speed(self):
        dashboard = self.march
        # (6.5 + 23) / 2; I1 is dated in February
        self.assertEqual(dashboard.delivered_invoice_count, 2)
        self.assertEqual(dashboard.avg_delivery_to_invoice_hours, 14.75)
        # paid in March: I1 (02-01 -> 03-10) 37 days, I2 14 days; F1 and
        # I3 are partly paid, R1 is a credit note
        self.assertEqual(dashboard.paid_invoice_count, 2)
        self.assertEqual(dashboard.avg_days_to_pay, 25.5)

    def test_on_time_and_late_customers(self):
        dashboard = self.march
        # due in March and decided on March 31: I1 late, I2 on time, I3
        # late, I6 late (paid in April), F1 late; I4 is due on the 31st
        self.assertEqual(dashboard.due_invoice_count, 5)
        self.assertEqual(dashboard.late_invoice_count, 4)
        self.assertEqual(dashboard.on_time_rate, 20.0)
        # A: I1, I6, F1; B: I3; C: nothing due in March
        html = dashboard.top_late_html
        self.assertIn('CIF Late Payer', html)
        self.assertIn('CIF Customer B', html)
        self.assertNotIn('CIF Customer C', html)
        self.assertLess(html.index('CIF Late Payer'),
                        html.index('CIF Customer B'))
        self.assertIn('<td class="text-right">3</td>', html)

    def test_fees(self):
        self.assertEqual(self.march.fees_charged, 25.0)
        self.assertEqual(self.march.fees_collected, 10.0)

    def test_other_period(self):
        april = self.env['collections.dashboard'].create({
            'date_from': '2023-04-01', 'date_to': '2023-04-30',
            'company_id': self.company.id})
        self.assertEqual(april.credit_sales, 0.0)
        self.assertEqual(april.dso, 0.0)
        # I6 paid: 2065 - 300
        self.assertEqual(april.receivables, 1765.0)
        self.assertEqual(april.avg_days_to_pay, 34.0)   # I6 03-02 -> 04-05
        self.assertEqual(april.fees_charged, 0.0)
        self.assertEqual(april.due_invoice_count, 0)
        # as of April 30: I4 30 days, F1 34, I3 41, I5 89, I8 105, I7 136
        self.assertEqual(
            [april.aging_not_due, april.aging_1_30, april.aging_31_60,
             april.aging_61_90, april.aging_90_plus],
            [0.0, 300.0, 515.0, 200.0, 750.0])

    def test_reversed_period_is_refused(self):
        dashboard = self.env['collections.dashboard'].new({
            'date_from': '2023-03-31', 'date_to': '2023-03-01',
            'company_id': self.company.id})
        self.assertEqual((dashboard.dso, dashboard.aging_total), (0.0, 0.0))
        with self.assertRaises(ValidationError):
            self.env['collections.dashboard'].create({
                'date_from': '2023-03-31', 'date_to': '2023-03-01'})

    def test_default_period(self):
        dashboard = self.env['collections.dashboard'].create({})
        self.assertEqual(dashboard.date_from[8:], '01')
        self.assertEqual(dashboard.date_from[:7], dashboard.date_to[:7])
        self.assertEqual(dashboard.company_id, self.company)

    def test_query_count_does_not_grow_with_invoices(self):
        def count(dashboard):
            dashboard.invalidate_cache()
            before = self.cr.sql_log_count
            dashboard.dso  # pylint: disable=pointless-statement
            return self.cr.sql_log_count - before

        count(self.march)
        before = count(self.march)
        # 16 for any number of invoices: the dashboard, its user's
        # companies (the record rule), its company and currency, the
        # period's invoices (one query for the amounts; a search and a
        # read each for the delivery times, the payment times and the
        # late customers), the late customers' names, the user, partner
        # and language (amounts formatted)
        self.assertEqual(before, 16)
        for day in ('2023-03-06', '2023-03-07', '2023-03-08'):
            for partner in (self.customer_a, self.customer_b):
                invoice = self.create_invoice(50, day, '2023-03-20',
                                              partner=partner)
                invoice.write({'delivery_date': '2023-03-01 08:00:00',
                               'validated_date': day + ' 08:00:00'})
                self.pay(invoice, 50, '2023-03-25')
        self.assertEqual(self.march.late_invoice_count, 10)
        self.assertEqual(count(self.march), before)

    def test_analysis_rows(self):
        Analysis = self.env['collections.analysis'].sudo(self.clerk)
        rows = Analysis.search([('partner_id', 'in', (
            self.customer_a | self.customer_b | self.customer_c).ids)])
        by_invoice = {row.invoice_id: row for row in rows}
        self.assertEqual(len(rows), 10)
        i1, i2, i3 = by_invoice[self.i1], by_invoice[self.i2], \
            by_invoice[self.i3]
        self.assertEqual((i1.days_to_pay, i1.late, i1.paid_on_time),
                         (37.0, True, False))
        self.assertEqual((i2.days_to_pay, i2.late, i2.paid_on_time),
                         (14.0, False, True))
        self.assertEqual(i2.delivery_to_invoice_hours, 6.5)
        self.assertEqual((i3.amount_residual, i3.amount_paid, i3.late),
                         (500.0, 300.0, True))
        self.assertTrue(by_invoice[self.f1].is_fee)
        refund = by_invoice[self.r1]
        self.assertEqual((refund.amount_total, refund.late),
                         (-100.0, False))
        groups = Analysis.read_group(
            [('id', 'in', rows.ids), ('is_fee', '=', False)],
            ['partner_id', 'late_count', 'days_to_pay', 'amount_total'],
            ['partner_id'])
        by_partner = {group['partner_id'][0]: group for group in groups}
        group_a = by_partner[self.customer_a.id]
        # A: I1 and I6 late; days to pay averages I1 37, I2 14, I6 34
        self.assertEqual(group_a['late_count'], 2)
        self.assertEqual(group_a['days_to_pay'], 85.0 / 3)
        self.assertEqual(by_partner[self.customer_b.id]['amount_total'],
                         1100.0)

    def test_open_analysis_action(self):
        action = self.march.action_open_analysis()
        self.assertEqual(action['res_model'], 'collections.analysis')
        rows = self.env['collections.analysis'].search(action['domain'])
        # dated in March: I2, I3, I4, I6, F1, R1
        self.assertEqual(rows.mapped('invoice_id'),
                         self.i2 | self.i3 | self.i4 | self.i6 | self.f1
                         | self.r1)
        late = self.march.action_open_late()
        rows = self.env['collections.analysis'].search(
            late['domain'] + [('late', '=', True)])
        # the analysis judges lateness today: I4, due on March 31 and
        # still open, is late by now
        self.assertEqual(rows.mapped('invoice_id'),
                         self.i1 | self.i3 | self.i4 | self.i6 | self.f1)

    # ------------------------------------------------------------------
    # The dashboard as a page, its charts and its 12 months
    # ------------------------------------------------------------------

    def test_monthly_series_of_the_book(self):
        series = self.env['collections.dashboard']._monthly_series(
            self.company, date(2023, 3, 31))
        self.assertEqual(len(series), 12)
        self.assertEqual(series[0]['date_from'], date(2022, 4, 1))
        by_month = {month['date_from'].month: month for month in series}
        march, february, january, december = (
            by_month[3], by_month[2], by_month[1], by_month[12])
        # March: the figures of the March dashboard
        self.assertEqual((march['credit_sales'], march['receivables'],
                          march['dso']), (1925, 2065, D('33.25')))
        self.assertEqual((march['avg_days_to_pay'], march['paid_count']),
                         (D('25.50'), 2))
        # February: I1 1000 dated in it; open on 02-28: I1 1000 (paid on
        # 03-10), I5 200, I7 600, I8 150 = 1950; 1950 / 1000 x 28 = 54.6
        self.assertEqual((february['credit_sales'], february['receivables'],
                          february['dso']), (1000, 1950, D('54.60')))
        self.assertEqual((february['avg_days_to_pay'],
                          february['paid_count']), (None, 0))
        # January: I5 200 dated; open I5, I7, I8 = 950; 950 / 200 x 31
        self.assertEqual((january['credit_sales'], january['receivables'],
                          january['dso']), (200, 950, D('147.25')))
        # December 2022: I7 and I8, both open: 750 / 750 x 31
        self.assertEqual(december['dso'], 31)
        # before: nothing sold, nothing owed
        for month in series[:8]:
            self.assertEqual((month['dso'], month['receivables']), (None, 0))
        # April, alone: I6 paid (03-02 -> 04-05, 34 days), nothing sold;
        # as the April dashboard: 1765 open
        april = self.env['collections.dashboard']._monthly_series(
            self.company, date(2023, 4, 30), 1)[0]
        self.assertEqual((april['receivables'], april['dso'],
                          april['avg_days_to_pay']), (1765, None, D('34.00')))

    def test_monthly_series_query_count(self):
        """One query for the 12 months, whatever the months and the
        invoices; not 12 times the queries of one period."""
        Dashboard = self.env['collections.dashboard']

        def count(months):
            self.env.cache.invalidate()
            self.company.currency_id.decimal_places  # noqa: B018 pylint: disable=pointless-statement
            before = self.cr.sql_log_count
            Dashboard._monthly_series(self.company, date(2023, 3, 31),
                                      months)
            return self.cr.sql_log_count - before

        count(12)
        self.assertEqual(count(12), 1)
        self.assertEqual(count(1), 1)
        for day in ('2022-06-10', '2022-09-12', '2022-11-14', '2023-01-16'):
            invoice = self.create_invoice(70, day, day)
            self.pay(invoice, 30, '2023-02-01')
        self.assertEqual(count(12), 1)
        # and the whole chart field from a cold cache: the series' query
        # and nine reads (the dashboard; the user's companies, to check
        # the company; the company and its currency; the user, its partner
        # and language, twice the partner, for the month names), the same
        # with more invoices
        dashboard = self.march

        def count_chart():
            self.env.cache.invalidate()
            before = self.cr.sql_log_count
            dashboard.trend_html  # noqa: B018 pylint: disable=pointless-statement
            return self.cr.sql_log_count - before

        count_chart()
        queries = count_chart()
        self.assertEqual(queries, 10)
        self.create_invoice(80, '2022-08-01', '2022-08-31')
        self.assertEqual(count_chart(), queries)

    def test_trend_chart_bars_and_values(self):
        html = self.march.with_context(lang='en_US').trend_html
        dso, to_pay = re.findall(r'<svg .*?</svg>', html, re.S)
        # DSO: a bar for December to March, none before (no sales)
        self.assertIn('aria-labelledby="o_cif_dso_chart_title '
                      'o_cif_dso_chart_desc"', dso)
        self.assertIn('<title id="o_cif_dso_chart_title">Days Sales '
                      'Outstanding by Month</title>', dso)
        self.assertEqual(dso.count('class="o_cif_bar"'), 4)
        # read aloud: the month and its value, half-up to one decimal
        for spoken in ('April 2022: -', 'December 2022: 31.0',
                       'January 2023: 147.3', 'February 2023: 54.6',
                       'March 2023: 33.3'):
            self.assertIn(spoken, dso)
        # the year under the first month and under January
        self.assertIn('Apr<tspan', dso)
        self.assertIn('>2023</tspan>', dso)
        # days to pay: only March had invoices paid
        self.assertEqual(to_pay.count('class="o_cif_bar"'), 1)
        self.assertIn('March 2023: 25.5', to_pay)
        self.assertIn('February 2023: -', to_pay)

    def test_trend_chart_in_the_users_language(self):
        self.env['res.lang'].load_lang('fr_FR')
        html = self.march.with_context(lang='fr_FR').trend_html
        self.assertIn('mars 2023: 33,3', html)
        self.assertIn('janvier 2023', html)

    def test_aging_chart_bars_and_values(self):
        html = self.march.with_context(lang='en_US').aging_html
        self.assertEqual(html.count('class="o_cif_bar"'), 5)
        self.assertIn('role="img"', html)
        self.assertIn('Aging at 03/31/2023 (total open $ 2,065.00)', html)
        for spoken in ('Not due: $ 300.00', '1-30 days: $ 815.00',
                       '31-60 days: $ 200.00', '61-90 days: $ 150.00',
                       '90+ days: $ 600.00'):
            self.assertIn(spoken, html)
        # the axis runs 0 to 1000 from y=224 to y=40: each bar's top at
        # 224 - amount x 184 / 1000
        tops = re.findall(r'class="o_cif_bar" x="[\d.]+" y="([\d.]+)"',
                          html)
        self.assertEqual(tops, ['168.8', '74', '187.2', '196.4', '113.6'])

    def test_dashboard_opens_as_a_page(self):
        """The menu's action opens the dashboard inline (no Save/Discard,
        no control panel), titled, the period on top; its breadcrumb,
        once saved by a button, says what it is."""
        action = self.env.ref(
            'customer_invoicing_flow.collections_dashboard_action')
        self.assertEqual(action.target, 'inline')
        self.assertEqual(action.name, 'Collections Dashboard')
        view = self.env['collections.dashboard'].fields_view_get(
            view_type='form')
        arch = etree.fromstring(view['arch'])
        # leaving it never asks to discard the period: its own controller,
        # loaded with the web client
        self.assertEqual(arch.get('js_class'), 'collections_dashboard_form')
        assets = self.env.ref('customer_invoicing_flow.assets_backend')
        self.assertEqual(assets.inherit_id,
                         self.env.ref('web.assets_backend'))
        self.assertTrue(assets.active)
        self.assertIn('/customer_invoicing_flow/static/src/js/'
                      'collections_dashboard.js', assets.arch)
        sheet = arch.find('sheet')
        self.assertEqual(sheet[0].findtext('h1'), 'Collections Dashboard')
        period = sheet[1].find("group[@name='period']")
        self.assertEqual([field.get('name') for field in period.iter('field')],
                         ['period', 'date_from', 'date_to', 'period_days'])
        self.assertEqual(period.find("field[@name='period']").get(
            'default_focus'), '1')
        names = [field.get('name') for field in sheet.iter('field')]
        for chart in ('aging_html', 'trend_html'):
            self.assertIn(chart, names)
        dashboard = self.env['collections.dashboard'].create({})
        self.assertEqual(dashboard.display_name, 'Collections Dashboard')
        self.assertEqual(call_kw(dashboard, 'name_get', [dashboard.ids], {}),
                         [(dashboard.id, 'Collections Dashboard')])

    def test_buttons_as_the_web_client_calls_them(self):
        context = dict(self.env.context, params={'action': 1})
        for method in ('action_open_analysis', 'action_open_late'):
            action = call_kw(self.env['collections.dashboard'], method,
                             [self.march.ids, context], {})
            self.assertEqual(action['res_model'], 'collections.analysis')

    def test_changing_the_period_recomputes(self):
        """What the web client sends when the user edits a date or picks a
        preset: the figures and the charts follow."""
        Dashboard = self.env['collections.dashboard']
        spec = Dashboard._onchange_spec()
        # the form shows March; the user changes the end to April 30
        values = self.march.read(list(spec))[0]
        for name, value in values.items():
            if isinstance(value, tuple):
                values[name] = value[0]
        values.update(period='this_month', date_to='2023-04-30')
        del values['id']
        result = call_kw(Dashboard, 'onchange',
                         [[], values, 'date_to', spec], {})['value']
        # a date typed by hand: a custom period; March and April together:
        # 1765 open at April's end, 1925 sold in 61 days
        self.assertEqual(result['period'], 'custom')
        self.assertEqual(result['receivables'], 1765.0)
        self.assertEqual(result['dso'], 55.93)   # 1765 / 1925 x 61
        self.assertIn('April 2023: 34.0', result['trend_html'])
        # a preset sets the dates (relative to today, as the user sees it)
        values['period'] = 'last_month'
        result = call_kw(Dashboard, 'onchange',
                         [[], values, 'period', spec], {})['value']
        today = date.today()
        first = today.replace(day=1)
        last_month_end = first.toordinal() - 1
        self.assertEqual(result['date_to'],
                         date.fromordinal(last_month_end).isoformat())
        self.assertEqual(result['date_from'][8:], '01')
        self.assertNotIn('period', result)
