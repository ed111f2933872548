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
from datetime import timedelta
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


# ---------------------------------------------------------------------------
# Month by month: the same KPIs over the last months, from one set of rows
# ---------------------------------------------------------------------------

def monthly_periods(date_to, months=12):
    """The ``months`` calendar months ending with the month of ``date_to``,
    oldest first, as inclusive ``(first day, last day)`` periods; the last
    one ends on ``date_to`` itself (a month in progress counts up to it).
    """
    if months < 1:
        raise ValueError("At least one month is needed.")
    periods = []
    last = date_to
    for dummy in range(months):
        first = last.replace(day=1)
        periods.append((first, last))
        last = first - timedelta(days=1)
    periods.reverse()
    return periods


def open_amount(total, settlements, as_of, paid_date=None, digits=2):
    """What was left to pay on an invoice (or credit note) at the end of
    ``as_of``, company currency, rounded.

    ``total``: its signed total (credit notes negative); ``settlements``:
    ``(date, amount)`` rows of what settled it, ``amount`` signed like
    ``total`` (a payment of 300 on an invoice is +300, a refund of 100
    on a credit note -100); only those dated on or before ``as_of``
    count. ``paid_date``: when it was fully paid (None while open); from
    that day on nothing is left, whatever the settlements say (exchange
    differences, write-offs).
    """
    if paid_date is not None and paid_date <= as_of:
        return to_decimal(0, digits)
    settled = sum((to_decimal(amount, digits)
                   for day, amount in settlements if day <= as_of),
                  Decimal(0))
    return to_decimal(total, digits) - settled


def monthly_series(invoices, periods, digits=2):
    """DSO and average days to pay for each of ``periods``.

    ``invoices``: one row per validated customer invoice or credit note,
    ``(date_invoice, is_invoice, total, paid_date, settlements)``:
    ``is_invoice`` False for a credit note; ``total`` signed; ``paid_date``
    the day it was fully paid or None; ``settlements`` as in
    :func:`open_amount`. ``periods``: inclusive ``(date_from, date_to)``
    pairs, e.g. from :func:`monthly_periods`.

    For each period, exactly as the dashboard computes one period:
    ``credit_sales`` the totals dated in it; ``receivables`` the open
    amounts at its end of everything dated on or before its end; ``dso``
    :func:`days_sales_outstanding` (None without credit sales);
    ``avg_days_to_pay`` the average days from invoice date to paid date
    of the invoices (not credit notes) paid in it (None when none was);
    ``paid_count`` their number. Returns a list of dicts, one per period,
    in the order given, each also holding ``date_from``, ``date_to`` and
    ``days``.
    """
    series = []
    for date_from, date_to in periods:
        credit_sales = Decimal(0)
        receivables = Decimal(0)
        paid = []
        for date_invoice, is_invoice, total, paid_date, settlements \
                in invoices:
            if date_invoice > date_to:
                continue
            if date_invoice >= date_from:
                credit_sales += to_decimal(total, digits)
            receivables += open_amount(total, settlements, date_to,
                                       paid_date, digits)
            if is_invoice and in_period(paid_date, date_from, date_to):
                paid.append((date_invoice, paid_date))
        days = period_days(date_from, date_to)
        series.append({
            'date_from': date_from,
            'date_to': date_to,
            'days': days,
            'credit_sales': credit_sales,
            'receivables': receivables,
            'dso': days_sales_outstanding(receivables, credit_sales, days,
                                          digits),
            'avg_days_to_pay': average_days(paid),
            'paid_count': len(paid),
        })
    return series


PERIOD_PRESETS = [
    ('this_month', 'This Month'),
    ('last_month', 'Last Month'),
    ('this_quarter', 'This Quarter'),
    ('this_year', 'This Year'),
    ('last_12_months', 'Last 12 Months'),
]


def preset_period(preset, today):
    """The inclusive ``(date_from, date_to)`` period a preset names, seen
    on ``today``: this month, quarter or year run from their first day to
    ``today``; last month is the whole previous calendar month; the last
    12 months run from the first day of the 11th month before ``today``'s
    to ``today`` (the window of the month-by-month charts). None for an
    unknown preset (e.g. a custom period)."""
    first_of_month = today.replace(day=1)
    if preset == 'this_month':
        return first_of_month, today
    if preset == 'last_month':
        last = first_of_month - timedelta(days=1)
        return last.replace(day=1), last
    if preset == 'this_quarter':
        month = (today.month - 1) // 3 * 3 + 1
        return today.replace(month=month, day=1), today
    if preset == 'this_year':
        return today.replace(month=1, day=1), today
    if preset == 'last_12_months':
        return monthly_periods(today, 12)[0][0], today
    return None
