# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Late-payment policies through the ORM: exact examples with the arithmetic
written out, the frozen terms, the constraints.

Unless said otherwise: an invoice of 1,000.00 (no tax) dated 2023-03-01 and
due 2023-03-31; interest is days * balance * rate / 36500, rounded once per
charge to the cent.
"""
import json

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import mute_logger

from .common import LatePaymentCase


class TestLatePaymentCharges(LatePaymentCase):

    def charge(self, invoice, as_of):
        fee_invoice = invoice._charge_late_fee(as_of)
        self.assertTrue(fee_invoice, "a fee is due on %s" % as_of)
        return fee_invoice

    def test_fixed_fee_only(self):
        policy = self.create_policy(grace_days=10, fee_fixed=25.0)
        invoice = self.create_invoice(1000.0, policy=policy)
        self.assertEqual(invoice.late_payment_policy_id, policy)
        # grace ends 2023-03-31 + 10 days
        self.assertEqual(invoice.grace_end_date, '2023-04-10')
        self.assertEqual(self.as_of(invoice, '2023-03-31').late_payment_state,
                         'not_due')
        in_grace = self.as_of(invoice, '2023-04-10')
        self.assertEqual(in_grace.late_payment_state, 'in_grace')
        self.assertEqual(in_grace.days_late, 10)
        self.assertEqual(in_grace.late_fee_accrued, 0.0)
        with self.assertRaisesRegex(UserError, 'No late fee is due'):
            invoice.action_charge_late_fee('2023-04-10')
        late = self.as_of(invoice, '2023-04-11')
        self.assertEqual(late.late_payment_state, 'late')
        self.assertEqual(late.days_late, 11)
        self.assertEqual(late.late_fee_accrued, 25.0)

        action = invoice.action_charge_late_fee('2023-04-11')
        fee_invoice = self.env['account.invoice'].browse(action['res_id'])
        self.assertEqual(fee_invoice.amount_total, 25.0)
        self.assertEqual(fee_invoice.state, 'open')
        self.assertEqual(fee_invoice.type, 'out_invoice')
        self.assertEqual(fee_invoice.partner_id, invoice.partner_id)
        self.assertEqual(fee_invoice.currency_id, invoice.currency_id)
        self.assertEqual(fee_invoice.late_fee_origin_id, invoice)
        self.assertEqual(invoice.late_fee_invoice_ids, fee_invoice)
        self.assertEqual(fee_invoice.date_invoice, '2023-04-11')
        self.assertEqual(fee_invoice.invoice_line_ids.product_id,
                         self.fee_product)
        # a fee invoice bears no late-payment terms of its own
        self.assertFalse(fee_invoice.late_payment_policy_id)
        # the original is untouched
        self.assertEqual(invoice.amount_total, 1000.0)
        self.assertEqual(invoice.residual, 1000.0)
        self.assertEqual(self.as_of(invoice, '2023-04-11').late_fee_charged,
                         25.0)
        self.assertEqual(self.as_of(invoice, '2023-04-11').late_fee_accrued,
                         0.0)
        # the fixed fee is charged once: nothing more, the same day or later
        self.assertFalse(invoice._charge_late_fee('2023-04-11'))
        self.assertFalse(invoice._charge_late_fee('2023-06-30'))
        charge = invoice.late_fee_charge_ids
        self.assertEqual(len(charge), 1)
        self.assertEqual((charge.date, charge.amount, charge.fixed_part,
                          charge.first_charge), ('2023-04-11', 25.0, 25.0, True))
        self.assertEqual(json.loads(charge.evaluation)['charge'], '25.00')

    def test_percent_only(self):
        policy = self.create_policy(grace_days=10, fee_percent=2.5)
        invoice = self.create_invoice(1000.0, policy=policy)
        self.pay(invoice, 200.0, '2023-04-05')
        # open balance on 2023-04-15: 1000 - 200 = 800; 2.5 % = 20.00
        fee_invoice = self.charge(invoice, '2023-04-15')
        self.assertEqual(fee_invoice.amount_total, 20.0)
        charge = invoice.late_fee_charge_ids
        self.assertEqual((charge.percent_base, charge.percent_part),
                         (800.0, 20.0))

    def test_interest_two_partial_payments(self):
        policy = self.create_policy(interest_rate=12.0)
        invoice = self.create_invoice(1000.0, policy=policy)
        self.pay(invoice, 300.0, '2023-04-10')
        self.pay(invoice, 200.0, '2023-04-20')
        # 04-01..04-09:  9 days at 1000 ->  9000
        # 04-10..04-19: 10 days at  700 ->  7000 (paid 04-10 stops that day)
        # 04-20..04-30: 11 days at  500 ->  5500
        # 21500 * 12 / 36500 = 7.0684... -> 7.07
        self.assertEqual(self.as_of(invoice, '2023-04-30').late_fee_accrued,
                         7.07)
        first = self.charge(invoice, '2023-04-30')
        self.assertEqual(first.amount_total, 7.07)
        charge = invoice.late_fee_charge_ids
        self.assertEqual((charge.period_start, charge.period_end,
                          charge.interest_days, charge.rate),
                         ('2023-04-01', '2023-04-30', 30, 12.0))
        self.assertAlmostEqual(charge.interest_part, 258000.0 / 36500, 6)
        # then interest only since the previous charge:
        # 05-01..05-31: 31 days at 500 -> 15500 * 12 / 36500 = 5.0958 -> 5.10
        second = self.charge(invoice, '2023-05-31')
        self.assertEqual(second.amount_total, 5.10)
        self.assertEqual(self.as_of(invoice, '2023-05-31').late_fee_charged,
                         12.17)

    def test_credit_note_counts_as_payment(self):
        policy = self.create_policy(interest_rate=12.0)
        invoice = self.create_invoice(1000.0, policy=policy)
        self.credit_note(invoice, 400.0, '2023-04-11')
        # 04-01..04-10: 10 days at 1000 -> 10000
        # 04-11..04-30: 20 days at  600 -> 12000
        # 22000 * 12 / 36500 = 7.2328... -> 7.23
        self.assertEqual(self.as_of(invoice, '2023-04-30').late_fee_accrued,
                         7.23)

    def test_cap_reached(self):
        policy = self.create_policy(fee_fixed=40.0, interest_rate=10.0,
                                    fee_max=50.0)
        invoice = self.create_invoice(1000.0, policy=policy)
        # 40 + 30 days * 1000 * 10 / 36500 = 40 + 8.2191... = 48.22
        self.assertEqual(self.charge(invoice, '2023-04-30').amount_total,
                         48.22)
        # 31 days: 8.4931..., but only 50 - 48.22 = 1.78 left under the cap
        second = self.charge(invoice, '2023-05-31')
        self.assertEqual(second.amount_total, 1.78)
        charge = invoice.late_fee_charge_ids.filtered(
            lambda c: c.date == '2023-05-31')
        self.assertTrue(charge.cap_applied)
        self.assertIn('capped at 50.00', second.invoice_line_ids.name)
        # the cap is reached: nothing more
        self.assertFalse(invoice._charge_late_fee('2023-06-30'))
        self.assertEqual(self.as_of(invoice, '2023-06-30').late_fee_charged,
                         50.0)

    def test_minimum_applied(self):
        policy = self.create_policy(interest_rate=8.0, fee_min=15.0)
        invoice = self.create_invoice(1000.0, policy=policy)
        # 10 days * 1000 * 8 / 36500 = 2.19..., raised to the minimum 15.00
        first = self.charge(invoice, '2023-04-10')
        self.assertEqual(first.amount_total, 15.0)
        self.assertTrue(invoice.late_fee_charge_ids.minimum_applied)
        self.assertIn('minimum charge 15.00 applied',
                      first.invoice_line_ids.name)
        # later charges have no minimum: 20 days -> 160000 / 36500 = 4.38
        self.assertEqual(self.charge(invoice, '2023-04-30').amount_total,
                         4.38)

    def test_grace_zero(self):
        policy = self.create_policy(grace_days=0, fee_fixed=10.0)
        invoice = self.create_invoice(1000.0, policy=policy)
        self.assertEqual(invoice.grace_end_date, '2023-03-31')
        self.assertEqual(self.as_of(invoice, '2023-03-31').late_payment_state,
                         'not_due')
        self.assertFalse(invoice._charge_late_fee('2023-03-31'))
        late = self.as_of(invoice, '2023-04-01')
        self.assertEqual((late.late_payment_state, late.days_late,
                          late.late_fee_accrued), ('late', 1, 10.0))
        self.assertEqual(self.charge(invoice, '2023-04-01').amount_total,
                         10.0)

    def test_foreign_currency(self):
        foreign = self.env.ref('base.USD') \
            if self.currency != self.env.ref('base.USD') \
            else self.env.ref('base.EUR')
        foreign.active = True
        Rate = self.env['res.currency.rate']
        for currency, day, rate in ((self.currency, '2020-01-01', 1.0),
                                    (foreign, '2020-01-01', 1.25),
                                    (foreign, '2023-05-01', 1.5)):
            Rate.create({'currency_id': currency.id, 'name': day,
                         'rate': rate, 'company_id': self.company.id})
        policy = self.create_policy(fee_fixed=20.0, interest_rate=10.0)
        invoice = self.create_invoice(1000.0, currency=foreign, policy=policy)
        self.pay(invoice, 400.0, '2023-04-15')
        # in the invoice currency:
        # 04-01..04-14: 14 days at 1000 -> 14000
        # 04-15..05-10: 26 days at  600 -> 15600
        # 29600 * 10 / 36500 = 8.1095...
        # fixed fee 20.00 company currency at the 05-10 rate 1.5 = 30.00
        # 38.1095... -> 38.11
        fee_invoice = self.charge(invoice, '2023-05-10')
        self.assertEqual(fee_invoice.currency_id, foreign)
        self.assertEqual(fee_invoice.amount_total, 38.11)
        charge = invoice.late_fee_charge_ids
        self.assertEqual(charge.currency_id, foreign)
        self.assertAlmostEqual(charge.fixed_part, 30.0, 6)
        # at the April rate the fixed part would have been 25.00
        terms = invoice._late_payment_terms_at('2023-04-20')
        self.assertEqual(float(terms.fee_fixed), 25.0)

    def test_hold_in_the_middle(self):
        policy = self.create_policy(interest_rate=12.0)
        invoice = self.create_invoice(1000.0, policy=policy)
        invoice.sudo(self.clerk).action_payment_hold('Disputed delivery',
                                                     '2023-04-11')
        self.assertTrue(invoice.payment_hold)
        self.assertEqual(invoice.payment_hold_reason, 'Disputed delivery')
        on_hold = self.as_of(invoice, '2023-04-15')
        self.assertEqual(on_hold.late_payment_state, 'on_hold')
        self.assertEqual(on_hold.late_fee_accrued, 0.0)
        invoice.sudo(self.clerk).action_payment_release('2023-04-20')
        self.assertFalse(invoice.payment_hold)
        self.assertEqual(
            (invoice.payment_hold_ids.date_start,
             invoice.payment_hold_ids.date_end),
            ('2023-04-11', '2023-04-20'))
        bodies = invoice.message_ids.mapped('body')
        self.assertTrue(any('Payment hold from 04/11/2023: Disputed delivery'
                            in body for body in bodies))
        self.assertTrue(any('released after 04/20/2023' in body
                            for body in bodies))
        # 04-01..04-30 is 30 days, 04-11..04-20 on hold: 20 days accrue
        # 20 * 1000 * 12 / 36500 = 6.5753... -> 6.58
        fee_invoice = self.charge(invoice, '2023-04-30')
        self.assertEqual(fee_invoice.amount_total, 6.58)
        charge = invoice.late_fee_charge_ids
        self.assertEqual((charge.interest_days, charge.hold_days), (20, 10))
        self.assertIn('10 days on hold not charged',
                      fee_invoice.invoice_line_ids.name)

    def test_hold_wizard(self):
        invoice = self.create_invoice(100.0, policy=self.create_policy())
        Wizard = self.env['late.payment.hold.wizard'].sudo(self.clerk) \
            .with_context(active_model='account.invoice',
                          active_ids=invoice.ids)
        Wizard.create({'reason': 'Waiting for a credit note',
                       'date': '2023-04-02'}).action_confirm()
        self.assertEqual(invoice.payment_hold_ids.date_start, '2023-04-02')
        self.assertEqual(invoice.payment_hold_reason,
                         'Waiting for a credit note')
        with self.assertRaisesRegex(UserError, 'already on payment hold'):
            invoice.action_payment_hold('Again', '2023-04-03')

    def test_draft_fee_invoice(self):
        policy = self.create_policy(fee_fixed=5.0, post_fee_invoices=False)
        invoice = self.create_invoice(100.0, policy=policy)
        fee_invoice = self.charge(invoice, '2023-04-01')
        self.assertEqual(fee_invoice.state, 'draft')
        # cancelled fee invoices do not count: the fee can be charged again
        fee_invoice.action_invoice_cancel()
        self.assertEqual(self.as_of(invoice, '2023-04-02').late_fee_charged,
                         0.0)
        self.assertEqual(self.charge(invoice, '2023-04-02').amount_total,
                         5.0)

    def test_explanation_matches_numbers(self):
        policy = self.create_policy(fee_fixed=25.0, interest_rate=12.0)
        invoice = self.create_invoice(1000.0, policy=policy)
        self.pay(invoice, 400.0, '2023-04-06')
        # 04-01..04-05:  5 days at 1000 -> 5000 -> 1.6438... shown 1.64
        # 04-06..04-15: 10 days at  600 -> 6000 -> 1.9726... shown 1.97
        # 25 + 11000 * 12 / 36500 = 25 + 3.6164... = 28.62
        fee_invoice = self.charge(invoice, '2023-04-15')
        line = fee_invoice.invoice_line_ids
        self.assertEqual(line.price_unit, 28.62)
        self.assertEqual(line.name, (
            "Late payment fee on %s due 03/31/2023: "
            "interest 12.00 %% a year on 1,000.00 for 5 days, "
            "04/01/2023 to 04/05/2023: 1.64; "
            "interest 12.00 %% a year on 600.00 for 10 days, "
            "04/06/2023 to 04/15/2023: 1.97; "
            "late fee 25.00; total 28.62") % invoice.number)
        self.assertEqual(invoice.late_fee_charge_ids.explanation, line.name)

    def test_preview(self):
        policy = self.create_policy(
            grace_days=10, fee_fixed=10.0, interest_rate=36.5,
            stages=[(15, True), (45, True), (20, False)])
        invoice = self.create_invoice(1000.0, policy=policy)
        # 36.5 % a year on 1000 is 1.00 a day
        # day 15 (04-15): 10 + 15 = 25.00; day 45 (05-15): 30 days = 30.00
        preview = self.as_of(invoice, '2023-04-01').late_fee_preview
        self.assertEqual(preview.splitlines(), [
            '04/15/2023 (day 15): 25.00 %s' % self.currency.symbol,
            '05/15/2023 (day 45): 30.00 %s' % self.currency.symbol,
        ] if self.currency.position == 'after' else [
            '04/15/2023 (day 15): %s 25.00' % self.currency.symbol,
            '05/15/2023 (day 45): %s 30.00' % self.currency.symbol,
        ])
        # only the remaining stages
        preview = self.as_of(invoice, '2023-04-20').late_fee_preview
        self.assertEqual(len(preview.splitlines()), 1)
        self.assertFalse(self.as_of(invoice, '2023-05-15').late_fee_preview)


class TestLatePaymentAssignment(LatePaymentCase):

    def test_partner_then_company_policy(self):
        company_policy = self.create_policy('Company policy', grace_days=5)
        partner_policy = self.create_policy('Partner policy', grace_days=20)
        self.company.late_payment_policy_id = company_policy
        other = self.create_customer('CIF Other')
        self.assertEqual(self.create_invoice(100.0, partner=other)
                         .late_payment_policy_id, company_policy)
        # the commercial partner decides, for a contact of the customer too
        self.customer.late_payment_policy_id = partner_policy
        contact = self.env['res.partner'].create({
            'name': 'CIF Contact', 'parent_id': self.customer.id,
            'type': 'invoice'})
        invoice = self.create_invoice(100.0, partner=contact)
        self.assertEqual(invoice.late_payment_policy_id, partner_policy)
        self.assertEqual(invoice.grace_end_date, '2023-04-20')
        # no policy on draft invoices, nor on credit notes
        self.assertFalse(self.create_invoice(100.0, validate=False)
                         .late_payment_policy_id)
        refund = self.credit_note(self.create_invoice(100.0), 10.0,
                                  '2023-03-05')
        self.assertFalse(refund.late_payment_policy_id)

    def test_policy_edit_does_not_rewrite_invoices(self):
        policy = self.create_policy(grace_days=10, fee_fixed=25.0)
        invoice = self.create_invoice(1000.0, policy=policy)
        policy.write({'grace_days': 30, 'fee_fixed': 100.0})
        # the invoice keeps the terms in force at validation
        self.assertEqual(invoice.grace_end_date, '2023-04-10')
        self.assertEqual(json.loads(invoice.late_payment_terms)['fee_fixed'],
                         '25.0')
        self.assertEqual(self.as_of(invoice, '2023-04-11').late_fee_accrued,
                         25.0)
        # a new invoice gets the new terms
        newer = self.create_invoice(1000.0)
        self.assertEqual(newer.grace_end_date, '2023-04-30')
        self.assertEqual(self.as_of(newer, '2023-05-01').late_fee_accrued,
                         100.0)
        self.assertEqual(invoice._charge_late_fee('2023-04-11').amount_total,
                         25.0)

    def test_collections_change_policy_on_open_invoice(self):
        old = self.create_policy('Old', fee_fixed=25.0)
        new = self.create_policy('New', fee_fixed=5.0)
        invoice = self.create_invoice(1000.0, policy=old)
        with self.assertRaises(AccessError):
            invoice.sudo(self.billing_user).write(
                {'late_payment_policy_id': new.id})
        invoice.sudo(self.clerk).with_context(tracking_disable=False).write(
            {'late_payment_policy_id': new.id})
        self.assertEqual(invoice.late_payment_policy_id, new)
        self.assertEqual(self.as_of(invoice, '2023-04-01').late_fee_accrued,
                         5.0)
        tracked = self.env['mail.tracking.value'].search([
            ('mail_message_id', 'in', invoice.message_ids.ids),
            ('field', '=', 'late_payment_policy_id')])
        self.assertEqual((tracked.old_value_char, tracked.new_value_char),
                         ('Old', 'New'))

    def test_search_state(self):
        policy = self.create_policy(grace_days=10)
        invoice = self.create_invoice(1000.0, policy=policy)
        paid = self.create_invoice(100.0)
        self.pay(paid, 100.0, '2023-03-15')
        Invoice = self.as_of(self.env['account.invoice'], '2023-04-05')
        self.assertEqual(Invoice.search([
            ('late_payment_state', '=', 'in_grace'),
            ('partner_id', '=', self.customer.id)]), invoice)
        self.assertEqual(Invoice.search([
            ('late_payment_state', '=', 'paid'),
            ('partner_id', '=', self.customer.id)]), paid)
        self.assertFalse(Invoice.search([
            ('late_payment_state', '=', 'late'),
            ('partner_id', '=', self.customer.id)]))


class TestLatePaymentConstraints(LatePaymentCase):

    @classmethod
    def setUpClass(cls):
        super(TestLatePaymentConstraints, cls).setUpClass()
        cls.policy = cls.create_policy(grace_days=10, stages=[(15, True)])

    def assertRejected(self, message, values, record=None):
        """Writing ``values`` (or creating a policy with them) raises
        ``message`` and leaves the database as it was."""
        Policy = self.env['late.payment.policy']
        count = Policy.search_count([])
        before = record.read(list(values))[0] if record else None
        with self.assertRaisesRegex(ValidationError, message), \
                self.cr.savepoint():
            if record:
                record.write(values)
            else:
                self.create_policy('Rejected', **values)
        self.assertEqual(Policy.search_count([]), count)
        if record:
            record.invalidate_cache()
            self.assertEqual(record.read(list(values))[0], before)

    def test_policy_ranges(self):
        self.assertRejected('grace period .* cannot be negative',
                            {'grace_days': -1})
        self.assertRejected('cannot be negative', {'fee_fixed': -0.01},
                            self.policy)
        self.assertRejected('cannot be negative', {'fee_min': -1.0},
                            self.policy)
        self.assertRejected('cannot be negative', {'fee_max': -1.0})
        self.assertRejected('cannot be negative', {'interest_rate': -1.0},
                            self.policy)
        self.assertRejected('between 0 and 100', {'fee_percent': 100.5},
                            self.policy)
        self.assertRejected('between 0 and 100', {'fee_percent': -1.0})
        self.assertEqual(self.create_policy('Full', fee_percent=100.0)
                         .fee_percent, 100.0)

    def test_fee_stage_after_grace(self):
        self.assertRejected('must lie after the grace period',
                            {'grace_days': 15}, self.policy)
        self.assertRejected('must lie after the grace period', {
            'stage_ids': [(0, 0, {'name': 'Too early', 'day_offset': 10,
                                  'charge_fee': True})]}, self.policy)
        # a stage without fee may lie anywhere, before the due date too
        self.policy.write({'stage_ids': [(0, 0, {
            'name': 'Friendly', 'day_offset': -3})]})

    def test_template_on_invoices(self):
        template = self.env['mail.template'].create({
            'name': 'CIF partner template',
            'model_id': self.env.ref('base.model_res_partner').id})
        self.assertRejected('must be on invoices', {'stage_ids': [(0, 0, {
            'name': 'Mail', 'day_offset': 20, 'send_email': True,
            'mail_template_id': template.id})]}, self.policy)
        self.assertRejected('choose its template', {'stage_ids': [(0, 0, {
            'name': 'Mail', 'day_offset': 20, 'send_email': True})]},
            self.policy)

    def test_interest_start_selection(self):
        with self.assertRaises(ValueError), self.cr.savepoint():
            self.create_policy('Bad start', interest_start='invoice')

    def test_unique_offset(self):
        stages = self.policy.stage_ids
        with self.assertRaises(IntegrityError), \
                mute_logger('odoo.sql_db'), self.cr.savepoint():
            self.env['late.payment.policy.stage'].create({
                'policy_id': self.policy.id, 'name': 'Twice',
                'day_offset': 15})
        self.policy.invalidate_cache()
        self.assertEqual(self.policy.stage_ids, stages)
        # the same offset in another policy is fine
        self.create_policy('Other', stages=[(15, True)])


class TestLatePaymentQueries(LatePaymentCase):

    def _count(self, invoices):
        """Queries to compute the late-payment fields of ``invoices``."""
        invoices = self.as_of(invoices, '2023-05-15')
        self.env.cache.invalidate()
        before = self.cr.sql_log_count
        invoices.read(['late_payment_state', 'days_late', 'late_fee_accrued',
                       'late_fee_charged', 'late_fee_preview'])
        return self.cr.sql_log_count - before

    def test_computes_do_not_query_per_invoice(self):
        policy = self.create_policy(
            fee_fixed=10.0, interest_rate=12.0, stages=[(30, True),
                                                        (60, True)])
        invoices = self.env['account.invoice']
        for index in range(10):
            invoice = self.create_invoice(1000.0 + index, policy=policy)
            self.pay(invoice, 100.0, '2023-04-10')
            invoice._charge_late_fee('2023-04-20')
            invoices |= invoice
        self._count(invoices)  # warm up
        two = self._count(invoices[:2])
        ten = self._count(invoices)
        self.assertEqual(two, ten)
        self.assertLessEqual(ten, 12)


class TestLatePaymentAccess(LatePaymentCase):

    def test_policy_access(self):
        policy = self.create_policy(note='Late payments bear interest.')
        # everyone reads policies; only collections managers edit them
        self.assertEqual(policy.sudo(self.billing_user).name, 'CIF policy')
        for user in (self.billing_user, self.clerk):
            with self.assertRaises(AccessError):
                policy.sudo(user).write({'grace_days': 3})
        manager = self.env['res.users'].create({
            'name': 'Max Manager', 'login': 'cif_collections_manager',
            'groups_id': [(6, 0, [
                self.env.ref('base.group_user').id,
                self.env.ref('customer_invoicing_flow.'
                             'group_collections_manager').id])]})
        policy.sudo(manager).write({'grace_days': 3})
        # collections users put on hold and charge; billing users cannot
        invoice = self.create_invoice(100.0, policy=policy)
        with self.assertRaises(AccessError):
            invoice.sudo(self.billing_user).action_payment_hold(
                'No', '2023-04-01')
        # the policy's note is printed on the invoice
        html = self.env.ref('account.account_invoices').render_qweb_html(
            invoice.ids)[0]
        self.assertIn(b'Late payments bear interest.', html)
