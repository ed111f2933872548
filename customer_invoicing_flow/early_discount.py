# -*- coding: utf-8 -*-
"""Early-payment discount arithmetic, as plain Python (no ORM import).

A payment term with an early discount grants ``percentage`` % of the
invoice's total (taxes included) when the invoice is paid no later than
``days`` days after the invoice date (the end date itself included).

Money is :class:`decimal.Decimal`; ints, strs and floats are accepted
(floats through ``str()``). Amounts are rounded half-up (away from zero,
like Odoo's ``float_round``) to a multiple of the currency's rounding
quantum (0.01 unless told). Dates are :class:`datetime.date` or ISO
strings (the Odoo 11 field format).

The rules
---------
* :func:`discount_end_date`: ``invoice_date + days``; a payment dated on or
  before it is within the window (:func:`within_window`).
* :func:`discount_amount`: ``percentage`` % of the total, rounded once.
  :func:`discounted_amount`: what the customer pays, the total less it.
* :func:`settlement_discount`: a payment of ``paid`` on an invoice with
  ``residual`` still open, within the window, settles it in full when
  ``paid >= residual - discount``; the discount booked is then what the
  payment leaves open, ``residual - paid`` (so a payment between the
  discounted and the full amount gets a smaller discount, never an
  overpayment), and nothing when the payment covers the residual.
  Below the discounted amount it is an ordinary part payment: no discount.
* :func:`allocate_shortfall`: one payment for several invoices: the
  amount it leaves open is spread over their discounts in the given
  order, each up to its own discount.
* :func:`split_discount`: the discount (taxes included) split into its
  base and tax parts in the proportion of the invoice's untaxed amount and
  taxes, so that the VAT follows the amount actually paid; the parts sum
  to the discount exactly. :func:`prorate` spreads an amount over weights
  (the invoice's lines, its tax lines) to the cent, by largest remainder.
* :func:`window_share`: of the invoices whose window ended in a period,
  the share paid by its end (the dashboard's KPI).
"""
import datetime
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal('0')
CENT = Decimal('0.01')


def to_decimal(value, name='amount'):
    """``value`` as a Decimal (a float through its decimal text)."""
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise TypeError('%s: a bool is not an amount' % name)
    elif isinstance(value, (int, str)):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    else:
        raise TypeError('%s: not an amount: %r' % (name, value))
    if not result.is_finite():
        raise ValueError('%s: not a finite amount: %r' % (name, value))
    return result


def to_date(value, name='date'):
    """``value`` as a date (an ISO string is parsed)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        return datetime.datetime.strptime(value[:10], '%Y-%m-%d').date()
    raise TypeError('%s: not a date: %r' % (name, value))


def round_money(value, rounding=CENT):
    """``value`` rounded half-up to a multiple of ``rounding``."""
    quantum = to_decimal(rounding, 'rounding')
    if quantum <= 0:
        raise ValueError('rounding must be > 0')
    value = to_decimal(value)
    return ((value / quantum).quantize(Decimal('1'), rounding=ROUND_HALF_UP)
            * quantum).quantize(quantum)


def terms_problems(percentage, days):
    """What is wrong with the terms, as ``(field, message)`` pairs (the
    ORM translates them): 0 < percentage < 100, days >= 0."""
    problems = []
    percentage = to_decimal(percentage, 'percentage')
    if not ZERO < percentage < 100:
        problems.append(('discount_percentage', 'percentage'))
    if int(days) != days or days < 0:
        problems.append(('discount_days', 'days'))
    return problems


def discount_end_date(invoice_date, days):
    """The last day a payment earns the discount."""
    if days < 0:
        raise ValueError('days must be >= 0')
    return to_date(invoice_date, 'invoice_date') + datetime.timedelta(
        days=int(days))


def within_window(invoice_date, days, payment_date):
    """Whether a payment dated ``payment_date`` earns the discount."""
    return to_date(payment_date, 'payment_date') <= discount_end_date(
        invoice_date, days)


def discount_amount(total, percentage, rounding=CENT):
    """``percentage`` % of ``total``, rounded once."""
    return round_money(to_decimal(total) * to_decimal(percentage) / 100,
                       rounding)


def discounted_amount(total, percentage, rounding=CENT):
    """What pays the invoice within the window: the total less the
    discount."""
    total = round_money(total, rounding)
    return total - discount_amount(total, percentage, rounding)


def settlement_discount(residual, discount, paid):
    """The discount a payment of ``paid`` (within the window) books on an
    invoice with ``residual`` open and ``discount`` available, or 0 when
    it does not settle it (part payment) or needs none (covers it)."""
    residual = to_decimal(residual, 'residual')
    discount = to_decimal(discount, 'discount')
    paid = to_decimal(paid, 'paid')
    if discount < 0:
        raise ValueError('discount must be >= 0')
    if paid >= residual or paid < residual - discount:
        return ZERO
    return residual - paid


def settles(residual, discount, paid):
    """Whether a payment of ``paid`` within the window settles the
    invoice in full (with or without its discount)."""
    return to_decimal(paid, 'paid') >= to_decimal(residual, 'residual') \
        - to_decimal(discount, 'discount')


def allocate_shortfall(shortfall, discounts):
    """The shortfall of one payment for several invoices spread over
    their ``discounts`` (in order, each up to its own), or None when the
    discounts together do not cover it (no discount at all: a part
    payment)."""
    shortfall = to_decimal(shortfall, 'shortfall')
    discounts = [to_decimal(discount, 'discount') for discount in discounts]
    if shortfall <= 0:
        return [ZERO for dummy in discounts]
    if shortfall > sum(discounts, ZERO):
        return None
    shares = []
    for discount in discounts:
        share = min(discount, shortfall)
        shares.append(share)
        shortfall -= share
    return shares


def prorate(amount, weights, rounding=CENT):
    """``amount`` spread over ``weights`` in proportion, each share rounded
    to ``rounding`` and the shares summing to ``amount`` exactly (largest
    remainder; ties to the first). All weights zero: equal shares."""
    amount = round_money(amount, rounding)
    quantum = to_decimal(rounding, 'rounding')
    weights = [abs(to_decimal(weight, 'weight')) for weight in weights]
    if not weights:
        if amount:
            raise ValueError('no weights to spread %s over' % amount)
        return []
    total = sum(weights, ZERO)
    if not total:
        weights = [Decimal(1)] * len(weights)
        total = Decimal(len(weights))
    units = int(amount / quantum)
    exact = [Decimal(units) * weight / total for weight in weights]
    floors = [int(value) if units >= 0 else -int(-value) for value in exact]
    left = units - sum(floors)
    step = 1 if left >= 0 else -1
    order = sorted(range(len(weights)),
                   key=lambda index: (-abs(exact[index] - floors[index]),
                                      index))
    for index in order[:abs(left)]:
        floors[index] += step
    return [(Decimal(value) * quantum).quantize(quantum) for value in floors]


def split_discount(discount, untaxed, tax, rounding=CENT):
    """The discount (taxes included) as ``(base, tax)``: the base part in
    the proportion of the untaxed amount to the total, rounded; the tax
    part the rest."""
    discount = round_money(discount, rounding)
    untaxed = to_decimal(untaxed, 'untaxed')
    tax = to_decimal(tax, 'tax')
    total = untaxed + tax
    if not total:
        return discount, ZERO
    base = round_money(discount * untaxed / total, rounding)
    return base, discount - base


def window_share(invoices, digits=2):
    """``(count, share)``: of the ``invoices`` given as ``(end_date,
    paid_date or None)`` pairs, how many there are and the percentage
    paid no later than their window's end (None without invoices)."""
    invoices = [(to_date(end, 'end_date'),
                 paid and to_date(paid, 'paid_date'))
                for end, paid in invoices]
    if not invoices:
        return 0, None
    within = sum(1 for end, paid in invoices if paid and paid <= end)
    share = Decimal(within) * 100 / len(invoices)
    return len(invoices), share.quantize(
        Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
