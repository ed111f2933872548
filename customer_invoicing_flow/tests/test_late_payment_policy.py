# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Late-payment policies through the ORM: exact examples with the arithmetic
written out, the frozen terms, the constraints.

Unless said otherwise: an invoice of 1,000.00 (no tax) dated 2023-03-01 and
due 2023-03-31; interest is days * balance * rate / 36500, rounded once per
charge to the cent.
"""
import json

from odoo.exceptions import AccessError, UserError

from .common import LatePaymentCase


class TestLatePaymentCharges(LatePaymentCase):

    def money(self, amount, currency=None):
        """``amount`` (text) with the currency's symbol where it goes."""
        currency = currency or self.currency
        if currency.position == 'after':
            return '%s %s' % (amount, currency.symbol)
        return '%s %s' % (currency.symbol, amount)

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
            invoice.action_charge_late_fee(as_of='2023-04-10')
        late = self.as_of(invoice, '2023-04-11')
        self.assertEqual(late.late_payment_state, 'late')
        self.assertEqual(late.days_late, 11)
        self.assertEqual(late.late_fee_accrued, 25.0)

        action = invoice.action_charge_late_fee(as_of='2023-04-11')
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
        self.assertEqual(second.invoice_line_ids.name, '\n'.join([
            'Late payment fee on %s due 03/31/2023:' % invoice.number,
            '- interest at 10.00 %% a year on %s for 31 days, 05/01/2023 '
            'to 05/31/2023: %s' % (self.money('1,000.00'),
                                   self.money('8.49')),
            '- capped at %s per invoice, %s being already charged' % (
                self.money('50.00'), self.money('48.22')),
            'Total: %s' % self.money('1.78')]))
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
        self.assertEqual(first.invoice_line_ids.name, '\n'.join([
            'Late payment fee on %s due 03/31/2023:' % invoice.number,
            '- interest at 8.00 %% a year on %s for 10 days, 04/01/2023 '
            'to 04/10/2023: %s' % (self.money('1,000.00'),
                                   self.money('2.19')),
            '- raised to the minimum first charge of %s'
            % self.money('15.00'),
            'Total: %s' % self.money('15.00')]))
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
                                                     date='2023-04-11')
        self.assertTrue(invoice.payment_hold)
        self.assertEqual(invoice.payment_hold_reason, 'Disputed delivery')
        on_hold = self.as_of(invoice, '2023-04-15')
        self.assertEqual(on_hold.late_payment_state, 'on_hold')
        self.assertEqual(on_hold.late_fee_accrued, 0.0)
        # released on 04-21: 04-20 is the last day on hold
        invoice.sudo(self.clerk).action_payment_release(date='2023-04-21')
        self.assertFalse(invoice.payment_hold)
        self.assertEqual(
            (invoice.payment_hold_ids.date_start,
             invoice.payment_hold_ids.date_end),
            ('2023-04-11', '2023-04-20'))
        bodies = invoice.message_ids.mapped('body')
        self.assertTrue(any('Payment hold from 04/11/2023: Disputed delivery'
                            in body for body in bodies))
        self.assertTrue(any('released on 04/21/2023' in body
                            for body in bodies))
        # 04-01..04-30 is 30 days, 04-11..04-20 on hold: 20 days accrue
        # 20 * 1000 * 12 / 36500 = 6.5753... -> 6.58
        fee_invoice = self.charge(invoice, '2023-04-30')
        self.assertEqual(fee_invoice.amount_total, 6.58)
        charge = invoice.late_fee_charge_ids
        self.assertEqual((charge.interest_days, charge.hold_days), (20, 10))
        self.assertEqual(fee_invoice.invoice_line_ids.name, '\n'.join([
            'Late payment fee on %s due 03/31/2023:' % invoice.number,
            '- interest at 12.00 %% a year on %s for 10 days, 04/01/2023 '
            'to 04/10/2023: %s' % (self.money('1,000.00'),
                                   self.money('3.29')),
            '- interest at 12.00 %% a year on %s for 10 days, 04/21/2023 '
            'to 04/30/2023: %s' % (self.money('1,000.00'),
                                   self.money('3.29')),
            '- 10 days on payment hold, no interest',
            'Total: %s' % self.money('6.58')]))

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
            invoice.action_payment_hold('Again', date='2023-04-03')

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
        self.assertEqual(line.name, '\n'.join([
            'Late payment fee on %s due 03/31/2023:' % invoice.number,
            '- interest at 12.00 %% a year on %s for 5 days, 04/01/2023 '
            'to 04/05/2023: %s' % (self.money('1,000.00'),
                                   self.money('1.64')),
            '- interest at 12.00 %% a year on %s for 10 days, 04/06/2023 '
            'to 04/15/2023: %s' % (self.money('600.00'),
                                   self.money('1.97')),
            '- late fee of %s' % self.money('25.00'),
            'Total: %s' % self.money('28.62')]))
        self.assertEqual(invoice.late_fee_charge_ids.explanation, line.name)

    def test_explanation_only_what_applies(self):
        # The fee line of the complaint: no interest rate, a hold, a fixed
        # fee of 40.00: it read "interest 0.00 % a year on 747.00 for 4
        # days, ...: 0.00; interest 0.00 % ...; 6 days on hold not charged;
        # late fee 40.00; total 40.00". Only the fee applies: one line.
        policy = self.create_policy(grace_days=10, fee_fixed=40.0)
        invoice = self.create_invoice(747.0, policy=policy)
        invoice.sudo(self.clerk).action_payment_hold(
            'Disputed', date='2023-04-05')
        invoice.sudo(self.clerk).action_payment_release(date='2023-04-11')
        fee_invoice = self.charge(invoice, '2023-04-15')
        self.assertEqual(fee_invoice.invoice_line_ids.name,
                         'Late payment fee on %s due 03/31/2023: late fee '
                         'of %s' % (invoice.number, self.money('40.00')))

    def test_explanation_one_day_and_percent(self):
        # 36.5 % a year on 1000.00 = 1.00 a day; paid 400.00 on 04-02:
        #   04-01: 1 day at 1000.00 = 1.00; 04-02: 1 day at 600.00 = 0.60
        #   2.5 % of 600.00 = 15.00; total 16.60
        policy = self.create_policy(fee_percent=2.5, interest_rate=36.5)
        invoice = self.create_invoice(1000.0, policy=policy)
        self.pay(invoice, 400.0, '2023-04-02')
        fee_invoice = self.charge(invoice, '2023-04-02')
        self.assertEqual(fee_invoice.invoice_line_ids.name, '\n'.join([
            'Late payment fee on %s due 03/31/2023:' % invoice.number,
            '- interest at 36.50 %% a year on %s for 1 day, 04/01/2023: %s'
            % (self.money('1,000.00'), self.money('1.00')),
            '- interest at 36.50 %% a year on %s for 1 day, 04/02/2023: %s'
            % (self.money('600.00'), self.money('0.60')),
            '- 2.50 %% of the open balance of %s: %s' % (
                self.money('600.00'), self.money('15.00')),
            'Total: %s' % self.money('16.60')]))

    def test_explanation_in_the_customer_language(self):
        # the French customer's fee line: French dates and numbers (the
        # words are the .po file's)
        self.env.ref('base.lang_fr').active = True
        self.customer.lang = 'fr_FR'
        policy = self.create_policy(interest_rate=12.0)
        invoice = self.create_invoice(12345.0, policy=policy)
        fee_invoice = self.charge(invoice, '2023-04-30')
        # 30 x 12345 x 12 / 36500 = 121.7589... -> 121.76
        lang = self.env.ref('base.lang_fr')
        name = fee_invoice.invoice_line_ids.name
        self.assertIn('31/03/2023', name)
        self.assertIn('01/04/2023', name)
        self.assertIn(self.money('12%s345,00' % lang.thousands_sep), name)
        self.assertIn(self.money('121,76'), name)
        self.assertNotIn('03/31/2023', name)

    def test_preview(self):
        policy = self.create_policy(
            grace_days=10, fee_fixed=10.0, interest_rate=36.5,
            stages=[(15, True), (45, True), (20, False)])
        invoice = self.create_invoice(1000.0, policy=policy)
        # 36.5 % a year on 1000 is 1.00 a day
        # day 15 (04-15): 10 + 15 = 25.00; day 45 (05-15): 30 days = 30.00
        preview = self.as_of(invoice, '2023-04-01').late_fee_preview
        self.assertEqual(preview.splitlines(), [
            '04/15/2023 (day 15): %s' % self.money('25.00'),
            '05/15/2023 (day 45): %s' % self.money('30.00'),
            'After 05/15/2023: interest keeps accruing at 36.50 %% a year '
            'on %s, %s a day, until paid.' % (
                self.money('1,000.00'), self.money('1.00'))])
        # only the remaining stages, then the interest that goes on
        preview = self.as_of(invoice, '2023-04-20').late_fee_preview
        self.assertEqual(len(preview.splitlines()), 2)
        # the stages used up, the interest still accrues: the timeline says
        # so instead of going blank (charged on 04-15 and 05-15)
        invoice._charge_late_fee('2023-04-15')
        invoice._charge_late_fee('2023-05-15')
        self.assertEqual(
            self.as_of(invoice, '2023-05-20').late_fee_preview.splitlines(), [
                'Not charged yet: %s accrued as of 05/20/2023'
                % self.money('5.00'),
                'After 05/20/2023: interest keeps accruing at 36.50 %% a '
                'year on %s, %s a day, until paid.' % (
                    self.money('1,000.00'), self.money('1.00'))])
        # paid: nothing left
        self.pay(invoice, 1000.0, '2023-05-25')
        self.assertFalse(self.as_of(invoice, '2023-05-26').late_fee_preview)

    def test_preview_cap_hold_and_minimum(self):
        # 40.00 + 30 days at 12 % on 1000.00 = 49.86 on day 30, the 0.14
        # left under the cap of 50.00 is below the minimum per charge
        policy = self.create_policy(
            fee_fixed=40.0, interest_rate=12.0, fee_max=50.0, charge_min=5.0,
            stages=[(30, True), (60, True)])
        invoice = self.create_invoice(1000.0, policy=policy)
        self.assertEqual(
            self.as_of(invoice, '2023-04-01').late_fee_preview.splitlines(), [
                '04/30/2023 (day 30): %s' % self.money('49.86'),
                '05/30/2023 (day 60): nothing, %s is below the minimum per '
                'charge of %s and waits for a later charge' % (
                    self.money('0.14'), self.money('5.00')),
                'The cap of %s per invoice is reached: nothing more will be '
                'charged.' % self.money('50.00')])
        invoice.sudo(self.clerk).action_payment_hold(
            'Disputed', date='2023-04-10')
        self.assertEqual(
            self.as_of(invoice, '2023-04-12').late_fee_preview.splitlines()[
                -1], 'On payment hold: no interest accrues and nothing is '
                     'charged until the hold is released.')

    def test_minimum_per_charge(self):
        # 36.5 % a year on 1000.00 = 1.00 a day, minimum per charge 5.00
        policy = self.create_policy(interest_rate=36.5, charge_min=5.0)
        invoice = self.create_invoice(1000.0, policy=policy)
        self.assertEqual(json.loads(invoice.late_payment_terms)['charge_min'],
                         '5.0')
        # day 3: 3.00 accrued, below the minimum: nothing charged, it waits
        waiting = self.as_of(invoice, '2023-04-03')
        self.assertEqual((waiting.late_payment_state,
                          waiting.late_fee_accrued), ('late', 0.0))
        self.assertFalse(invoice._charge_late_fee('2023-04-03'))
        with self.assertRaisesRegex(UserError, 'No late fee is due'):
            invoice.action_charge_late_fee(as_of='2023-04-03')
        self.assertFalse(invoice.late_fee_invoice_ids)
        # day 6: 04-01..04-06 = 6.00, all of it in one invoice
        fee_invoice = self.charge(invoice, '2023-04-06')
        self.assertEqual(fee_invoice.amount_total, 6.0)
        self.assertEqual(invoice.late_fee_charge_ids.period_start,
                         '2023-04-01')
        # the minimum is frozen: raising it later changes nothing here
        policy.charge_min = 50.0
        self.assertEqual(self.charge(invoice, '2023-04-11').amount_total,
                         5.0)

    def test_terms_frozen_before_the_minimum_per_charge(self):
        # an invoice validated before charge_min existed: no minimum
        policy = self.create_policy(interest_rate=36.5, charge_min=5.0)
        invoice = self.create_invoice(1000.0, policy=policy)
        terms = json.loads(invoice.late_payment_terms)
        del terms['charge_min']
        invoice.write({'late_payment_terms': json.dumps(terms)})
        self.assertEqual(invoice._late_payment_terms_at('2023-04-02')
                         .charge_min, 0)
        self.assertEqual(self.charge(invoice, '2023-04-02').amount_total,
                         2.0)


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


class TestLatePaymentPolicyDisplay(LatePaymentCase):

    def test_company_default_and_cap(self):
        Policy = self.env['late.payment.policy']
        standard = self.create_policy('CIF Standard')
        capped = self.create_policy('CIF Capped', fee_max=250.0)
        self.company.late_payment_policy_id = standard
        self.assertEqual((standard.is_company_default,
                          capped.is_company_default), (True, False))
        mine = [('id', 'in', (standard | capped).ids)]
        self.assertEqual(Policy.search(
            mine + [('is_company_default', '=', True)]), standard)
        self.assertEqual(Policy.search(
            mine + [('is_company_default', '!=', True)]), capped)
        self.company.late_payment_policy_id = capped
        standard.invalidate_cache()
        self.assertEqual((standard.is_company_default,
                          capped.is_company_default), (False, True))
        # the list shows "No cap" rather than 0.00
        symbol = self.currency.symbol
        self.assertEqual(standard.fee_max_label, 'No cap')
        self.assertEqual(capped.fee_max_label,
                         '250.00 %s' % symbol
                         if self.currency.position == 'after'
                         else '%s 250.00' % symbol)

    def test_views(self):
        Policy = self.env['late.payment.policy']
        tree = Policy.fields_view_get(view_type='tree')['arch']
        for name in ('is_company_default', 'fee_max_label', 'charge_min'):
            self.assertIn('name="%s"' % name, tree)
        form = Policy.fields_view_get(view_type='form')['arch']
        for text in ('name="is_company_default"', 'Company Default',
                     'name="charge_min"', 'no cap'):
            self.assertIn(text, form)
        fields = Policy.fields_get(['fee_percent', 'interest_rate',
                                    'interest_start'])
        self.assertEqual(fields['fee_percent']['digits'], (16, 2))
        self.assertEqual(fields['interest_rate']['digits'], (16, 2))
        self.assertTrue(fields['interest_start'].get('help'))


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
        # 21 for any number of invoices: the status and the fee timeline
        # are evaluated apart (the lists show the status without the
        # timeline), each reading the columns it uses one by one (not
        # every column of the invoices), their payments and credit notes
        # (one query), their holds (a search and a read), their charges
        # (one query); then their company, currency, customer, the user
        # and the language (amounts formatted for the timeline)
        self.assertEqual(ten, 21)


class TestLatePaymentAccess(LatePaymentCase):

    def test_policy_access(self):
        policy = self.create_policy(note='Late payments bear interest.')
        # everyone reads policies; only collections managers edit them
        self.assertEqual(policy.sudo(self.billing_user).name, 'CIF policy')
        for user in (self.billing_user, self.clerk):
            with self.assertRaises(AccessError):
                policy.sudo(user).write({'grace_days': 3})
        policy.sudo(self.collections_manager).write({'grace_days': 3})
        # collections users put on hold and charge; billing users cannot
        invoice = self.create_invoice(100.0, policy=policy)
        with self.assertRaises(AccessError):
            invoice.sudo(self.billing_user).action_payment_hold(
                'No', date='2023-04-01')
        # the policy's note is printed on the invoice
        html = self.env.ref('account.account_invoices').render_qweb_html(
            invoice.ids)[0]
        self.assertIn(b'Late payments bear interest.', html)
