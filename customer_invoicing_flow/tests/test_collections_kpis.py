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
