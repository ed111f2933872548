# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The promise-to-pay rules of promises.py: exact cases and properties over
random promises and payments (no database):
    .venv/bin/pytest -p no:odoo tests/test_promises_pure.py
"""
import unittest
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from pure_module import load

promises = load('customer_invoicing_flow/promises.py')

TAKEN = date(2023, 4, 5)
PROMISED = date(2023, 4, 15)


def day(n):
    return date(2023, 4, n)


class TestPromiseCases(unittest.TestCase):

    def test_grace_end(self):
        self.assertEqual(promises.grace_end(PROMISED, 2), day(17))
        self.assertEqual(promises.grace_end(PROMISED, 0), PROMISED)
        self.assertEqual(promises.grace_end(PROMISED, None), PROMISED)

    def test_under_promise_from_taken_to_grace_end(self):
        covered = [n for n in range(1, 31) if promises.under_promise(
            'open', TAKEN, PROMISED, 2, day(n))]
        self.assertEqual(covered, list(range(5, 18)))

    def test_kept_covers_broken_and_cancelled_do_not(self):
        self.assertTrue(promises.under_promise(
            'kept', TAKEN, PROMISED, 2, day(16)))
        for state in ('broken', 'cancelled'):
            self.assertFalse(promises.under_promise(
                state, TAKEN, PROMISED, 2, day(10)))

    def test_kept_on_the_day_paid(self):
        payments = [(day(14), 1000.0)]
        self.assertIsNone(promises.outcome(
            1000.0, payments, TAKEN, PROMISED, 2, day(13)))
        self.assertEqual(promises.outcome(
            1000.0, payments, TAKEN, PROMISED, 2, day(14)), 'kept')

    def test_paid_in_the_grace_is_kept(self):
        self.assertEqual(promises.outcome(
            1000.0, [(day(17), 1000.0)], TAKEN, PROMISED, 2, day(18)),
            'kept')

    def test_broken_the_day_after_the_grace(self):
        self.assertIsNone(promises.outcome(
            1000.0, [], TAKEN, PROMISED, 2, day(17)))
        self.assertEqual(promises.outcome(
            1000.0, [], TAKEN, PROMISED, 2, day(18)), 'broken')

    def test_paid_after_the_grace_or_before_taken_does_not_count(self):
        self.assertEqual(promises.outcome(
            1000.0, [(day(18), 1000.0)], TAKEN, PROMISED, 2, day(18)),
            'broken')
        self.assertEqual(promises.outcome(
            1000.0, [(day(4), 1000.0)], TAKEN, PROMISED, 2, day(18)),
            'broken')

    def test_partly_paid_is_broken_to_the_cent(self):
        self.assertEqual(promises.outcome(
            1000.0, [(day(10), 600.0), (day(12), 399.99)], TAKEN, PROMISED,
            2, day(18)), 'broken')
        self.assertEqual(promises.outcome(
            1000.0, [(day(10), 600.0), (day(12), 400.0)], TAKEN, PROMISED,
            2, day(18)), 'kept')
        # float noise below the cent is no shortfall
        self.assertTrue(promises.reaches(0.1 + 0.2, 0.3))

    def test_paid_within(self):
        payments = [(day(4), 1.0), (day(5), 2.0), (day(17), 4.0),
                    (day(18), 8.0)]
        self.assertEqual(promises.paid_within(payments, TAKEN, day(17)), 6.0)

    def test_promised_not_due_until_the_promised_date(self):
        self.assertEqual(
            [n for n in range(1, 31) if promises.promised_not_due(
                'open', TAKEN, PROMISED, day(n))], list(range(5, 16)))
        self.assertFalse(promises.promised_not_due(
            'broken', TAKEN, PROMISED, day(10)))

    def test_keep_rate(self):
        self.assertIsNone(promises.keep_rate(0, 0))
        self.assertEqual(promises.keep_rate(1, 1), 50.0)
        self.assertEqual(promises.keep_rate(2, 1), 66.67)
        self.assertEqual(promises.keep_rate(1, 2), 33.33)
        self.assertEqual(promises.keep_rate(1, 7), 12.5)
        self.assertEqual(promises.keep_rate(3, 0), 100.0)


cents = st.integers(min_value=1, max_value=10 ** 7)
offsets = st.integers(min_value=0, max_value=60)


@st.composite
def promise_cases(draw):
    taken = date(2023, 1, 1) + timedelta(days=draw(offsets))
    promised = taken + timedelta(days=draw(offsets))
    grace = draw(st.integers(min_value=0, max_value=10))
    amount = draw(cents)
    payments = draw(st.lists(st.tuples(
        st.integers(min_value=-5, max_value=150), cents), max_size=5))
    payments = [(taken + timedelta(days=offset), value / 100.0)
                for offset, value in payments]
    return taken, promised, grace, amount / 100.0, payments


class TestPromiseProperties(unittest.TestCase):

    @settings(max_examples=300, deadline=None)
    @given(promise_cases(), st.integers(min_value=-5, max_value=150))
    def test_outcome_is_settled_once_and_stays(self, case, offset):
        """Broken only after the grace; once kept or broken, every later
        day gives the same outcome; kept exactly when the payments of the
        window reach the amount."""
        taken, promised, grace, amount, payments = case
        when = taken + timedelta(days=offset)
        end = promises.grace_end(promised, grace)
        result = promises.outcome(amount, payments, taken, promised, grace,
                                  when)
        if result == 'broken':
            self.assertGreater(when, end)
        if result is not None:
            for later in range(1, 4):
                self.assertEqual(promises.outcome(
                    amount, payments, taken, promised, grace,
                    when + timedelta(days=later)), result)
        if when > end:
            self.assertIsNotNone(result)
        paid_cents = sum(round(value * 100) for paid_on, value in payments
                         if taken <= paid_on <= min(when, end))
        self.assertEqual(result == 'kept',
                         paid_cents >= round(amount * 100))

    @settings(max_examples=200, deadline=None)
    @given(promise_cases(), st.integers(min_value=-5, max_value=150),
           st.sampled_from(['open', 'kept', 'broken', 'cancelled']))
    def test_covered_days_are_the_window(self, case, offset, state):
        taken, promised, grace, _amount, _payments = case
        when = taken + timedelta(days=offset)
        self.assertEqual(
            promises.under_promise(state, taken, promised, grace, when),
            state in ('open', 'kept')
            and taken <= when <= promised + timedelta(days=grace))

    @settings(max_examples=200, deadline=None)
    @given(st.integers(min_value=0, max_value=10 ** 6),
           st.integers(min_value=0, max_value=10 ** 6))
    def test_keep_rate_is_the_share_to_the_hundredth(self, kept, broken):
        rate = promises.keep_rate(kept, broken)
        if not kept + broken:
            self.assertIsNone(rate)
            return
        self.assertTrue(0 <= rate <= 100)
        # within half a hundredth of the exact share
        self.assertLessEqual(abs(rate * (kept + broken) - 100 * kept),
                             0.005 * (kept + broken) + 1e-6)


if __name__ == '__main__':
    unittest.main()
