# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Collections KPIs on the customer, and the release of a credit hold.

As of 2023-06-30 (through the ``late_payment_as_of`` context), customer P
(and its contact), no tax:

====  =======  ======  ==========  ==========  ==========================
inv   on       amount  date        due         payments
====  =======  ======  ==========  ==========  ==========================
J1    P        1000    2023-03-01  2023-03-31  1000 on 03-21 (20 days)
J2    P         500    2023-04-01  2023-04-30  500 on 05-16 (45 days)
J3    P         200    2023-05-01  2023-05-31  50 on 06-10
J4    P         300    2023-06-15  2023-07-15  -
J5    contact   100    2023-06-01  2023-06-20  -
K1    Q         400    2023-06-01  2023-06-30  400 on 06-05 (4 days)
====  =======  ======  ==========  ==========  ==========================
"""
from odoo.exceptions import AccessError

from .common import LatePaymentCase

AS_OF = '2023-06-30'


class TestPartnerCollections(LatePaymentCase):

    @classmethod
    def setUpClass(cls):
        super(TestPartnerCollections, cls).setUpClass()
        cls.customer_p = cls.customer
        cls.contact = cls.env['res.partner'].create({
            'name': 'Paula Payer', 'parent_id': cls.customer_p.id,
            'type': 'invoice', 'email': 'paula@example.com'})
        cls.customer_q = cls.create_customer('CIF Prompt Payer')
        cls.customer_r = cls.create_customer('CIF No Invoice')
        j1 = cls.create_invoice(1000, '2023-03-01', '2023-03-31')
        j2 = cls.create_invoice(500, '2023-04-01', '2023-04-30')
        j3 = cls.create_invoice(200, '2023-05-01', '2023-05-31')
        cls.create_invoice(300, '2023-06-15', '2023-07-15')
        cls.j5 = cls.create_invoice(100, '2023-06-01', '2023-06-20',
                                    partner=cls.contact)
        k1 = cls.create_invoice(400, '2023-06-01', '2023-06-30',
                                partner=cls.customer_q)
        cls.pay(j1, 1000, '2023-03-21')
        cls.pay(j2, 500, '2023-05-16')
        cls.pay(j3, 50, '2023-06-10')
        cls.pay(k1, 400, '2023-06-05')
        # Reminders: two emailed in 2023, one not emailed, one in 2022
        policy = cls.create_policy(stages=[(1, False), (10, False)])
        Log = cls.env['payment.reminder.log']
        for invoice, stage, day, sent in (
                (j2, policy.stage_ids[0], '2023-05-01', True),
                (j3, policy.stage_ids[0], '2023-06-01', True),
                (j3, policy.stage_ids[1], '2023-06-10', False),
                (cls.j5, policy.stage_ids[0], '2022-12-31', True)):
            Log.create({'invoice_id': invoice.id, 'stage_id': stage.id,
                        'partner_id': cls.customer_p.id, 'date': day,
                        'state': 'done', 'email_sent': sent,
                        'company_id': cls.company.id})
        cls.manager = cls.collections_manager

    def partners(self, user=None):
        partners = self.customer_p | self.contact | self.customer_q \
            | self.customer_r
        return self.as_of(partners.sudo(user or self.clerk), AS_OF)

    def test_kpis(self):
        p, contact, q, r = self.partners()
        # J1 20 days, J2 45 days: 32.5
        self.assertEqual(p.collections_avg_days_to_pay, 32.5)
        # decided on 06-30: J1 on time, J2 late, J3 late, J5 late; J4 not
        # due yet
        self.assertEqual(p.collections_on_time_rate, 25.0)
        # J3 150 + J5 100 (J4 not due)
        self.assertEqual(p.collections_overdue_amount, 250.0)
        # the 2022 one and the one not emailed are not counted
        self.assertEqual(p.collections_reminder_count, 2)
        # a contact shows its company's figures
        self.assertEqual(
            (contact.collections_avg_days_to_pay,
             contact.collections_on_time_rate,
             contact.collections_overdue_amount,
             contact.collections_reminder_count),
            (32.5, 25.0, 250.0, 2))
        self.assertEqual(
            (q.collections_avg_days_to_pay, q.collections_on_time_rate,
             q.collections_overdue_amount, q.collections_reminder_count),
            (4.0, 100.0, 0.0, 0))
        self.assertEqual(
            (r.collections_avg_days_to_pay, r.collections_on_time_rate,
             r.collections_overdue_amount, r.collections_reminder_count),
            (0.0, 0.0, 0.0, 0))

    def test_kpis_follow_the_as_of_date(self):
        p = self.as_of(self.customer_p.sudo(self.clerk), '2023-06-20')
        # on 06-20 J5 is due that day (undecided): J1, J2, J3 -> 1 of 3
        self.assertEqual(p.collections_on_time_rate, 33.33)
        self.assertEqual(p.collections_overdue_amount, 150.0)

    def test_kpis_are_batched(self):
        def count(partners):
            partners.invalidate_cache()
            before = self.cr.sql_log_count
            partners.mapped('collections_overdue_amount')
            return self.cr.sql_log_count - before

        partners = self.partners()
        count(partners)
        four = count(partners)
        # 16 for any number of customers: the partners and the user, their
        # open invoices (a search and a read), their companies and
        # currencies, the reminders counted by customer (one read_group)
        # and the companies the user may see (six small searches of the
        # record rules)
        self.assertEqual(four, 16)
        more = self.env['res.partner']
        for name in ('CIF Extra One', 'CIF Extra Two', 'CIF Extra Three'):
            customer = self.create_customer(name)
            self.create_invoice(70, '2023-05-01', '2023-05-31',
                                partner=customer)
            more |= customer
        self.assertEqual(count(partners | more), four)
        self.assertEqual(more[0].sudo(self.clerk).with_context(
            late_payment_as_of=AS_OF).collections_overdue_amount, 70.0)

    def test_kpis_hidden_from_salespeople(self):
        # what the web client asks for: read() checks the field's groups
        # (salespeople may read the reminder history itself, so the
        # compute alone would not refuse)
        partners = self.partners(self.salesperson)
        self.assertTrue(partners.read(['name']))
        for name in ('collections_overdue_amount',
                     'collections_avg_days_to_pay',
                     'collections_on_time_rate',
                     'collections_reminder_count'):
            with self.assertRaises(AccessError):
                partners.read([name])

    def test_release_credit_hold(self):
        self.customer_p.write({'credit_hold': True,
                               'credit_hold_date': '2023-06-01',
                               'credit_hold_reason': 'Day 30 reminder'})
        self.assertTrue(self.contact.credit_hold)
        with self.assertRaises(AccessError):
            self.contact.sudo(self.salesperson).action_release_credit_hold()
        with self.assertRaises(AccessError):
            self.contact.sudo(self.clerk).action_release_credit_hold()
        self.assertTrue(self.customer_p.credit_hold)

        self.contact.sudo(self.manager).action_release_credit_hold()
        self.assertEqual(
            (self.customer_p.credit_hold, self.customer_p.credit_hold_date,
             self.customer_p.credit_hold_reason), (False, False, False))
        self.assertFalse(self.contact.credit_hold)
        message = self.env['mail.message'].search([
            ('model', '=', 'res.partner'),
            ('res_id', '=', self.customer_p.id)], limit=1)
        self.assertIn('Credit hold released by Mona Manager', message.body)
        self.assertIn('Day 30 reminder', message.body)
        self.assertEqual(message.author_id, self.manager.partner_id)
