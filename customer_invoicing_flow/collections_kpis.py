# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Collections KPIs, plain Python with no ORM import.

Every function takes plain values (numbers, ``datetime.date`` /
``datetime.datetime`` objects, lists of tuples) and explicit dates; none
looks at "today". The ORM side gathers the rows (one query per KPI) and
hands them over here, so the arithmetic can be read and tested alone.

Rounding: money is converted to ``Decimal`` through ``str()`` (so 0.1 stays
0.1) and rounded half-up to ``digits`` decimals (the company currency's,
2 by default) *per amount, before any sum*: a total is then exactly the sum
of its parts. Ratios and averages are computed exactly in ``Decimal`` and
rounded half-up once, at the end: days sales outstanding and averages to 2
decimals, shares to 4 decimals (0.8333 is 83.33 %).

Periods are inclusive: ``date_from`` and ``date_to`` both belong to the
period, which has ``(date_to - date_from).days + 1`` days.
"""
from collections import OrderedDict, defaultdict
from decimal import ROUND_HALF_UP, Decimal

AGING_BUCKETS = [
    ('not_due', 'Not due'),
    ('1_30', '1-30 days'),
    ('31_60', '31-60 days'),
    ('61_90', '61-90 days'),
    ('90_plus', '90+ days'),
]

RATIO_DIGITS = 2
SHARE_DIGITS = 4


def to_decimal(value, digits=2):
    """``value`` (int, float, str or Decimal) as a Decimal rounded half-up
    to ``digits`` decimals."""
    if not isinstance(value, Decimal):
        value = Decimal(str(value or 0))
    return value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def period_days(date_from, date_to):
    """Number of days of the inclusive period ``date_from`` .. ``date_to``
    (1 when both are the same day)."""
    if date_to < date_from:
        raise ValueError("The period ends before it starts.")
    return (date_to - date_from).days + 1


def in_period(day, date_from, date_to):
    """Whether ``day`` falls in the inclusive period; a missing bound is
    open (``date_from=None`` means since always)."""
    if day is None:
        return False
    if date_from is not None and day < date_from:
        return False
    return date_to is None or day <= date_to


def days_sales_outstanding(receivables, credit_sales, days, digits=2):
    """Days sales outstanding::

        DSO = receivables at the period end / credit sales of the period
              x days in the period

    ``receivables``: what customers owe at the period end (open amounts of
    invoices minus open credit notes); ``credit_sales``: invoices minus
    credit notes dated in the period (both company currency, untouched by
    cash sales: every invoice is a credit sale here); ``days``: see
    :func:`period_days`. None when there were no (or negative) credit sales:
    the ratio means nothing then.
    """
    sales = to_decimal(credit_sales, digits)
    if sales <= 0:
        return None
    ratio = to_decimal(receivables, digits) / sales * Decimal(days)
    return to_decimal(ratio, RATIO_DIGITS)


def average(values, digits=RATIO_DIGITS):
    """Arithmetic mean of ``values`` rounded half-up to ``digits``
    decimals; None for no values."""
    values = [Decimal(str(value)) for value in values]
    if not values:
        return None
    return to_decimal(sum(values) / len(values), digits)


def average_hours(pairs):
    """Average hours from ``start`` to ``end`` over ``(start, end)``
    datetime pairs (e.g. delivery to invoice validation); pairs with a
    missing side are ignored. Each duration is exact to the second before
    averaging; None when no pair is complete."""
    hours = [Decimal(int((end - start).total_seconds())) / 3600
             for start, end in pairs
             if start is not None and end is not None]
    return average(hours)


def average_days(pairs):
    """Average days from ``start`` to ``end`` over ``(start, end)`` date
    pairs (e.g. invoice date to paid date); pairs with a missing side are
    ignored; None when no pair is complete."""
    return average([(end - start).days for start, end in pairs
                    if start is not None and end is not None])


def payment_outcome(date_due, paid_date, as_of):
    """How an invoice due on ``date_due`` stands as of ``as_of``:

    - ``'on_time'``: paid (``paid_date``) on or before the due date, and
      on or before ``as_of``;
    - ``'late'``: paid after the due date, or not paid by ``as_of`` while
      ``as_of`` is after the due date (a payment after ``as_of`` is not
      known yet as of then);
    - None: undecided, not paid by ``as_of`` and not past due yet.
    """
    if paid_date is not None and paid_date <= as_of:
        return 'on_time' if paid_date <= date_due else 'late'
    if as_of > date_due:
        return 'late'
    return None


def decided_invoices(invoices, date_from, date_to):
    """The ``(key, date_due, paid_date)`` rows due in the period whose
    outcome is decided as of ``date_to``, with that outcome, as
    ``(key, outcome)`` pairs."""
    result = []
    for key, date_due, paid_date in invoices:
        if not in_period(date_due, date_from, date_to):
            continue
        outcome = payment_outcome(date_due, paid_date, date_to)
        if outcome:
            result.append((key, outcome))
    return result


def on_time_share(invoices, date_from, date_to):
    """Share of invoices paid on time.

    ``invoices``: ``(key, date_due, paid_date or None)`` rows (``key`` is
    free, e.g. the customer). Counted: the invoices due in the period
    (``date_from`` may be None: since always) whose outcome is decided as
    of ``date_to`` (see :func:`payment_outcome`): paid by then, or past due
    then. An invoice due on ``date_to`` itself and still open is not
    counted yet. Share = on time / counted, in [0, 1], rounded to 4
    decimals; None when nothing is counted.
    """
    outcomes = [outcome for dummy, outcome
                in decided_invoices(invoices, date_from, date_to)]
    if not outcomes:
        return None
    on_time = outcomes.count('on_time')
    return to_decimal(Decimal(on_time) / len(outcomes), SHARE_DIGITS)


def late_counts(invoices, date_from, date_to):
    """``{key: number of late invoices}`` over the same invoices as
    :func:`on_time_share` (due in the period, decided as of ``date_to``):
    paid late, or still open past due. Keys without a late invoice are
    left out."""
    counts = defaultdict(int)
    for key, outcome in decided_invoices(invoices, date_from, date_to):
        if outcome == 'late':
            counts[key] += 1
    return dict(counts)


def top_late_customers(invoices, date_from, date_to, limit=5):
    """The ``limit`` customers most often late: ``(key, count)`` pairs by
    count descending, then by key ascending (a stable order for ties).
    ``invoices`` as in :func:`on_time_share`, keyed by customer."""
    counts = late_counts(invoices, date_from, date_to)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ranked[:limit]


def fees_summary(fees, digits=2):
    """Late fees charged and collected.

    ``fees``: ``(total, open)`` rows, one per fee invoice dated in the
    period, company currency; ``open`` is what remains to pay on it as of
    the period end. Returns ``(charged, collected)``: the sum of the totals
    and the sum of ``total - open``, each amount rounded first.
    """
    charged = Decimal(0)
    collected = Decimal(0)
    for total, open_amount in fees:
        total = to_decimal(total, digits)
        charged += total
        collected += total - to_decimal(open_amount, digits)
    return charged, collected


def aging_bucket(date_due, as_of):
    """The aging bucket of an amount due on ``date_due``, as of ``as_of``:
    not due (due on or after ``as_of``), then by days past due 1-30, 31-60,
    61-90 and more than 90."""
    days = (as_of - date_due).days
    if days <= 0:
        return 'not_due'
    if days <= 30:
        return '1_30'
    if days <= 60:
        return '31_60'
    if days <= 90:
        return '61_90'
    return '90_plus'


def aging(open_items, as_of, digits=2):
    """Aging table of the open amounts as of ``as_of``.

    ``open_items``: ``(date_due, open amount)`` rows (company currency;
    credit notes negative). Returns an OrderedDict bucket -> Decimal in the
    order of :data:`AGING_BUCKETS`, plus ``'total'``; each amount is
    rounded before it is added, so the buckets sum exactly to the total.
    """
    table = OrderedDict((bucket, Decimal(0).quantize(
        Decimal(1).scaleb(-digits))) for bucket, dummy in AGING_BUCKETS)
    for date_due, amount in open_items:
        table[aging_bucket(date_due, as_of)] += to_decimal(amount, digits)
    table['total'] = sum((table[bucket] for bucket, dummy in AGING_BUCKETS),
                         Decimal(0))
    return table
