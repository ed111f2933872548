# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Invoice lifecycle arithmetic, plain Python with no ORM import: the
lifecycle state of an invoice from its facts, and the durations between its
steps. Datetimes and dates come in as Python objects (or None)."""

LIFECYCLE_STATES = [
    ('draft', 'Draft'),
    ('posted', 'Posted'),
    ('sent', 'Sent'),
    ('viewed', 'Viewed'),
    ('partial', 'Partially paid'),
    ('paid', 'Paid'),
    ('cancel', 'Cancelled'),
]


def lifecycle_state(state, sent, viewed, partially_paid):
    """The lifecycle state of an invoice.

    :param state: the invoice's Odoo state (draft, proforma, proforma2,
        open, paid, cancel)
    :param sent: whether it was emailed to the customer
    :param viewed: whether the customer opened it
    :param partially_paid: whether part of it (not all) is paid
    """
    if state == 'cancel':
        return 'cancel'
    if state == 'paid':
        return 'paid'
    if state != 'open':
        return 'draft'
    if partially_paid:
        return 'partial'
    if viewed:
        return 'viewed'
    if sent:
        return 'sent'
    return 'posted'


def hours_between(start, end):
    """Hours from the datetime ``start`` to ``end`` (negative when ``end``
    is earlier), rounded to the minute; None when either is missing."""
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 60.0) / 60.0


def days_between(start, end):
    """Days from the date ``start`` to ``end`` (negative when ``end`` is
    earlier); None when either is missing."""
    if start is None or end is None:
        return None
    return (end - start).days
