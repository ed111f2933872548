"""The one reading of an "as of" day (customer_invoicing_flow/dates.py)."""
import importlib.util
import os
import unittest
from datetime import date, datetime, timedelta

from hypothesis import given, strategies as st

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = importlib.util.spec_from_file_location(
    'cif_dates', os.path.join(HERE, '..', 'customer_invoicing_flow',
                              'dates.py'))
dates = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(dates)


class TestDates(unittest.TestCase):

    def test_each_accepted_form_is_the_same_day(self):
        day = date(2026, 3, 31)
        for value in (day, datetime(2026, 3, 31, 23, 59), '2026-03-31',
                      ' 2026-03-31 ', '2026-03-31 08:15:00'):
            self.assertEqual(dates.to_day(value), day, value)
            self.assertEqual(dates.iso_day(value), '2026-03-31', value)

    def test_anything_else_is_refused(self):
        for value in (None, '', False, 0, 20260331, '31/03/2026',
                      '2026-02-30', 'yesterday', '2026-03-31x', ['2026-03-31']):
            with self.assertRaises(ValueError, msg=repr(value)):
                dates.to_day(value)

    @given(st.dates(min_value=date(1900, 1, 1)))
    def test_round_trip(self, day):
        self.assertEqual(dates.to_day(dates.iso_day(day)), day)
        self.assertEqual(dates.to_day(
            datetime.combine(day, datetime.min.time())
            + timedelta(hours=23)), day)
