# -*- coding: utf-8 -*-
"""Tests of the pure late-payment arithmetic
(customer_invoicing_flow/late_fees.py), no ORM needed:
    .venv/bin/pytest -p no:odoo tests/test_late_fees_pure.py

Exact examples first (the arithmetic is written out in the comments), then
properties checked with hypothesis, including a day-by-day reference
implementation of the rules in exact fractions.

Unless said otherwise: invoice of 1000.00 due 2023-03-31, so day(n) is n days
after the due date (day(1) = 2023-04-01, day(30) = 2023-04-30, day(61) =
2023-05-31), rounding to the cent.
"""
import decimal
import json
import unittest
from datetime import date, timedelta
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pure_module import load

late_fees = load('customer_invoicing_flow/late_fees.py')

D = Decimal
DUE = date(2023, 3, 31)
CENT = D('0.01')


def day(n):
    return DUE + timedelta(days=n)


def terms(**values):
    return late_fees.PolicyTerms(**values)


def facts(amount='1000.00', due=DUE, **values):
    return late_fees.InvoiceFacts(amount, due, **values)


def evaluate(policy, invoice, as_of, rounding=CENT):
    return late_fees.evaluate(policy, invoice, as_of, rounding)


# ---------------------------------------------------------------------------
# Exact examples
# ---------------------------------------------------------------------------

class TestRoundMoney(unittest.TestCase):

    def test_half_up_away_from_zero(self):
        self.assertEqual(late_fees.round_money('2.345', CENT), D('2.35'))
        self.assertEqual(late_fees.round_money('2.3449', CENT), D('2.34'))
        self.assertEqual(late_fees.round_money('-2.345', CENT), D('-2.35'))
        # 0.125 would go to 0.12 with banker's rounding
        self.assertEqual(late_fees.round_money('0.125', CENT), D('0.13'))
        self.assertEqual(late_fees.round_money('0.5', 1), D('1'))
        self.assertEqual(late_fees.round_money('1.5', 1), D('2'))
        self.assertEqual(late_fees.round_money('2.5', 1), D('3'))

    def test_quantum_not_a_power_of_ten(self):
        # 12.025 / 0.05 = 240.5 -> 241 * 0.05 = 12.05
        self.assertEqual(late_fees.round_money('12.025', '0.05'), D('12.05'))
        # 12.02 / 0.05 = 240.4 -> 240 * 0.05 = 12.00
        self.assertEqual(late_fees.round_money('12.02', '0.05'), D('12.00'))

    def test_inputs_converted(self):
        # floats go through str(): 0.1 + 0.2 is 0.30000000000000004
        self.assertEqual(late_fees.round_money(0.1 + 0.2, 0.01), D('0.30'))
        self.assertEqual(late_fees.round_money(7, '0.01'), D('7.00'))
        self.assertEqual(str(late_fees.round_money('-0.004', CENT)), '0.00')

    def test_bad_rounding(self):
        for bad in (0, '-0.01', 'abc', None, float('nan')):
            with self.assertRaises(ValueError):
                late_fees.round_money(1, bad)


class TestValidation(unittest.TestCase):

    def test_terms(self):
        for bad in ({'grace_days': -1}, {'grace_days': 1.5},
                    {'grace_days': True}, {'fee_fixed': '-0.01'},
                    {'fee_percent': 101}, {'fee_percent': -1},
                    {'interest_rate': -5}, {'interest_start': 'invoice'},
                    {'fee_min': -1}, {'fee_max': -1}, {'fee_fixed': 'ten'},
                    {'fee_fixed': float('inf')}, {'fee_fixed': None},
                    {'grace_days': 366}, {'interest_rate': '100.01'},
                    {'charge_min': '-0.01'},
                    {'fee_min': 50, 'fee_max': 20},
                    {'fee_fixed': 40, 'fee_max': 20},
                    {'charge_min': '20.01', 'fee_max': 20}):
            with self.assertRaises(ValueError, msg=bad):
                terms(**bad)
        # the bounds themselves hold; without a cap no minimum is too high
        for good in ({'grace_days': 365}, {'interest_rate': 100},
                     {'fee_percent': 100}, {'fee_min': 50},
                     {'fee_min': 20, 'fee_max': 20, 'fee_fixed': 20,
                      'charge_min': 20}):
            self.assertTrue(terms(**good), good)
        with self.assertRaisesRegex(ValueError,
                                    'fee_min: 50 is above the cap fee_max 20'):
            terms(fee_min=50, fee_max=20)

    def test_terms_converted(self):
        policy = terms(fee_fixed=15.5, fee_percent='2.5', interest_rate=8,
                       fee_max=D('100'))
        self.assertEqual(policy.fee_fixed, D('15.5'))
        self.assertIsInstance(policy.fee_percent, Decimal)
        self.assertEqual(policy.interest_rate, D('8'))
        self.assertEqual(terms(fee_percent=100).fee_percent, D('100'))

    def test_facts(self):
        with self.assertRaises(ValueError):
            facts(amount='-1')
        with self.assertRaises(ValueError):
            facts(payments=[(day(1), '-10')])
        with self.assertRaises(ValueError):
            facts(charges=[(day(1), '-10')])
        with self.assertRaises(ValueError):
            facts(holds=[(day(5), day(4))])
        with self.assertRaises(ValueError):
            facts(due='31/03/2023')
        with self.assertRaises(ValueError):
            evaluate(terms(), facts(), 'tomorrow')

    def test_facts_accept_iso_strings(self):
        invoice = facts(due='2023-03-31', payments=[('2023-04-10', '10')],
                        holds=[('2023-04-20', None)])
        self.assertEqual(invoice.due_date, DUE)
        self.assertEqual(invoice.payments, ((day(10), D('10')),))
        self.assertEqual(invoice.holds, ((day(20), None),))


class TestProblems(unittest.TestCase):
    """The rules the ORM's constraints translate: one home for each."""

    def codes(self, problems):
        return [(p.code, p.field, p.value, p.limit, p.stages)
                for p in problems]

    def test_terms_problems(self):
        self.assertEqual(late_fees.terms_problems(), ())
        self.assertEqual(self.codes(late_fees.terms_problems(
            grace_days=-1, fee_fixed='-1', fee_percent='100.5',
            interest_rate='-0.5', interest_start='invoice', fee_min=0,
            fee_max=0, charge_min=-2)), [
                ('negative', 'grace_days', -1, None, ()),
                ('negative', 'fee_fixed', D('-1'), None, ()),
                ('above_max', 'fee_percent', D('100.5'), D('100'), ()),
                ('negative', 'interest_rate', D('-0.5'), None, ()),
                ('negative', 'charge_min', D('-2'), None, ()),
                ('interest_start', 'interest_start', 'invoice', None, ()),
            ])
        self.assertEqual(self.codes(late_fees.terms_problems(
            grace_days=400, interest_rate=150, fee_fixed=30, fee_min=50,
            fee_max=20, charge_min=25)), [
                ('above_max', 'grace_days', 400, 365, ()),
                ('above_max', 'interest_rate', D('150'), D('100'), ()),
                ('above_cap', 'fee_fixed', D('30'), D('20'), ()),
                ('above_cap', 'fee_min', D('50'), D('20'), ()),
                ('above_cap', 'charge_min', D('25'), D('20'), ()),
            ])
        self.assertEqual(self.codes(late_fees.terms_problems(
            grace_days=2.5)), [('not_integer', 'grace_days', 2.5, None, ())])
        with self.assertRaises(ValueError):
            late_fees.terms_problems(fee_fixed='ten')

    def test_stage_problems(self):
        self.assertEqual(late_fees.stage_problems(
            10, [('a', -3, False), ('b', 1, False), ('c', 11, True)]), ())
        self.assertEqual(self.codes(late_fees.stage_problems(10, [
            ('a', 5, False), ('b', 10, True), ('c', 5, True), ('d', 5, False),
            ('e', 4000, False), ('f', -366, False)])), [
                ('fee_in_grace', 'day_offset', 10, 10, ('b',)),
                ('fee_in_grace', 'day_offset', 5, 10, ('c',)),
                ('offset_range', 'day_offset', 4000, (-365, 3650), ('e',)),
                ('offset_range', 'day_offset', -366, (-365, 3650), ('f',)),
                ('duplicate_offset', 'day_offset', 5, None,
                 ('a', 'c', 'd')),
            ])
        # a credit hold before the invoice is overdue
        self.assertEqual(self.codes(late_fees.stage_problems(10, [
            ('a', 0, False, True), ('b', 1, False, True),
            ('c', -3, False, False)])),
            [('hold_before_due', 'day_offset', 0, None, ('a',))])
        self.assertEqual(
            str(late_fees.stage_problems(0, [('x', 0, True)])[0]),
            "day_offset: stage 'x' charges a fee on day 0, within the grace "
            "period of 0 days")


class TestStates(unittest.TestCase):
    # due 2023-03-31, grace 5 -> grace_end 2023-04-05

    def test_boundary_days(self):
        policy = terms(grace_days=5, fee_fixed=15)
        invoice = facts()
        expected = [
            (day(-1), 'not_due', 0),
            (day(0), 'not_due', 0),      # the due date itself
            (day(1), 'in_grace', 1),
            (day(5), 'in_grace', 5),     # due + grace
            (day(6), 'late', 6),         # the next day
        ]
        for as_of, state, days_late in expected:
            result = evaluate(policy, invoice, as_of)
            self.assertEqual((result.state, result.days_late),
                             (state, days_late), as_of)
            self.assertEqual(result.grace_end, day(5))
            # the fee is shown as accrued all along but only due when late
            self.assertEqual(result.accrued, D('15.00'))
            self.assertEqual(result.charge,
                             D('15.00') if state == 'late' else D('0.00'))

    def test_grace_zero(self):
        policy = terms(fee_fixed=15)
        self.assertEqual(evaluate(policy, facts(), day(0)).state, 'not_due')
        self.assertEqual(evaluate(policy, facts(), day(0)).grace_end, DUE)
        self.assertEqual(evaluate(policy, facts(), day(1)).state, 'late')

    def test_paid_same_day(self):
        # two payments the same day make up the 1000.00
        invoice = facts(payments=[(day(6), '600.00'), (day(6), '400.00')])
        policy = terms(grace_days=5, fee_fixed=15)
        self.assertEqual(evaluate(policy, invoice, day(5)).state, 'in_grace')
        result = evaluate(policy, invoice, day(6))
        self.assertEqual(result.state, 'paid')
        self.assertEqual(result.open_balance, D('0.00'))
        self.assertEqual(result.charge, D('0.00'))

    def test_future_payment_ignored(self):
        invoice = facts(payments=[(day(7), '1000.00')])
        self.assertEqual(evaluate(terms(grace_days=5), invoice, day(6)).state,
                         'late')

    def test_overpaid(self):
        invoice = facts(payments=[(day(-3), '1200.00')])
        result = evaluate(terms(), invoice, day(-3))
        self.assertEqual(result.state, 'paid')
        self.assertEqual(result.open_balance, D('-200.00'))

    def test_hold_state(self):
        invoice = facts(holds=[(day(-10), day(0)), (day(20), None)])
        policy = terms(grace_days=5)
        self.assertEqual(evaluate(policy, invoice, day(-11)).state, 'not_due')
        self.assertEqual(evaluate(policy, invoice, day(-10)).state, 'on_hold')
        self.assertEqual(evaluate(policy, invoice, day(0)).state, 'on_hold')
        self.assertEqual(evaluate(policy, invoice, day(1)).state, 'in_grace')
        self.assertEqual(evaluate(policy, invoice, day(19)).state, 'late')
        self.assertEqual(evaluate(policy, invoice, day(500)).state, 'on_hold')
        # paid wins over on hold
        paid = facts(payments=[(day(25), '1000')], holds=[(day(20), None)])
        self.assertEqual(evaluate(policy, paid, day(25)).state, 'paid')


class TestCharges(unittest.TestCase):

    def test_fixed_fee_only(self):
        # 15.0 given as a float -> Decimal('15.0'); no interest, no percent
        result = evaluate(terms(fee_fixed=15.0), facts(), day(10))
        self.assertEqual(result.state, 'late')
        self.assertEqual(result.charge, D('15.00'))
        self.assertEqual(result.breakdown.fixed_part, D('15.0'))
        self.assertEqual(result.breakdown.interest_part, 0)
        self.assertEqual(result.breakdown.percent_part, 0)
        self.assertTrue(result.breakdown.first_charge)

    def test_percent_only(self):
        # 1234.56 - 200.00 paid on 2023-04-05 = 1034.56 open at 2023-04-10
        # (the 100.00 of 2023-04-15 comes later); 2.5 % of 1034.56 = 25.864
        # -> 25.86
        invoice = facts('1234.56', payments=[(day(5), '200.00'),
                                             (day(15), '100.00')])
        result = evaluate(terms(fee_percent='2.5'), invoice, day(10))
        self.assertEqual(result.breakdown.percent_base, D('1034.56'))
        self.assertEqual(result.breakdown.percent_part, D('25.864'))
        self.assertEqual(result.charge, D('25.86'))

    def test_interest_two_partial_payments(self):
        # 10 % a year on 1000.00, 300.00 paid on 04-10, 200.00 on 04-20:
        #   04-01..04-09   9 days x 1000 x 10 / 36500 = 90000 / 36500
        #   04-10..04-19  10 days x  700 x 10 / 36500 = 70000 / 36500
        #   04-20..04-30  11 days x  500 x 10 / 36500 = 55000 / 36500
        # total 215000 / 36500 = 5.890410958... -> 5.89
        # (a payment dated d stops day d's interest on the paid part)
        invoice = facts(payments=[(day(20), '200.00'), (day(10), '300.00')])
        result = evaluate(terms(interest_rate=10), invoice, day(30))
        breakdown = result.breakdown
        self.assertEqual(
            [(s.start, s.end, s.days, s.balance) for s in breakdown.segments],
            [(day(1), day(9), 9, D('1000.00')),
             (day(10), day(19), 10, D('700.00')),
             (day(20), day(30), 11, D('500.00'))])
        self.assertEqual((breakdown.interest_from, breakdown.interest_to),
                         (day(1), day(30)))
        self.assertEqual(breakdown.interest_days, 30)
        self.assertAlmostEqual(breakdown.interest_part,
                               D(215000) / D(36500), places=20)
        self.assertEqual(result.open_balance, D('500.00'))
        self.assertEqual(result.charge, D('5.89'))

    def test_payment_day_accrues_nothing_on_paid_part(self):
        # 36.5 % a year = 0.1 % a day = 1.00 a day on 1000.00;
        # paid in full on 04-03: 04-01 and 04-02 accrue, 04-03 does not: 2.00
        invoice = facts(payments=[(day(3), '1000.00')])
        result = evaluate(terms(interest_rate='36.5'), invoice, day(10))
        self.assertEqual(result.state, 'paid')
        self.assertEqual(result.accrued, D('2.00'))
        self.assertEqual(result.charge, D('0.00'))

    def test_cap_reached_on_first_charge(self):
        # 40.00 fixed + 1 % of 1000.00 = 10.00 + 30 days at 12 %:
        # 30 x 1000 x 12 / 36500 = 9.8630137 -> 59.8630137, capped at 50.00
        policy = terms(fee_fixed=40, fee_percent=1, interest_rate=12,
                       fee_max=50)
        result = evaluate(policy, facts(), day(30))
        self.assertTrue(result.breakdown.cap_applied)
        self.assertAlmostEqual(result.breakdown.cap_reduction,
                               D(360000) / D(36500), places=20)
        self.assertEqual(result.breakdown.unrounded, D('50'))
        self.assertEqual(result.charge, D('50.00'))

    def test_cap_reached_on_later_charge(self):
        # 48.00 charged on 04-30; 05-01..05-31 = 31 days at 12 %:
        # 31 x 1000 x 12 / 36500 = 10.1917808; room 50 - 48 = 2.00
        policy = terms(fee_fixed=40, fee_percent=1, interest_rate=12,
                       fee_max=50)
        invoice = facts(charges=[(day(30), '48.00')])
        result = evaluate(policy, invoice, day(61))
        self.assertEqual(result.breakdown.previous_charges, D('48.00'))
        self.assertAlmostEqual(result.breakdown.cap_reduction,
                               D(372000) / D(36500) - 2, places=20)
        self.assertEqual(result.charge, D('2.00'))
        # once the cap is reached, nothing more
        full = facts(charges=[(day(30), '48.00'), (day(61), '2.00')])
        self.assertEqual(evaluate(policy, full, day(90)).charge, D('0.00'))

    def test_cap_not_a_multiple_of_the_quantum(self):
        # a converted cap of 10.005: 5.00 fixed + 10 days at 1.00 a day
        # (36.5 % on 1000.00) = 15.00 capped to 10.005, half-up would give
        # 10.01 > cap, so it is rounded down to 10.00
        result = evaluate(terms(fee_fixed=5, interest_rate='36.5',
                                fee_max='10.005'), facts(), day(10))
        self.assertEqual(result.charge, D('10.00'))

    def test_minimum_applied(self):
        # 500.00 at 5 % for 10 days: 10 x 500 x 5 / 36500 = 0.6849315
        # > 0 and < 5.00 -> 5.00
        policy = terms(interest_rate=5, fee_min=5)
        result = evaluate(policy, facts('500.00'), day(10))
        self.assertTrue(result.breakdown.minimum_applied)
        self.assertAlmostEqual(result.breakdown.subtotal,
                               D(25000) / D(36500), places=20)
        self.assertEqual(result.charge, D('5.00'))
        # not for a later charge: 04-11..04-20 = 0.6849315 -> 0.68
        later = facts('500.00', charges=[(day(10), '5.00')])
        result = evaluate(policy, later, day(20))
        self.assertFalse(result.breakdown.minimum_applied)
        self.assertEqual(result.charge, D('0.68'))
        # nor when nothing is charged at all
        result = evaluate(terms(fee_min=5), facts(), day(10))
        self.assertFalse(result.breakdown.minimum_applied)
        self.assertEqual(result.charge, D('0.00'))

    def test_interest_start_due_or_grace_end(self):
        # grace 10 days -> grace_end 04-10; 10 % on 1000.00 until 04-30
        #   'due':       04-01..04-30 = 30 days: 300000 / 36500 = 8.219178 -> 8.22
        #   'grace_end': 04-11..04-30 = 20 days: 200000 / 36500 = 5.479452 -> 5.48
        due = evaluate(terms(grace_days=10, interest_rate=10), facts(), day(30))
        grace_end = evaluate(terms(grace_days=10, interest_rate=10,
                                   interest_start='grace_end'),
                             facts(), day(30))
        self.assertEqual((due.breakdown.interest_from, due.charge),
                         (day(1), D('8.22')))
        self.assertEqual((grace_end.breakdown.interest_from, grace_end.charge),
                         (day(11), D('5.48')))

    def test_hold_in_the_middle(self):
        # on hold 04-11..04-20: 04-01..04-10 and 04-21..04-30 accrue,
        # 20 days x 1000 x 10 / 36500 = 5.479452 -> 5.48
        policy = terms(interest_rate=10)
        invoice = facts(holds=[(day(11), day(20))])
        result = evaluate(policy, invoice, day(30))
        breakdown = result.breakdown
        self.assertEqual(result.state, 'late')
        self.assertEqual(breakdown.hold_days, 10)
        self.assertEqual(breakdown.interest_days, 20)
        self.assertEqual([(s.start, s.end) for s in breakdown.segments],
                         [(day(1), day(10)), (day(21), day(30))])
        self.assertEqual(result.charge, D('5.48'))
        # during the hold: 04-01..04-10 = 100000 / 36500 = 2.739726 -> 2.74
        # accrued, nothing due
        during = evaluate(policy, invoice, day(15))
        self.assertEqual((during.state, during.accrued, during.charge),
                         ('on_hold', D('2.74'), D('0.00')))
        # a hold still open stops the interest for good
        open_hold = facts(holds=[(day(11), None)])
        result = evaluate(policy, open_hold, day(61))
        self.assertEqual((result.state, result.accrued), ('on_hold', D('2.74')))

    def test_second_charge_interest_only(self):
        # first charge on 04-30: 10.00 fixed + 2 % of 1000.00 = 20.00
        #   + 30 days at 10 %: 8.219178 = 38.219178 -> 38.22
        # second on 05-31: 05-01..05-31 = 31 days: 310000 / 36500 = 8.493150
        #   -> 8.49, no fixed nor percent part
        policy = terms(fee_fixed=10, fee_percent=2, interest_rate=10)
        first = evaluate(policy, facts(), day(30))
        self.assertEqual(first.charge, D('38.22'))
        charged = facts(charges=[(day(30), first.charge)])
        second = evaluate(policy, charged, day(61))
        self.assertFalse(second.breakdown.first_charge)
        self.assertEqual(second.breakdown.last_charge_date, day(30))
        self.assertEqual(second.breakdown.interest_from, day(31))
        self.assertEqual((second.breakdown.fixed_part,
                          second.breakdown.percent_part), (0, 0))
        self.assertEqual(second.charge, D('8.49'))
        # the same day again: nothing more (running the cron twice is harmless)
        again = evaluate(policy, charged, day(30))
        self.assertEqual(again.charge, D('0.00'))
        self.assertIsNone(again.breakdown.interest_from)
        # a charge dated after as_of is not known yet at as_of
        later = facts(charges=[(day(61), '8.49')])
        self.assertEqual(evaluate(policy, later, day(30)).charge, D('38.22'))

    def test_rounding_to_units(self):
        # JPY-like: 123457 at 14.6 % = 0.04 % a day, 30 days:
        # 30 x 123457 x 0.0004 = 1481.484, + 500 fixed = 1981.484 -> 1981
        policy = terms(fee_fixed=500, interest_rate='14.6')
        result = evaluate(policy, facts('123457'), day(30), rounding=1)
        self.assertEqual(result.charge, D('1981'))
        self.assertEqual(result.breakdown.unrounded, D('1981.484'))
        # a tie: 1250 for one day = 1250 x 0.0004 = 0.5 -> 1 (half-up)
        tie = evaluate(terms(interest_rate='14.6'), facts('1250'), day(1),
                       rounding=D('1'))
        self.assertEqual(tie.charge, D('1'))

    def test_rounding_to_five_cents(self):
        # 8.219178 / 0.05 = 164.38 -> 164 x 0.05 = 8.20
        result = evaluate(terms(interest_rate=10), facts(), day(30),
                          rounding='0.05')
        self.assertEqual(result.charge, D('8.20'))


class TestChargeMinimum(unittest.TestCase):
    """No charge below the minimum per charge: the amount waits."""

    def test_interest_waits_until_the_minimum(self):
        # 36.5 % a year on 1000.00 is 1.00 a day; minimum per charge 5.00
        policy = terms(interest_rate='36.5', charge_min=5)
        # day 3: 3.00 accrued, below 5.00: nothing charged
        result = evaluate(policy, facts(), day(3))
        self.assertEqual((result.state, result.accrued, result.charge),
                         ('late', D('3.00'), D('0.00')))
        self.assertTrue(result.breakdown.below_charge_minimum)
        self.assertEqual(result.breakdown.charge_minimum, D('5'))
        # day 4 still waits; day 10: 04-01..04-10 = 10.00, charged
        self.assertEqual(evaluate(policy, facts(), day(4)).charge, D('0.00'))
        result = evaluate(policy, facts(), day(10))
        self.assertEqual((result.breakdown.interest_from, result.charge),
                         (day(1), D('10.00')))
        self.assertFalse(result.breakdown.below_charge_minimum)
        # after that charge: 2.00 on day 12 waits, 5.00 on day 15 is charged
        # (the minimum itself is not below the minimum)
        charged = facts(charges=[(day(10), '10.00')])
        self.assertEqual(evaluate(policy, charged, day(12)).charge,
                         D('0.00'))
        self.assertEqual(evaluate(policy, charged, day(15)).charge,
                         D('5.00'))

    def test_fixed_part_waits_with_the_first_charge(self):
        # fixed 3.00 + 1.00 a day, minimum 5.00: day 1 = 4.00 waits,
        # day 2 = 3.00 + 2.00 = 5.00 charged, the fixed part once
        policy = terms(fee_fixed=3, interest_rate='36.5', charge_min=5)
        self.assertEqual(evaluate(policy, facts(), day(1)).charge, D('0.00'))
        result = evaluate(policy, facts(), day(2))
        self.assertEqual((result.charge, result.breakdown.fixed_part,
                          result.breakdown.first_charge),
                         (D('5.00'), D('3'), True))

    def test_the_trivial_invoices_of_the_complaint(self):
        # 747.00 at 12 %, 25.00 fixed, minimum per charge 10.00, stages on
        # days 7, 13, 21 and 61:
        #   day 7:  25 + 7 x 747 x 12 / 36500 = 25 + 1.7191... = 26.72
        #   day 13: 6 days  = 53784 / 36500 = 1.4735... -> 1.47, waits
        #   day 21: 14 days (from day 8) = 125496 / 36500 = 3.4382 -> 3.44,
        #           waits
        #   day 61: 54 days = 484056 / 36500 = 13.2618... -> 13.26, charged
        policy = terms(fee_fixed=25, interest_rate=12, charge_min=10)
        timeline = late_fees.preview(policy, facts('747.00'),
                                     [day(7), day(13), day(21), day(61)],
                                     CENT)
        self.assertEqual([(r.accrued, r.charge) for r in timeline],
                         [(D('26.72'), D('26.72')), (D('1.47'), D('0.00')),
                          (D('3.44'), D('0.00')), (D('13.26'), D('13.26'))])
        self.assertEqual(timeline[3].breakdown.interest_from, day(8))
        # without the minimum: 26.72, 1.47, 1.97 (8 days), 8.84 (40 days)
        plain = late_fees.preview(terms(fee_fixed=25, interest_rate=12),
                                  facts('747.00'),
                                  [day(7), day(13), day(21), day(61)], CENT)
        self.assertEqual([r.charge for r in plain],
                         [D('26.72'), D('1.47'), D('1.96'), D('9.82')])

    def test_rest_under_the_cap_below_the_minimum_is_never_charged(self):
        # 40.00 + 30 days at 12 % on 1000.00 = 49.86 under the cap of 50.00;
        # the 0.14 left under the cap is below the minimum 5.00: never charged
        policy = terms(fee_fixed=40, interest_rate=12, fee_max=50,
                       charge_min=5)
        self.assertEqual(evaluate(policy, facts(), day(30)).charge,
                         D('49.86'))
        later = evaluate(policy, facts(charges=[(day(30), '49.86')]),
                         day(400))
        self.assertEqual((later.accrued, later.charge),
                         (D('0.14'), D('0.00')))
        self.assertTrue(later.breakdown.cap_applied)
        self.assertTrue(later.breakdown.below_charge_minimum)

    def test_not_late_is_not_below_the_minimum(self):
        # in grace the charge is 0 whatever the minimum
        result = evaluate(terms(grace_days=10, fee_fixed=40, charge_min=5),
                          facts(), day(5))
        self.assertEqual((result.state, result.accrued, result.charge),
                         ('in_grace', D('40.00'), D('0.00')))
        self.assertFalse(result.breakdown.below_charge_minimum)


class TestTimeline(unittest.TestCase):

    def test_stages_left(self):
        # fixed 10.00 + 1.00 a day, stages on days 15 and 45, as of day 1
        policy = terms(fee_fixed=10, interest_rate='36.5')
        result = late_fees.timeline(policy, facts(), day(1),
                                    [day(45), day(15), day(1), day(-3)],
                                    CENT)
        self.assertEqual([(r.as_of, r.charge) for r in result.stages],
                         [(day(15), D('25.00')), (day(45), D('30.00'))])
        self.assertEqual(result.now.accrued, D('11.00'))
        self.assertEqual(result.last_date, day(45))
        self.assertFalse(result.cap_reached)
        # after day 45: 1000.00 x 36.5 / 36500 = 1.00 a day
        self.assertEqual(result.daily_interest, D('1'))

    def test_stages_used_up_interest_goes_on(self):
        # charged on days 15 and 45; as of day 50: 5.00 accrued since
        policy = terms(fee_fixed=10, interest_rate='36.5')
        invoice = facts(charges=[(day(15), '25.00'), (day(45), '30.00')])
        result = late_fees.timeline(policy, invoice, day(50),
                                    [day(15), day(45)], CENT)
        self.assertEqual(result.stages, ())
        self.assertEqual(result.last_date, day(50))
        self.assertEqual((result.now.accrued, result.now.charge),
                         (D('5.00'), D('5.00')))
        self.assertEqual(result.daily_interest, D('1'))

    def test_nothing_more(self):
        # cap reached: 40 + 9.86 = 49.86, the rest 0.14 is below 5.00
        capped = terms(fee_fixed=40, interest_rate=12, fee_max=50,
                       charge_min=5)
        result = late_fees.timeline(capped, facts(), day(1), [day(30)], CENT)
        self.assertEqual([r.charge for r in result.stages], [D('49.86')])
        self.assertTrue(result.cap_reached)
        self.assertEqual(result.daily_interest, 0)
        # on hold for good, paid, or no interest: nothing accrues per day
        policy = terms(interest_rate='36.5')
        for invoice in (facts(holds=[(day(20), None)]),
                        facts(payments=[(day(20), '1000.00')])):
            self.assertEqual(late_fees.timeline(policy, invoice, day(30), (),
                                                CENT).daily_interest, 0)
        self.assertEqual(late_fees.timeline(terms(fee_fixed=5), facts(),
                                            day(30), (), CENT).daily_interest,
                         0)
        # a partial payment lowers it: 400.00 x 36.5 / 36500 = 0.40 a day
        paid = facts(payments=[(day(20), '600.00')])
        result = late_fees.timeline(policy, paid, day(30), (), CENT)
        self.assertEqual((result.balance, result.daily_interest),
                         (D('400.00'), D('0.4')))
        json.dumps(result.as_dict())


class TestPreview(unittest.TestCase):

    def test_timeline(self):
        # 10.00 fixed, 10 % interest on 1000.00, stages given out of order:
        #   03-20 not due: 0.00, not recorded
        #   04-30 first charge: 10.00 + 30 days 8.219178 = 18.219178 -> 18.22
        #   05-31 05-01..05-31: 310000 / 36500 = 8.493150 -> 8.49
        policy = terms(fee_fixed=10, interest_rate=10)
        timeline = late_fees.preview(policy, facts(),
                                     [day(61), day(-11), day(30)], CENT)
        self.assertEqual([(r.as_of, r.state, r.charge) for r in timeline],
                         [(day(-11), 'not_due', D('0.00')),
                          (day(30), 'late', D('18.22')),
                          (day(61), 'late', D('8.49'))])
        self.assertTrue(timeline[1].breakdown.first_charge)
        self.assertFalse(timeline[2].breakdown.first_charge)

    def test_timeline_with_cap(self):
        # cap 25.00: 18.22, then 25 - 18.22 = 6.78 of the 8.49, then nothing
        policy = terms(fee_fixed=10, interest_rate=10, fee_max=25)
        timeline = late_fees.preview(policy, facts(),
                                     [day(30), day(61), day(91)], CENT)
        self.assertEqual([r.charge for r in timeline],
                         [D('18.22'), D('6.78'), D('0.00')])

    def test_timeline_after_existing_charge(self):
        policy = terms(fee_fixed=10, interest_rate=10)
        invoice = facts(charges=[(day(30), '18.22')])
        timeline = late_fees.preview(policy, invoice, ['2023-05-31'], CENT)
        self.assertEqual([r.charge for r in timeline], [D('8.49')])


class TestAsDict(unittest.TestCase):

    def test_json_ready(self):
        invoice = facts(payments=[(day(10), '300.00')],
                        holds=[(day(15), day(16))])
        result = evaluate(terms(interest_rate=10, fee_fixed=5), invoice,
                          day(30))
        data = json.loads(json.dumps(result.as_dict()))
        self.assertEqual(data['as_of'], '2023-04-30')
        self.assertEqual(data['state'], 'late')
        self.assertEqual(data['charge'], str(result.charge))
        self.assertEqual(data['breakdown']['segments'][0],
                         {'start': '2023-04-01', 'end': '2023-04-09',
                          'days': 9, 'balance': '1000.00',
                          'interest': str(result.breakdown.segments[0].interest)})
        self.assertEqual(data['breakdown']['hold_days'], 2)
        self.assertIsNone(data['breakdown']['last_charge_date'])
        self.assertEqual(D(data['breakdown']['unrounded']),
                         result.breakdown.unrounded)

    def test_frozen(self):
        result = evaluate(terms(), facts(), day(1))
        with self.assertRaises(AttributeError):
            result.charge = D('1')


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------

FIRST_DAY = date(2023, 1, 1)
LAST_DAY = date(2025, 12, 31)
dates = st.dates(FIRST_DAY, LAST_DAY)
roundings = st.sampled_from([D('0.01'), D('1'), D('0.05')])


def money(low, high):
    return st.decimals(min_value=D(low), max_value=D(high), places=2,
                       allow_nan=False, allow_infinity=False)


@st.composite
def policies(draw, fee_min=money(0, 50),
             fee_max=st.one_of(st.just(D(0)), money(1, 500)),
             charge_min=st.one_of(st.just(D(0)), money(0, 30))):
    """Coherent terms: with a cap, no fixed fee nor minimum above it."""
    cap = draw(fee_max)

    def capped(value):
        return min(value, cap) if cap > 0 else value

    return late_fees.PolicyTerms(
        grace_days=draw(st.integers(0, 60)),
        fee_fixed=capped(draw(st.one_of(st.just(D(0)), money(0, 100)))),
        fee_percent=draw(st.decimals(0, 10, places=2)),
        interest_rate=draw(st.decimals(0, 30, places=2)),
        interest_start=draw(st.sampled_from(['due', 'grace_end'])),
        fee_min=capped(draw(fee_min)),
        fee_max=cap,
        charge_min=capped(draw(charge_min)),
    )


@st.composite
def invoices(draw, payments=True, holds=True, charges=True):
    due = draw(dates)
    near = st.integers(-30, 400).map(lambda n: due + timedelta(days=n))
    hold_list = []
    if holds:
        for start, length in draw(st.lists(
                st.tuples(near, st.one_of(st.none(), st.integers(0, 60))),
                max_size=3)):
            hold_list.append(
                (start, None if length is None else start + timedelta(days=length)))
    return late_fees.InvoiceFacts(
        amount=draw(money('0.01', '100000')),
        due_date=due,
        payments=draw(st.lists(st.tuples(near, money('0.01', '50000')),
                               max_size=5)) if payments else (),
        holds=hold_list,
        charges=draw(st.lists(st.tuples(near, money('0.01', '200')),
                              max_size=3)) if charges else (),
    )


def later(invoice, low=-30, high=400):
    """A date near the invoice's due date."""
    return st.integers(low, high).map(
        lambda n: invoice.due_date + timedelta(days=n))


def reference(policy, invoice, as_of, quantum):
    """The rules applied literally, day by day, in exact fractions."""
    charges = [(d, a) for d, a in invoice.charges if d <= as_of]
    due = invoice.due_date
    grace_end = due + timedelta(days=policy.grace_days)
    current = (grace_end if policy.interest_start == 'grace_end' else due) \
        + timedelta(days=1)
    if charges:
        current = max(current, charges[-1][0] + timedelta(days=1))
    interest = Fraction(0)
    while current <= as_of:
        if not any(s <= current and (e is None or current <= e)
                   for s, e in invoice.holds):
            balance = Fraction(invoice.amount) - sum(
                Fraction(a) for d, a in invoice.payments if d <= current)
            interest += max(balance, 0) * Fraction(policy.interest_rate) / 100 / 365
        current += timedelta(days=1)
    total = interest
    if not charges:
        balance = Fraction(invoice.balance_at(as_of))
        total += Fraction(policy.fee_fixed) \
            + max(balance, 0) * Fraction(policy.fee_percent) / 100
        if 0 < total < policy.fee_min:
            total = Fraction(policy.fee_min)
    room = None
    if policy.fee_max > 0:
        room = max(Fraction(policy.fee_max) - sum(Fraction(a) for d, a in charges), 0)
        total = min(total, room)
    units = total / Fraction(quantum)
    rounded = int(units) + (1 if units - int(units) >= Fraction(1, 2) else 0)
    if room is not None and rounded * Fraction(quantum) > room:
        # a cap that is not a multiple of the quantum: round down under it
        rounded = int(room / Fraction(quantum))
    return Decimal(rounded) * quantum


def reference_charge(policy, invoice, as_of, accrued):
    """What is due now: the accrued amount when late and not below the
    minimum per charge."""
    late = (invoice.balance_at(as_of) > 0
            and not any(s <= as_of and (e is None or as_of <= e)
                        for s, e in invoice.holds)
            and as_of > invoice.due_date + timedelta(days=policy.grace_days))
    if late and not 0 < accrued < policy.charge_min:
        return accrued
    return 0


class TestProperties(unittest.TestCase):

    @settings(max_examples=300, deadline=None, database=None)
    @given(st.data(), policies(), invoices(), roundings)
    def test_matches_day_by_day_reference(self, data, policy, invoice, quantum):
        as_of = data.draw(later(invoice))
        result = late_fees.evaluate(policy, invoice, as_of, quantum)
        accrued = reference(policy, invoice, as_of, quantum)
        self.assertEqual(result.accrued, accrued)
        self.assertEqual(result.charge,
                         reference_charge(policy, invoice, as_of, accrued))

    @settings(max_examples=300, deadline=None, database=None)
    @given(st.data(), policies(), invoices(), roundings)
    def test_never_negative_never_over_cap(self, data, policy, invoice, quantum):
        as_of = data.draw(later(invoice))
        result = late_fees.evaluate(policy, invoice, as_of, quantum)
        self.assertGreaterEqual(result.charge, 0)
        self.assertGreaterEqual(result.accrued, 0)
        self.assertEqual(result.charge, result.accrued
                         if result.state == 'late'
                         and not result.breakdown.below_charge_minimum else 0)
        # never a charge below the minimum per charge
        self.assertTrue(result.charge == 0
                        or result.charge >= policy.charge_min)
        if policy.fee_max > 0:
            room = max(policy.fee_max - result.breakdown.previous_charges, 0)
            self.assertLessEqual(result.charge, room)
        # the breakdown adds up
        breakdown = result.breakdown
        if breakdown.interest_from is not None:
            period = (breakdown.interest_to - breakdown.interest_from).days + 1
            self.assertEqual(breakdown.interest_days + breakdown.hold_days, period)
            self.assertEqual(breakdown.interest_days,
                             sum(s.days for s in breakdown.segments))
        self.assertLess(abs(sum(s.interest for s in breakdown.segments)
                            - breakdown.interest_part), D('1E-15'))
        json.dumps(result.as_dict())

    @settings(max_examples=200, deadline=None, database=None)
    @given(st.data(), policies(fee_max=money(1, 500)), invoices(charges=False),
           roundings)
    def test_timeline_never_over_cap(self, data, policy, invoice, quantum):
        stages = data.draw(st.lists(later(invoice, 0, 400), max_size=6))
        timeline = late_fees.preview(policy, invoice, stages, quantum)
        self.assertLessEqual(sum(r.charge for r in timeline), policy.fee_max)
        self.assertTrue(all(r.charge >= 0 for r in timeline))

    @settings(max_examples=200, deadline=None, database=None)
    @given(st.data(), policies(), invoices(payments=False, charges=False),
           roundings)
    def test_unpaid_accrual_never_decreases(self, data, policy, invoice, quantum):
        first = data.draw(later(invoice))
        second = first + timedelta(days=data.draw(st.integers(0, 400)))
        self.assertLessEqual(
            late_fees.evaluate(policy, invoice, first, quantum).accrued,
            late_fees.evaluate(policy, invoice, second, quantum).accrued)

    @settings(max_examples=200, deadline=None, database=None)
    @given(st.data(), policies(), invoices(), roundings)
    def test_full_payment_stops_accrual(self, data, policy, invoice, quantum):
        # pay whatever is left on some day; from that day on nothing changes
        paid_on = data.draw(later(invoice))
        rest = max(invoice.balance_at(paid_on), D('0'))
        invoice = late_fees.InvoiceFacts(
            invoice.amount, invoice.due_date,
            payments=invoice.payments + ((paid_on, rest),),
            holds=invoice.holds,
            charges=[c for c in invoice.charges if c[0] <= paid_on])
        first = paid_on + timedelta(days=data.draw(st.integers(0, 400)))
        second = paid_on + timedelta(days=data.draw(st.integers(0, 400)))
        result = late_fees.evaluate(policy, invoice, first, quantum)
        self.assertEqual(result.state, 'paid')
        self.assertEqual(result.charge, 0)
        self.assertEqual(result.accrued,
                         late_fees.evaluate(policy, invoice, second, quantum).accrued)

    @settings(max_examples=300, deadline=None, database=None,
              suppress_health_check=[HealthCheck.filter_too_much])
    @given(st.data(), policies(fee_min=st.just(D(0)), fee_max=st.just(D(0)),
                               charge_min=st.just(D(0))),
           invoices(charges=False), roundings)
    def test_splitting_the_period(self, data, policy, invoice, quantum):
        # One charge at `final`, or charges at intermediate stages then at
        # `final`, add up to the same within one rounding unit per charge, when:
        #   - fee_min = 0 (a minimum would be added once per split),
        #   - no cap (a cap cuts the total differently),
        #   - no payment after the first stage (the percent part takes the
        #     balance of the first charge's day),
        #   - `final` is late (not paid, not on hold), else it charges nothing.
        grace_end = invoice.due_date + timedelta(days=policy.grace_days)
        final = grace_end + timedelta(days=data.draw(st.integers(1, 300)))
        span = (final - invoice.due_date).days
        stages = sorted(set(data.draw(st.lists(
            st.integers(-30, span - 1).map(
                lambda n: invoice.due_date + timedelta(days=n)),
            min_size=1, max_size=5))))
        invoice = late_fees.InvoiceFacts(
            invoice.amount, invoice.due_date,
            payments=[p for p in invoice.payments if p[0] <= stages[0]],
            holds=[h for h in invoice.holds
                   if not (h[0] <= final and (h[1] is None or final <= h[1]))])
        single = late_fees.evaluate(policy, invoice, final, quantum)
        assume(single.state == 'late')
        split = late_fees.preview(policy, invoice, stages + [final], quantum)
        total = sum(r.charge for r in split)
        self.assertLessEqual(abs(total - single.charge), quantum * len(split))

    @settings(max_examples=300, deadline=None, database=None)
    @given(st.data(), policies(fee_min=st.just(D(0)), fee_max=st.just(D(0)),
                               charge_min=money('0.01', 30)),
           invoices(charges=False), roundings)
    def test_charge_minimum_loses_nothing(self, data, policy, invoice,
                                          quantum):
        # Charging at the stages with a minimum per charge or without it:
        # no charge is ever below the minimum, and what the charges leave
        # pending at the last stage makes up the difference (within one
        # rounding unit per charge). No first-charge minimum, no cap, no
        # payment after the first stage (the percent part takes the balance
        # of the first charge's day), as in test_splitting_the_period.
        stages = sorted(set(data.draw(st.lists(later(invoice, -30, 400),
                                               min_size=1, max_size=6))))
        invoice = late_fees.InvoiceFacts(
            invoice.amount, invoice.due_date,
            payments=[p for p in invoice.payments if p[0] <= stages[0]],
            holds=invoice.holds)
        plain = replace(policy, charge_min=D(0))

        def run(terms_):
            simulated = invoice
            for result in late_fees.preview(terms_, invoice, stages, quantum):
                self.assertTrue(result.charge == 0
                                or result.charge >= terms_.charge_min)
                if result.charge > 0:
                    simulated = simulated.with_charge(result.as_of,
                                                      result.charge)
            charged = sum((a for _d, a in simulated.charges), D(0))
            pending = late_fees.evaluate(terms_, simulated, stages[-1],
                                         quantum).accrued
            return charged, pending

        charged, pending = run(policy)
        plain_charged, plain_pending = run(plain)
        self.assertLessEqual(charged, plain_charged + quantum * len(stages))
        self.assertLessEqual(abs(charged + pending
                                 - plain_charged - plain_pending),
                             quantum * (len(stages) + 1))

    @settings(max_examples=200, deadline=None, database=None)
    @given(st.data(), policies(), invoices(), roundings)
    def test_payment_order_does_not_matter(self, data, policy, invoice, quantum):
        as_of = data.draw(later(invoice))
        shuffled = data.draw(st.permutations(list(invoice.payments)))
        other = late_fees.InvoiceFacts(invoice.amount, invoice.due_date,
                                       payments=shuffled, holds=invoice.holds,
                                       charges=invoice.charges[::-1])
        self.assertEqual(
            late_fees.evaluate(policy, invoice, as_of, quantum).as_dict(),
            late_fees.evaluate(policy, other, as_of, quantum).as_dict())

    @settings(max_examples=200, deadline=None, database=None)
    @given(st.data(), policies(), invoices(), roundings)
    def test_payment_split_on_same_day(self, data, policy, invoice, quantum):
        assume(invoice.payments)
        (paid_on, amount), rest = invoice.payments[0], invoice.payments[1:]
        part = data.draw(money(0, amount))
        other = late_fees.InvoiceFacts(
            invoice.amount, invoice.due_date,
            payments=rest + ((paid_on, part), (paid_on, amount - part)),
            holds=invoice.holds, charges=invoice.charges)
        as_of = data.draw(later(invoice))
        self.assertEqual(
            late_fees.evaluate(policy, invoice, as_of, quantum).as_dict(),
            late_fees.evaluate(policy, other, as_of, quantum).as_dict())

    @settings(max_examples=300, deadline=None, database=None)
    @given(st.decimals(min_value=-10000, max_value=10000, places=4), roundings)
    def test_round_money_half_up_and_idempotent(self, value, quantum):
        rounded = late_fees.round_money(value, quantum)
        self.assertEqual(late_fees.round_money(rounded, quantum), rounded)
        self.assertEqual(rounded % quantum, 0)
        self.assertLessEqual(abs(rounded - value), quantum / 2)
        if abs(rounded - value) == quantum / 2:
            self.assertGreater(abs(rounded), abs(value))  # ties away from zero
        if quantum == CENT:
            self.assertEqual(rounded, value.quantize(CENT, rounding=decimal.ROUND_HALF_UP))

    @settings(max_examples=200, deadline=None, database=None)
    @given(st.data(), policies(), invoices(holds=False), roundings)
    def test_hold_over_whole_period_gives_no_interest(self, data, policy,
                                                      invoice, quantum):
        as_of = data.draw(later(invoice))
        start = invoice.due_date + timedelta(days=data.draw(st.integers(-30, 1)))
        # from on or before the first possible interest day to as_of or later
        end = data.draw(st.one_of(st.none(), st.integers(0, 30).map(
            lambda n: max(as_of, start) + timedelta(days=n))))
        held = late_fees.InvoiceFacts(invoice.amount, invoice.due_date,
                                      payments=invoice.payments,
                                      holds=[(start, end)],
                                      charges=invoice.charges)
        breakdown = late_fees.evaluate(policy, held, as_of, quantum).breakdown
        self.assertEqual(breakdown.interest_part, 0)
        self.assertEqual(breakdown.interest_days, 0)
        self.assertEqual(breakdown.segments, ())


if __name__ == '__main__':
    unittest.main()
