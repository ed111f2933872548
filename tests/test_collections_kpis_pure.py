"""The collections KPI arithmetic (customer_invoicing_flow/collections_kpis.py).

Pure Python, no Odoo and no database:
    .venv/bin/pytest -p no:odoo tests/test_collections_kpis_pure.py
"""
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pure_module import load

kpis = load('customer_invoicing_flow/collections_kpis.py')

D = Decimal
BUCKETS = [bucket for bucket, dummy in kpis.AGING_BUCKETS]

dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 31))
amounts = st.decimals(min_value=-100000, max_value=100000, places=2,
                      allow_nan=False, allow_infinity=False)
invoice_rows = st.lists(st.tuples(
    st.integers(min_value=1, max_value=6), dates,
    st.one_of(st.none(), dates)), max_size=40)


# period and rounding ------------------------------------------------------
def test_period_days_is_inclusive():
    assert kpis.period_days(date(2023, 3, 1), date(2023, 3, 31)) == 31
    assert kpis.period_days(date(2023, 3, 1), date(2023, 3, 1)) == 1
    assert kpis.period_days(date(2024, 2, 1), date(2024, 2, 29)) == 29
    with pytest.raises(ValueError):
        kpis.period_days(date(2023, 3, 2), date(2023, 3, 1))


def test_to_decimal_rounds_half_up_from_the_decimal_text():
    assert kpis.to_decimal(0.125) == D('0.13')
    assert kpis.to_decimal(2.675) == D('2.68')  # float 2.675 is 2.67499...
    assert kpis.to_decimal(-0.125) == D('-0.13')
    assert kpis.to_decimal(None) == D('0.00')


# days sales outstanding ---------------------------------------------------
def test_dso_hand_computed():
    # 1500 owed at the end of March, 4650 invoiced in March's 31 days:
    # 1500 / 4650 x 31 = 10 days
    assert kpis.days_sales_outstanding(1500, 4650, 31) == D('10.00')
    # 1000 / 3000 x 30 = 10; 100 / 300 x 31 = 10.333.. -> 10.33
    assert kpis.days_sales_outstanding(1000, 3000.0, 30) == D('10.00')
    assert kpis.days_sales_outstanding(100, 300, 31) == D('10.33')
    # 200 / 300 x 31 = 20.666.. -> 20.67
    assert kpis.days_sales_outstanding(200, 300, 31) == D('20.67')


def test_dso_without_sales_is_undefined():
    assert kpis.days_sales_outstanding(1000, 0, 31) is None
    assert kpis.days_sales_outstanding(1000, -50, 31) is None
    assert kpis.days_sales_outstanding(0, 100, 31) == D('0.00')


# averages ---------------------------------------------------------------
def test_average_hours_hand_computed():
    pairs = [
        (datetime(2023, 3, 1, 8, 0), datetime(2023, 3, 1, 10, 30)),  # 2.5 h
        (datetime(2023, 3, 1, 8, 0), datetime(2023, 3, 2, 9, 0)),    # 25 h
        (None, datetime(2023, 3, 2, 9, 0)),                          # ignored
        (datetime(2023, 3, 1, 8, 0), datetime(2023, 3, 1, 8, 20)),   # 1/3 h
    ]
    # (2.5 + 25 + 0.3333..) / 3 = 9.2777.. -> 9.28
    assert kpis.average_hours(pairs) == D('9.28')
    assert kpis.average_hours([(None, None)]) is None
    assert kpis.average_hours([]) is None


def test_average_days_hand_computed():
    pairs = [
        (date(2023, 3, 1), date(2023, 3, 21)),   # 20
        (date(2023, 3, 1), date(2023, 4, 15)),   # 45
        (date(2023, 3, 10), date(2023, 3, 10)),  # 0
        (date(2023, 3, 10), None),               # not paid: ignored
    ]
    # 65 / 3 = 21.666.. -> 21.67
    assert kpis.average_days(pairs) == D('21.67')
    assert kpis.average_days([]) is None


# paid on time, late customers -------------------------------------------
MARCH = (date(2023, 3, 1), date(2023, 3, 31))


def test_payment_outcome():
    due = date(2023, 3, 15)
    as_of = date(2023, 3, 31)
    assert kpis.payment_outcome(due, date(2023, 3, 15), as_of) == 'on_time'
    assert kpis.payment_outcome(due, date(2023, 3, 16), as_of) == 'late'
    assert kpis.payment_outcome(due, None, as_of) == 'late'
    # paid on time but after as_of: not known yet, and past due then
    assert kpis.payment_outcome(due, date(2023, 4, 2), as_of) == 'late'
    # due on as_of itself and still open: undecided
    assert kpis.payment_outcome(as_of, None, as_of) is None
    assert kpis.payment_outcome(as_of, date(2023, 4, 1), as_of) is None
    assert kpis.payment_outcome(as_of, as_of, as_of) == 'on_time'


def test_on_time_share_hand_computed():
    rows = [
        ('a', date(2023, 3, 10), date(2023, 3, 9)),    # on time
        ('a', date(2023, 3, 10), date(2023, 3, 12)),   # late
        ('b', date(2023, 3, 20), None),                # late (open)
        ('b', date(2023, 3, 31), None),                # undecided
        ('c', date(2023, 2, 28), date(2023, 3, 30)),   # due before: out
        ('c', date(2023, 4, 1), date(2023, 3, 1)),     # due after: out
        ('c', date(2023, 3, 1), date(2023, 3, 1)),     # on time
    ]
    # 2 on time out of 4 decided
    assert kpis.on_time_share(rows, *MARCH) == D('0.5000')
    # since always: the one due on 2023-02-28 counts too (late): 2 / 5
    assert kpis.on_time_share(rows, None, MARCH[1]) == D('0.4000')
    assert kpis.late_counts(rows, *MARCH) == {'a': 1, 'b': 1}
    assert kpis.on_time_share([], *MARCH) is None
    assert kpis.on_time_share(rows[3:4], *MARCH) is None
    # 2 of 3 -> 0.6667
    assert kpis.on_time_share(
        [rows[0], rows[1], rows[6]], *MARCH) == D('0.6667')


def test_top_late_customers_order_and_limit():
    due = date(2023, 3, 5)
    rows = [(3, due, None), (3, due, None), (1, due, None),
            (2, due, None), (2, due, date(2023, 3, 6)),
            (4, due, due)]
    assert kpis.top_late_customers(rows, *MARCH, limit=5) == [
        (2, 2), (3, 2), (1, 1)]
    assert kpis.top_late_customers(rows, *MARCH, limit=2) == [(2, 2), (3, 2)]


# fees -------------------------------------------------------------------
def test_fees_summary_hand_computed():
    # 25 charged, 10 paid; 12.50 charged and fully paid; 7.455 -> 7.46 open
    charged, collected = kpis.fees_summary(
        [(25.0, 15.0), (12.5, 0.0), (7.46, 7.455)])
    assert charged == D('44.96')
    assert collected == D('22.50')
    assert kpis.fees_summary([]) == (D(0), D(0))


# aging --------------------------------------------------------------------
def test_aging_bucket_edges():
    as_of = date(2023, 6, 30)

    def bucket(days_past_due):
        return kpis.aging_bucket(as_of - timedelta(days=days_past_due), as_of)

    assert [bucket(days) for days in (-5, 0, 1, 30, 31, 60, 61, 90, 91)] == [
        'not_due', 'not_due', '1_30', '1_30', '31_60', '31_60', '61_90',
        '61_90', '90_plus']


def test_aging_hand_computed():
    as_of = date(2023, 6, 30)
    table = kpis.aging([
        (date(2023, 7, 15), 100.0),     # not due
        (date(2023, 6, 30), 50.0),      # not due (due today)
        (date(2023, 6, 1), 200.0),      # 29 days: 1-30
        (date(2023, 5, 1), 300.0),      # 60 days: 31-60
        (date(2023, 5, 1), -40.0),      # credit note, 31-60
        (date(2023, 4, 1), 400.0),      # 90 days: 61-90
        (date(2023, 1, 1), 0.005),      # 180 days: rounds to 0.01
    ], as_of)
    assert list(table.items()) == [
        ('not_due', D('150.00')), ('1_30', D('200.00')),
        ('31_60', D('260.00')), ('61_90', D('400.00')),
        ('90_plus', D('0.01')), ('total', D('1010.01'))]
    empty = kpis.aging([], as_of)
    assert empty['total'] == D('0.00') and empty['90_plus'] == D('0.00')


# invariants -------------------------------------------------------------
@given(st.lists(st.tuples(dates, amounts), max_size=50), dates)
def test_aging_buckets_sum_to_total(items, as_of):
    table = kpis.aging(items, as_of)
    assert list(table) == BUCKETS + ['total']
    assert sum(table[bucket] for bucket in BUCKETS) == table['total']
    assert table['total'] == sum((amount for dummy, amount in items), D(0))


@given(invoice_rows, dates, st.integers(min_value=0, max_value=400))
def test_on_time_share_in_unit_interval(rows, date_from, length):
    date_to = date_from + timedelta(days=length)
    share = kpis.on_time_share(rows, date_from, date_to)
    decided = kpis.decided_invoices(rows, date_from, date_to)
    late = sum(kpis.late_counts(rows, date_from, date_to).values())
    if not decided:
        assert share is None
    else:
        assert D(0) <= share <= D(1)
        # late + on time = every decided invoice
        on_time = len(decided) - late
        assert share == kpis.to_decimal(D(on_time) / len(decided), 4)


@given(invoice_rows, dates, st.integers(min_value=0, max_value=400),
       st.integers(min_value=1, max_value=10))
def test_top_late_customers_is_sorted_and_bounded(rows, date_from, length,
                                                  limit):
    date_to = date_from + timedelta(days=length)
    top = kpis.top_late_customers(rows, date_from, date_to, limit)
    assert len(top) <= limit
    assert all(count > 0 for dummy, count in top)
    assert [count for dummy, count in top] == sorted(
        (count for dummy, count in top), reverse=True)


@given(st.lists(st.tuples(amounts, amounts), max_size=30))
def test_fees_collected_is_charged_minus_open(rows):
    charged, collected = kpis.fees_summary(rows)
    assert charged - collected == sum(
        (kpis.to_decimal(open_amount) for dummy, open_amount in rows), D(0))


@given(amounts, st.decimals(min_value=D('0.01'), max_value=100000, places=2),
       st.integers(min_value=1, max_value=366))
def test_dso_scales_with_receivables(receivables, sales, days):
    dso = kpis.days_sales_outstanding(receivables, sales, days)
    assert dso == kpis.to_decimal(receivables / sales * days)
    assert (dso >= 0) == (receivables >= 0) or dso == 0


# month by month ----------------------------------------------------------
def test_monthly_periods_end_on_the_day():
    periods = kpis.monthly_periods(date(2024, 3, 20), 12)
    assert len(periods) == 12
    assert periods[0] == (date(2023, 4, 1), date(2023, 4, 30))
    assert periods[-2] == (date(2024, 2, 1), date(2024, 2, 29))  # leap year
    assert periods[-1] == (date(2024, 3, 1), date(2024, 3, 20))
    assert kpis.monthly_periods(date(2023, 1, 31), 2) == [
        (date(2022, 12, 1), date(2022, 12, 31)),
        (date(2023, 1, 1), date(2023, 1, 31))]
    with pytest.raises(ValueError):
        kpis.monthly_periods(date(2023, 1, 31), 0)


@given(dates, st.integers(min_value=1, max_value=24))
def test_monthly_periods_are_contiguous_months(date_to, months):
    periods = kpis.monthly_periods(date_to, months)
    assert len(periods) == months
    assert periods[-1][1] == date_to
    for (first, last), (next_first, dummy) in zip(periods, periods[1:]):
        assert next_first == last + timedelta(days=1)
    for first, last in periods:
        assert first.day == 1 and (first.year, first.month) == (
            last.year, last.month)


def test_open_amount():
    settlements = [(date(2023, 3, 10), 200), (date(2023, 4, 2), 150.5)]
    assert kpis.open_amount(600, settlements, date(2023, 3, 9)) == D('600.00')
    assert kpis.open_amount(600, settlements, date(2023, 3, 10)) == D('400.00')
    assert kpis.open_amount(600, settlements, date(2023, 4, 30)) == D('249.50')
    # paid: nothing left from the paid date on, whatever was settled
    assert kpis.open_amount(600, settlements, date(2023, 4, 30),
                            date(2023, 4, 2)) == D('0.00')
    assert kpis.open_amount(600, settlements, date(2023, 4, 1),
                            date(2023, 4, 2)) == D('400.00')
    # a credit note: negative total, negative settlements
    assert kpis.open_amount(-100, [(date(2023, 3, 15), -40)],
                            date(2023, 3, 31)) == D('-60.00')


# January to March 20, 2023:
#   A invoice 1000 of 01-10, paid in full on 02-20
#   B invoice  600 of 02-05, 200 paid on 03-10, still open
#   R credit note -100 of 03-15, open
#   C invoice  300 of 03-01, paid in full on 03-18
MONTHLY_BOOK = [
    (date(2023, 1, 10), True, 1000, date(2023, 2, 20),
     [(date(2023, 2, 20), 1000)]),
    (date(2023, 2, 5), True, 600, None, [(date(2023, 3, 10), 200)]),
    (date(2023, 3, 15), False, -100, None, []),
    (date(2023, 3, 1), True, 300, date(2023, 3, 18),
     [(date(2023, 3, 18), 300)]),
]


def test_monthly_series_hand_computed():
    periods = kpis.monthly_periods(date(2023, 3, 20), 3)
    january, february, march = kpis.monthly_series(MONTHLY_BOOK, periods)
    # January (31 days): A invoiced and open: 1000 / 1000 x 31
    assert (january['credit_sales'], january['receivables']) == (
        D('1000.00'), D('1000.00'))
    assert january['dso'] == D('31.00')
    assert (january['avg_days_to_pay'], january['paid_count']) == (None, 0)
    # February (28 days): B invoiced and open, A paid: 600 / 600 x 28;
    # A paid after 41 days (01-10 -> 02-20)
    assert (february['credit_sales'], february['receivables']) == (
        D('600.00'), D('600.00'))
    assert february['dso'] == D('28.00')
    assert (february['avg_days_to_pay'], february['paid_count']) == (
        D('41.00'), 1)
    # March 1-20 (20 days): C 300 - R 100 invoiced; open on the 20th:
    # B 400, R -100, C paid: 300 / 200 x 20 = 30; C paid after 17 days
    assert march['days'] == 20
    assert (march['credit_sales'], march['receivables']) == (
        D('200.00'), D('300.00'))
    assert march['dso'] == D('30.00')
    assert (march['avg_days_to_pay'], march['paid_count']) == (D('17.00'), 1)


def test_monthly_series_without_sales_has_no_dso():
    periods = kpis.monthly_periods(date(2022, 12, 31), 2)
    november, december = kpis.monthly_series(MONTHLY_BOOK, periods)
    assert november['dso'] is None and december['dso'] is None
    assert december['receivables'] == D('0')


@given(st.lists(st.tuples(dates, st.booleans(), amounts,
                          st.one_of(st.none(), dates),
                          st.lists(st.tuples(dates, amounts), max_size=3)),
                max_size=20), dates)
def test_monthly_series_matches_one_period(rows, date_to):
    """The last month of the series is the KPI of that month alone."""
    periods = kpis.monthly_periods(date_to, 3)
    last = kpis.monthly_series(rows, periods)[-1]
    alone = kpis.monthly_series(rows, periods[-1:])[0]
    assert last == alone
    date_from = periods[-1][0]
    receivables = sum((kpis.open_amount(total, settled, date_to, paid)
                       for day, dummy, total, paid, settled in rows
                       if day <= date_to), D(0))
    assert last['receivables'] == receivables
    assert last['dso'] == kpis.days_sales_outstanding(
        receivables, last['credit_sales'],
        kpis.period_days(date_from, date_to))


def test_preset_periods():
    today = date(2024, 5, 17)
    assert kpis.preset_period('this_month', today) == (date(2024, 5, 1), today)
    assert kpis.preset_period('last_month', today) == (
        date(2024, 4, 1), date(2024, 4, 30))
    assert kpis.preset_period('last_month', date(2024, 1, 9)) == (
        date(2023, 12, 1), date(2023, 12, 31))
    assert kpis.preset_period('this_quarter', today) == (
        date(2024, 4, 1), today)
    assert kpis.preset_period('this_quarter', date(2024, 12, 31)) == (
        date(2024, 10, 1), date(2024, 12, 31))
    assert kpis.preset_period('this_year', today) == (date(2024, 1, 1), today)
    assert kpis.preset_period('last_12_months', today) == (
        date(2023, 6, 1), today)
    assert kpis.preset_period('custom', today) is None
