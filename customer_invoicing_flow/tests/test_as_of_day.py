# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One reading of an "as of" day (dates.py) for the context's
``late_payment_as_of``, the buttons' ``date`` and the reminder mail: the
same value means the same day, a bad value is a clear error."""
from datetime import date, datetime

from odoo.exceptions import UserError

from .common import LatePaymentCase


class TestAsOfDay(LatePaymentCase):

    def test_context_day_in_any_form_is_the_same_day(self):
        Invoice = self.env['account.invoice']
        for value in ('2023-04-20', ' 2023-04-20 ', '2023-04-20 10:30:00',
                      date(2023, 4, 20), datetime(2023, 4, 20, 23, 59)):
            self.assertEqual(
                self.as_of(Invoice, value)._late_payment_as_of(),
                '2023-04-20', value)

    def test_bad_context_day_is_a_clear_error(self):
        # before: the string went on as the day, compared with dates
        Invoice = self.env['account.invoice']
        for value in ('not a date', '2023-02-30', '20/04/2023', 20230420):
            with self.assertRaises(UserError) as caught:
                self.as_of(Invoice, value)._late_payment_as_of()
            self.assertIn('Not a date', caught.exception.name)

    def test_button_date_defaults_to_the_context_day(self):
        Invoice = self.as_of(self.env['account.invoice'], '2023-05-02')
        self.assertEqual(Invoice._button_date(False), '2023-05-02')
        self.assertEqual(Invoice._button_date(None), '2023-05-02')
        self.assertEqual(Invoice._button_date(date(2023, 6, 1)),
                         '2023-06-01')
        self.assertEqual(Invoice._button_date('2023-06-01 08:00:00'),
                         '2023-06-01')
        with self.assertRaises(UserError):
            Invoice._button_date('2023-13-01')

    def test_bad_context_day_stops_the_status(self):
        policy = self.create_policy(grace_days=5)
        invoice = self.create_invoice(100.0, policy=policy)
        self.assertEqual(self.as_of(invoice, '2023-04-10')
                         .late_payment_state, 'late')
        with self.assertRaises(UserError):
            self.as_of(invoice.browse(invoice.id), 'yesterday') \
                .late_payment_state
