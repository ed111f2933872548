# -*- coding: utf-8 -*-
"""Tests of statutory late-payment interest across reference-rate changes
(customer_invoicing_flow/interest_rates.py and its use by late_fees.py),
no ORM needed:
    .venv/bin/pytest -p no:odoo tests/test_interest_rates_pure.py

Interest is simple, actual/365, as late_fees computes it: each segment of
constant balance and constant rate accrues days * balance * rate / 36500,
the sum rounded once per charge, half-up, to the cent.

Unless said otherwise: an invoice of 10,000.00 due 2024-06-01 charged on
2024-08-31. Interest runs from 2024-06-02 through 2024-08-31: 29 days in
June (2..30) + 31 in July + 31 in August = 91 days.
"""
import unittest
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from pure_module import load

late_fees = load('customer_invoicing_flow/late_fees.py')
rates = load('customer_invoicing_flow/interest_rates.py')

D = Decimal
CENT = D('0.01')
DUE = date(2024, 6, 1)
AS_OF = date(2024, 8, 31)

# Bundesbank base rate (Basiszinssatz), the values around 2024
DE_BASE = rates.RateTable('de_base', (
    (date(2023, 7, 1), '3.12'), (date(2024, 1, 1), '3.62'),
    (date(2024, 7, 1), '3.37')))
# ECB main refinancing operations; the 2024-07-01 value (unchanged)
# confirms the second half of 2024 (a value dated in a half-year makes the
# table known through its end)
ECB_MRO = rates.RateTable('ecb_mro', (
    (date(2023, 9, 20), '4.50'), (date(2024, 6, 12), '4.25'),
    (date(2024, 7, 1), '4.25')))


def reference(table=DE_BASE, margin='9', fixing='half_year', due=DUE,
              project=False):
    return rates.ReferenceInterest(table, D(margin), fixing, due, project)


def terms(interest_rates, **values):
    return late_fees.PolicyTerms(interest_rates=interest_rates, **values)


def facts(amount='10000.00', due=DUE, **values):
    return late_fees.InvoiceFacts(amount, due, **values)


def evaluate(policy, invoice, as_of=AS_OF, rounding=CENT):
    return late_fees.evaluate(policy, invoice, as_of, rounding)


def rows(breakdown):
    return [(s.start, s.end, s.days, s.balance, s.rate, s.reference,
             s.margin) for s in breakdown.segments]


class TestHalfYears(unittest.TestCase):

    def test_bounds(self):
        self.assertEqual(rates.half_year_start(date(2024, 6, 30)),
                         date(2024, 1, 1))
        self.assertEqual(rates.half_year_start(date(2024, 7, 1)),
                         date(2024, 7, 1))
        self.assertEqual(rates.half_year_end(date(2024, 7, 1)),
                         date(2024, 12, 31))
        self.assertEqual(rates.next_half_year(date(2024, 12, 31)),
                         date(2025, 1, 1))

    def test_table_known_through_its_last_half_year(self):
        # the last value, 2024-07-01, confirms the second half of 2024
        self.assertEqual(DE_BASE.known_through, date(2024, 12, 31))
        self.assertEqual(DE_BASE.known_from, date(2023, 7, 1))
        self.assertEqual(DE_BASE.value_on(date(2024, 6, 30)),
                         (D('3.62'), False))
        self.assertEqual(DE_BASE.value_on(date(2025, 3, 1), project=True),
                         (D('3.37'), True))

    def test_two_values_one_date_refused(self):
        with self.assertRaises(ValueError):
            rates.RateTable('x', ((date(2024, 1, 1), 1),
                                  ('2024-01-01', 2)))

    def test_unknown_fixing_refused(self):
        with self.assertRaises(ValueError):
            reference(fixing='monthly')


class TestGermanPreset(unittest.TestCase):
    """§288 BGB: base rate + 9 points between businesses, 40 EUR."""

    def test_across_the_july_change(self):
        result = evaluate(terms(reference(), fee_fixed=40), facts())
        breakdown = result.breakdown
        # 2024-06-02..06-30: 29 days at 3.62 + 9 = 12.62 %
        # 2024-07-01..08-31: 62 days at 3.37 + 9 = 12.37 %
        self.assertEqual(rows(breakdown), [
            (date(2024, 6, 2), date(2024, 6, 30), 29, D('10000.00'),
             D('12.62'), D('3.62'), D('9')),
            (date(2024, 7, 1), date(2024, 8, 31), 62, D('10000.00'),
             D('12.37'), D('3.37'), D('9'))])
        # 29 * 10000 * 12.62 = 3,659,800; 62 * 10000 * 12.37 = 7,669,400
        # (3,659,800 + 7,669,400) / 36500 = 11,329,200 / 36500
        #   = 310.3890... -> 310.39, plus the 40 of compensation
        self.assertEqual(breakdown.interest_part,
                         D(11329200) / D(36500))
        self.assertEqual(result.charge, D('350.39'))
        self.assertEqual(breakdown.rate, D('12.37'))  # the last segment's
        # each segment's own interest, unrounded: 100.2684... + 210.1205...
        self.assertEqual(
            [late_fees.round_money(s.interest, CENT)
             for s in breakdown.segments], [D('100.27'), D('210.12')])

    def test_fixed_rate_engine_unchanged(self):
        # the same invoice at one fixed 12.62 %: 91 * 1262 / 365
        #   = 114,842 / 365 = 314.6356... -> 314.64, plain segments
        result = evaluate(late_fees.PolicyTerms(interest_rate='12.62'),
                          facts())
        self.assertEqual(result.charge, D('314.64'))
        self.assertEqual(type(result.breakdown.segments[0]),
                         late_fees.Segment)
        self.assertEqual(sorted(result.breakdown.segments[0].as_dict()),
                         ['balance', 'days', 'end', 'interest', 'start'])

    def test_payment_and_rate_cut_the_segments(self):
        # 4,000 paid on 2024-07-15: balance 10,000 through 07-14, then 6,000
        # 06-02..06-30: 29 d x 10000 x 12.62 = 3,659,800
        # 07-01..07-14: 14 d x 10000 x 12.37 = 1,731,800
        # 07-15..08-31: 48 d x  6000 x 12.37 = 3,562,560
        # sum 8,954,160 / 36500 = 245.3194... -> 245.32
        result = evaluate(terms(reference()),
                          facts(payments=[(date(2024, 7, 15), '4000')]))
        self.assertEqual([s.days for s in result.breakdown.segments],
                         [29, 14, 48])
        self.assertEqual(result.charge, D('245.32'))


class TestEcbFixing(unittest.TestCase):
    """Directive 2011/7/EU, ECB + 8 points; the ECB's 4.50 % became
    4.25 % on 2024-06-12, in the middle of the first half of 2024."""

    def test_half_year(self):
        result = evaluate(terms(reference(ECB_MRO, '8')), facts())
        # H1 fixed on 2024-01-01 (4.50): 06-02..06-30, 29 d at 12.50 %
        # H2 fixed on 2024-07-01 (4.25): 07-01..08-31, 62 d at 12.25 %
        # (29 x 125,000 + 62 x 122,500) / 36500 = (3,625,000 + 7,595,000)
        #   / 36500 = 11,220,000 / 36500 = 307.3972... -> 307.40
        self.assertEqual([(s.days, s.rate, s.fixed_on)
                          for s in result.breakdown.segments],
                         [(29, D('12.50'), date(2024, 1, 1)),
                          (62, D('12.25'), date(2024, 7, 1))])
        self.assertEqual(result.charge, D('307.40'))

    def test_daily(self):
        result = evaluate(terms(reference(ECB_MRO, '8', 'daily')), facts())
        # 06-02..06-11: 10 d at 12.50 %; 06-12..08-31: 19 + 31 + 31 = 81 d
        # at 12.25 %: (10 x 125,000 + 81 x 122,500) / 36500
        #   = (1,250,000 + 9,922,500) / 36500 = 11,172,500 / 36500
        #   = 306.0958... -> 306.10
        self.assertEqual([(s.start, s.days, s.rate)
                          for s in result.breakdown.segments],
                         [(date(2024, 6, 2), 10, D('12.50')),
                          (date(2024, 6, 12), 81, D('12.25'))])
        self.assertEqual(result.charge, D('306.10'))

    def test_due_date(self):
        result = evaluate(terms(reference(ECB_MRO, '8', 'due_date')),
                          facts())
        # 4.50 in force on 2024-06-01 for all 91 days: 91 x 125,000 / 36500
        #   = 11,375,000 / 36500 = 311.6438... -> 311.64
        self.assertEqual([(s.days, s.rate) for s in
                          result.breakdown.segments], [(91, D('12.50'))])
        self.assertEqual(result.charge, D('311.64'))

    def test_negative_total_counts_zero(self):
        table = rates.RateTable('neg', ((date(2024, 1, 1), '-0.88'),
                                        (date(2024, 7, 1), '-0.88')))
        result = evaluate(terms(reference(table, '0.5')), facts())
        self.assertEqual(result.breakdown.segments[0].rate, D('0'))
        self.assertEqual(result.charge, D('0.00'))


class TestMissingRate(unittest.TestCase):

    def test_new_half_year_without_value(self):
        # DE_BASE knows 2024 only: the 2025-01-01 value is missing
        with self.assertRaises(rates.RateUnknown) as caught:
            evaluate(terms(reference()), facts(), date(2025, 1, 15))
        self.assertEqual(caught.exception.day, date(2025, 1, 1))
        self.assertEqual(caught.exception.fixed_on, date(2025, 1, 1))
        self.assertEqual(caught.exception.code, 'de_base')
        self.assertEqual(caught.exception.known_through, date(2024, 12, 31))

    def test_daily_missing_too(self):
        with self.assertRaises(rates.RateUnknown):
            evaluate(terms(reference(ECB_MRO, '8', 'daily')), facts(),
                     date(2025, 1, 1))

    def test_before_the_table(self):
        table = rates.RateTable('late', ((date(2024, 7, 1), '3.37'),))
        with self.assertRaises(rates.RateUnknown) as caught:
            evaluate(terms(reference(table)), facts())
        self.assertEqual(caught.exception.day, date(2024, 6, 2))

    def test_empty_table(self):
        with self.assertRaises(rates.RateUnknown):
            evaluate(terms(reference(rates.RateTable('none'))), facts())

    def test_due_date_fixing_needs_only_the_due_date(self):
        # fixed on the due date: the later half-years need no value
        result = evaluate(terms(reference(ECB_MRO, '8', 'due_date')),
                          facts(), date(2025, 3, 31))
        self.assertEqual({s.rate for s in result.breakdown.segments},
                         {D('12.50')})

    def test_paid_or_held_days_need_no_rate(self):
        # paid in full on 2024-12-31: 2025 bears nothing, needs no rate
        result = evaluate(terms(reference()),
                          facts(payments=[(date(2024, 12, 31), '10000')]),
                          date(2025, 2, 1))
        self.assertEqual(result.state, 'paid')
        held = evaluate(terms(reference()),
                        facts(holds=[(date(2025, 1, 1), None)]),
                        date(2025, 2, 1))
        self.assertEqual(held.state, 'on_hold')

    def test_projection_marks_the_unknown(self):
        result = evaluate(terms(reference(project=True)), facts(),
                          date(2025, 1, 31))
        last = result.breakdown.segments[-1]
        # 2025: the last known 3.37 + 9, projected
        self.assertEqual((last.start, last.rate, last.projected),
                         (date(2025, 1, 1), D('12.37'), True))
        self.assertFalse(result.breakdown.segments[0].projected)

    def test_timeline_after_the_stages(self):
        timeline = late_fees.timeline(terms(reference(project=True)),
                                      facts(), AS_OF, [], CENT)
        # 10,000 x 12.37 / 36500 = 3.3890... a day after 2024-08-31
        self.assertEqual(timeline.daily_interest,
                         D(10000) * D('12.37') / D(36500))


class TestCompensationTiers(unittest.TestCase):
    """UK: 40 GBP below 1,000; 70 GBP to 9,999.99; 100 GBP from 10,000."""

    TIERS = [(0, 40), (1000, 70), ('10000', 100)]

    def test_tiers(self):
        fee = rates.compensation_fee
        self.assertEqual(fee('0.01', self.TIERS), D(40))
        self.assertEqual(fee('999.99', self.TIERS), D(40))
        self.assertEqual(fee('1000.00', self.TIERS), D(70))
        self.assertEqual(fee('9999.99', self.TIERS), D(70))
        self.assertEqual(fee('10000', self.TIERS), D(100))
        self.assertEqual(fee('250000', list(reversed(self.TIERS))), D(100))
        self.assertEqual(fee('500', [(1000, 70)]), D(0))

    def test_uk_charge(self):
        # BoE 5.25 from 2023-08-03, 5.00 from 2024-08-01; + 8, half-year:
        # H1 fixed on 2024-01-01 (5.25): 29 d at 13.25 %
        # H2 fixed on 2024-07-01 (5.25): 62 d at 13.25 % (the August cut
        # comes after the fixing day): 91 x 5000 x 13.25 / 36500
        #   = 6,028,750 / 36500 = 165.1712... -> 165.17, plus 70 (5,000)
        boe = rates.RateTable('boe', ((date(2023, 8, 3), '5.25'),
                                      (date(2024, 8, 1), '5.00')))
        fee = rates.compensation_fee('5000', self.TIERS)
        result = evaluate(terms(reference(boe, '8'), fee_fixed=fee),
                          facts('5000.00'))
        self.assertEqual(result.charge, D('235.17'))


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------

START = date(2023, 1, 1)


@st.composite
def tables(draw):
    """A table whose values start on 2023-01-01, some rates changing."""
    offsets = draw(st.lists(st.integers(1, 900), max_size=6, unique=True))
    days = [0] + sorted(offsets)
    values = draw(st.lists(st.decimals('-1', '6', places=2),
                           min_size=len(days), max_size=len(days)))
    # a value dated in the last half-year needed: one at 2025-12-31
    days.append((date(2025, 12, 31) - START).days)
    values.append(values[-1])
    return rates.RateTable('p', tuple(
        (START + timedelta(days=offset), value)
        for offset, value in zip(days, values)))


invoices = st.builds(
    lambda amount, due, paid, paid_on: (amount, due, paid, paid_on),
    st.decimals('1', '100000', places=2),
    st.integers(0, 300), st.decimals('0', '1', places=2),
    st.integers(1, 300))


def property_case(table, invoice, fixing, margin):
    amount, due_offset, paid_share, paid_on = invoice
    due = START + timedelta(days=due_offset)
    paid = (amount * paid_share).quantize(CENT)
    invoice_facts = late_fees.InvoiceFacts(
        amount, due, payments=[(due + timedelta(days=paid_on), paid)])
    policy = terms(rates.ReferenceInterest(table, margin, fixing, due))
    return invoice_facts, policy


class TestProperties(unittest.TestCase):

    @settings(max_examples=200, deadline=None, database=None)
    @given(tables(), invoices, st.sampled_from(rates.FIXINGS),
           st.decimals('0', '10', places=2), st.integers(1, 400),
           st.data())
    def test_rate_change_bounded_by_its_segments(self, table, invoice,
                                                 fixing, margin, days,
                                                 data):
        """Changing one value by delta moves the interest by at most
        delta on the segments that read it (plus one rounding unit)."""
        invoice_facts, policy = property_case(table, invoice, fixing,
                                              margin)
        as_of = invoice_facts.due_date + timedelta(days=days)
        index = data.draw(st.integers(0, len(table.values) - 1))
        delta = data.draw(st.decimals('-3', '3', places=2))
        values = list(table.values)
        changed_from, value = values[index]
        values[index] = (changed_from, value + delta)
        following = values[index + 1][0] if index + 1 < len(values) \
            else date.max
        other = terms(rates.ReferenceInterest(
            rates.RateTable('p', tuple(values)), margin, fixing,
            invoice_facts.due_date))
        before = evaluate(policy, invoice_facts, as_of)
        after = evaluate(other, invoice_facts, as_of)
        # the balance of each day reading the changed value (segments of
        # one rate may span several values giving that rate)
        fixed_on = policy.interest_rates._fixed_on
        exposed = sum((s.balance for s in before.breakdown.segments
                       if isinstance(s, late_fees.RateSegment)
                       for n in range(s.days)
                       if changed_from <= fixed_on(
                           s.start + timedelta(days=n)) < following), D(0))
        bound = exposed * abs(delta) / D(36500)
        jump = abs(after.breakdown.interest_part
                   - before.breakdown.interest_part)
        self.assertLessEqual(jump, bound + D('1e-18'))
        self.assertLessEqual(abs(after.charge - before.charge),
                             bound + CENT)
        if not exposed:
            self.assertEqual(after.charge, before.charge)

    @settings(max_examples=200, deadline=None, database=None)
    @given(tables(), invoices, st.sampled_from(rates.FIXINGS),
           st.decimals('0', '10', places=2), st.integers(2, 400),
           st.data())
    def test_split_at_a_rate_change(self, table, invoice, fixing, margin,
                                    days, data):
        """Charging at a rate change and later, or once at the end: the
        same total within one rounding unit per charge."""
        invoice_facts, policy = property_case(table, invoice, fixing,
                                              margin)
        due = invoice_facts.due_date
        as_of = due + timedelta(days=days)
        changes = [day - timedelta(days=1) for day, _value in table.values
                   if due < day - timedelta(days=1) < as_of]
        split = data.draw(st.sampled_from(changes)) if changes \
            else due + timedelta(days=days // 2 or 1)
        # what accrued (rounded), whatever the state: a paid invoice is
        # charged nothing but its interest is still the sum of its days'
        once = evaluate(policy, invoice_facts, as_of)
        first = evaluate(policy, invoice_facts, split)
        if not first.accrued:
            return
        second = evaluate(policy, invoice_facts.with_charge(
            split, first.accrued), as_of)
        self.assertLessEqual(
            abs(first.accrued + second.accrued - once.accrued), 2 * CENT)
        self.assertLessEqual(
            abs(first.breakdown.interest_part
                + second.breakdown.interest_part
                - once.breakdown.interest_part), D('1e-18'))


if __name__ == '__main__':
    unittest.main()
