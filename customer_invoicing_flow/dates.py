# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The one reading of an "as of" day: pure Python, no ORM import.

Every entry point that takes the day to judge at (the daily run's
``as_of``, a button's ``date``, the ``late_payment_as_of`` context key,
the dashboard's day) accepts a ``date``, a ``datetime`` (its day) or an
ISO string (``2026-03-31``, or a datetime string whose day is taken), and
nothing else: the same value means the same day everywhere. Odoo 11 keeps
dates as ISO strings, so :func:`iso_day` is what the ORM side stores and
compares; :func:`to_day` is what the arithmetic takes.
"""
from datetime import date, datetime

ISO_FORMAT = '%Y-%m-%d'


def to_day(value):
    """``value`` (date, datetime or ISO string) as a ``date``.

    Raises ValueError on anything else (an empty value included): the
    caller decides what a missing day means and how to say a bad one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for pattern in (ISO_FORMAT, ISO_FORMAT + ' %H:%M:%S'):
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        raise ValueError("not a date: %r" % (value,))
    raise ValueError("not a date: %r" % (value,))


def iso_day(value):
    """``value`` (date, datetime or ISO string) as an ISO date string."""
    return to_day(value).strftime(ISO_FORMAT)
