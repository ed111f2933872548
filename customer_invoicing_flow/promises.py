# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Promises to pay: pure Python, no ORM.

A customer promises, on day ``taken``, to pay ``amount`` by
``promised_date``. From the day it is taken until ``grace_days`` after the
promised date (the end of the grace), the promised invoices are under
promise: the daily run sends no reminder for them and defers the stages
that fall due. The promise is kept as soon as the payments dated from the
day it was taken up to the day judged (and at the latest the end of the
grace) reach the amount; otherwise it is broken on the day after the
grace. A kept promise still covers its invoices until the end of the grace
(the customer did what they said); a broken or cancelled one covers
nothing.

Amounts are compared in cents of the currency (``rounding``), never as raw
floats.
"""
from datetime import timedelta

OPEN = 'open'
KEPT = 'kept'
BROKEN = 'broken'
CANCELLED = 'cancelled'
# the states that keep the run away from the promised invoices
COVERING = (OPEN, KEPT)


def grace_end(promised_date, grace_days):
    """The last day of the promise: ``grace_days`` after the promised
    date."""
    return promised_date + timedelta(days=max(grace_days or 0, 0))


def under_promise(state, taken, promised_date, grace_days, day):
    """Whether a promise in ``state`` covers its invoices on ``day``."""
    return state in COVERING \
        and taken <= day <= grace_end(promised_date, grace_days)


def paid_within(payments, taken, end):
    """The total of ``payments`` ((date, amount) pairs) dated from
    ``taken`` to ``end``, both included."""
    return sum(amount for date, amount in payments if taken <= date <= end)


def reaches(paid, amount, rounding=0.01):
    """Whether ``paid`` covers ``amount``, to the currency's ``rounding``."""
    return round((paid - amount) / rounding) >= 0


def outcome(amount, payments, taken, promised_date, grace_days, day,
            rounding=0.01):
    """What an open promise becomes on ``day``: ``KEPT`` when the payments
    dated from ``taken`` to ``day`` (at most the end of the grace) reach
    ``amount``; ``BROKEN`` when they do not and ``day`` is after the end
    of the grace; None while it stays open."""
    end = grace_end(promised_date, grace_days)
    paid = paid_within(payments, taken, min(day, end))
    if reaches(paid, amount, rounding):
        return KEPT
    if day > end:
        return BROKEN
    return None


def promised_not_due(state, taken, promised_date, day):
    """Whether the money of a promise in ``state`` is promised and not yet
    due on ``day`` (from the day it was taken to its promised date): a
    reminder does not ask for it."""
    return state in COVERING and taken <= day <= promised_date


def keep_rate(kept, broken):
    """The share of the promises settled that were kept, in % rounded to
    the hundredth (half up); None when none was settled."""
    settled = kept + broken
    if not settled:
        return None
    # integer arithmetic: 10000 * kept / settled hundredths, half up
    hundredths = (20000 * kept + settled) // (2 * settled)
    return hundredths / 100.0
