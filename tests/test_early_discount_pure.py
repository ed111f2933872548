"""The early-payment discount arithmetic (customer_invoicing_flow/early_discount.py).

Pure Python, no Odoo and no database:
    .venv/bin/pytest -p no:odoo tests/test_early_discount_pure.py
"""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pure_module import load

ed = load('customer_invoicing_flow/early_discount.py')

D = Decimal
money = st.decimals(min_value=0, max_value=10 ** 7, places=2,
                    allow_nan=False, allow_infinity=False)
percentages = st.decimals(min_value=D('0.01'), max_value=D('99.99'),
                          places=2, allow_nan=False, allow_infinity=False)


# the window ----------------------------------------------------------------
def test_end_date_is_days_after_the_invoice_date_inclusive():
    # "2 % within 10 days": invoice of 2026-12-02, last day 2026-12-12
    assert ed.discount_end_date(date(2026, 12, 2), 10) == date(2026, 12, 12)
    assert ed.discount_end_date('2026-12-02', 0) == date(2026, 12, 2)
    assert ed.discount_end_date('2024-02-20', 10) == date(2024, 3, 1)
    assert ed.within_window('2026-12-02', 10, '2026-12-12')
    assert ed.within_window('2026-12-02', 10, date(2026, 12, 11))
    assert not ed.within_window('2026-12-02', 10, '2026-12-13')
    with pytest.raises(ValueError):
        ed.discount_end_date('2026-12-02', -1)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
       st.integers(min_value=0, max_value=3650),
       st.integers(min_value=-400, max_value=400))
def test_window_is_the_days_up_to_the_end_date(invoice_date, days, offset):
    end = ed.discount_end_date(invoice_date, days)
    assert (end - invoice_date).days == days
    payment = end + timedelta(days=offset)
    assert ed.within_window(invoice_date, days, payment) == (offset <= 0)


# the amounts ---------------------------------------------------------------
def test_amounts_by_hand():
    # 2 % of 1,000.00 = 20.00: pay 980.00
    assert ed.discount_amount(1000, 2) == D('20.00')
    assert ed.discounted_amount(1000, 2) == D('980.00')
    # 2 % of 1,210.00 = 24.20: pay 1,185.80
    assert ed.discount_amount('1210.00', 2) == D('24.20')
    assert ed.discounted_amount('1210.00', 2) == D('1185.80')
    # 2.5 % of 10.10 = 0.2525 -> 0.25; 3 % of 0.50 = 0.015 -> 0.02 (half up)
    assert ed.discount_amount('10.10', '2.5') == D('0.25')
    assert ed.discount_amount('0.50', 3) == D('0.02')
    # float input read from its decimal text
    assert ed.discount_amount(1.15, 10) == D('0.12')
    # a 5-cent quantum
    assert ed.discount_amount(101, 2, rounding='0.05') == D('2.00')
    assert ed.discount_amount(103, 2, rounding='0.05') == D('2.05')


@given(money, percentages)
def test_discount_plus_discounted_is_the_total(total, percentage):
    discount = ed.discount_amount(total, percentage)
    assert discount + ed.discounted_amount(total, percentage) == total
    assert D(0) <= discount <= total
    assert abs(discount - total * percentage / 100) <= D('0.005')


def test_terms_problems():
    assert ed.terms_problems(2, 10) == []
    assert ed.terms_problems('99.99', 0) == []
    assert ed.terms_problems(0, 10) == [('discount_percentage', 'percentage')]
    assert ed.terms_problems(100, 10) == [('discount_percentage', 'percentage')]
    assert ed.terms_problems(-1, -1) == [
        ('discount_percentage', 'percentage'), ('discount_days', 'days')]


# settling ------------------------------------------------------------------
def test_settlement_by_hand():
    # 980.00 on 1,000.00 with 20.00 available: settled, 20.00 booked
    assert ed.settlement_discount(1000, 20, 980) == D('20')
    assert ed.settles(1000, 20, 980)
    # 990.00: settled, the discount is what is left open, 10.00
    assert ed.settlement_discount(1000, 20, '990.00') == D('10.00')
    # 979.99: a part payment, no discount
    assert ed.settlement_discount(1000, 20, '979.99') == D(0)
    assert not ed.settles(1000, 20, '979.99')
    # the full amount or more: no discount needed
    assert ed.settlement_discount(1000, 20, 1000) == D(0)
    assert ed.settlement_discount(1000, 20, 1200) == D(0)
    # after a 500.00 part payment, 480.00 settles the 500.00 left
    assert ed.settlement_discount(500, 20, 480) == D(20)
    with pytest.raises(ValueError):
        ed.settlement_discount(1000, -1, 980)


@given(money, percentages, money)
def test_settlement_never_leaves_anything_open(residual, percentage, paid):
    discount = ed.discount_amount(residual, percentage)
    booked = ed.settlement_discount(residual, discount, paid)
    assert D(0) <= booked <= discount
    if ed.settles(residual, discount, paid):
        assert paid + booked >= residual
        assert booked == 0 or paid + booked == residual
    else:
        assert booked == 0 and paid < residual - discount


def test_allocate_shortfall_by_hand():
    # two invoices 20.00 and 10.00 of discount, 25.00 short: 20 then 5
    assert ed.allocate_shortfall(25, [20, 10]) == [D(20), D(5)]
    assert ed.allocate_shortfall(30, [20, 10]) == [D(20), D(10)]
    assert ed.allocate_shortfall('30.01', [20, 10]) is None
    assert ed.allocate_shortfall(0, [20, 10]) == [D(0), D(0)]
    assert ed.allocate_shortfall(-5, [20]) == [D(0)]


@given(money, st.lists(money, max_size=8))
def test_allocate_shortfall_covers_it_exactly(shortfall, discounts):
    shares = ed.allocate_shortfall(shortfall, discounts)
    if shares is None:
        assert shortfall > sum(discounts, D(0))
        return
    assert sum(shares, D(0)) == max(shortfall, D(0))
    assert all(D(0) <= share <= discount
               for share, discount in zip(shares, discounts))


# the taxes of the discount -------------------------------------------------
def test_split_by_hand():
    # 1,000.00 + 21 % VAT = 1,210.00; discount 24.20:
    # base 24.20 * 1000 / 1210 = 20.00, tax 24.20 - 20.00 = 4.20
    assert ed.split_discount('24.20', 1000, 210) == (D('20.00'), D('4.20'))
    # untaxed: all base
    assert ed.split_discount(20, 1000, 0) == (D('20.00'), D('0.00'))
    # 333.33 + 70.00 (21 %) = 403.33; 2 % = 8.07 -> base 8.07 * 333.33 /
    # 403.33 = 6.6695... -> 6.67, tax 1.40
    assert ed.split_discount('8.07', '333.33', '70.00') == (
        D('6.67'), D('1.40'))
    assert ed.split_discount(5, 0, 0) == (D('5.00'), D(0))


def test_prorate_by_hand():
    assert ed.prorate('20.00', [600, 400]) == [D('12.00'), D('8.00')]
    # 10.00 in three equal parts: 3.34, 3.33, 3.33 (ties to the first)
    assert ed.prorate(10, [1, 1, 1]) == [D('3.34'), D('3.33'), D('3.33')]
    assert ed.prorate(1, [0, 0]) == [D('0.50'), D('0.50')]
    assert ed.prorate(0, []) == []
    with pytest.raises(ValueError):
        ed.prorate(1, [])


@given(st.decimals(min_value=-10 ** 6, max_value=10 ** 6, places=2,
                   allow_nan=False, allow_infinity=False),
       st.lists(money, min_size=1, max_size=10))
def test_prorate_sums_exactly(amount, weights):
    shares = ed.prorate(amount, weights)
    assert sum(shares, D(0)) == amount
    total = sum(weights, D(0))
    if total:
        for share, weight in zip(shares, weights):
            assert abs(share - amount * weight / total) < D('0.01')


@given(money, money, money)
def test_split_sums_to_the_discount(discount, untaxed, tax):
    base, tax_part = ed.split_discount(discount, untaxed, tax)
    assert base + tax_part == ed.round_money(discount)


# the dashboard's share ------------------------------------------------------
def test_window_share_by_hand():
    # three windows: paid on the last day, paid a day late, still open
    assert ed.window_share([('2026-12-12', '2026-12-12'),
                            ('2026-12-12', '2026-12-13'),
                            (date(2026, 12, 20), None)]) == (3, D('33.33'))
    assert ed.window_share([]) == (0, None)
    assert ed.window_share([('2026-12-12', '2026-12-01')]) == (1, D('100.00'))


@given(st.lists(st.tuples(st.dates(), st.one_of(st.none(), st.dates())),
                max_size=30))
def test_window_share_bounds(rows):
    count, share = ed.window_share(rows)
    assert count == len(rows)
    if rows:
        within = sum(1 for end, paid in rows if paid and paid <= end)
        assert D(0) <= share <= D(100)
        assert abs(share - D(within) * 100 / len(rows)) <= D('0.005')
