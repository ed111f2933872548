"""The discrepancy guard's checks (customer_invoicing_flow/delivery_checks.py).

Pure Python, no Odoo and no database:
    .venv/bin/pytest -p no:odoo tests/test_delivery_checks_pure.py
"""
from hypothesis import given
from hypothesis import strategies as st

from pure_module import load

checks = load('customer_invoicing_flow/delivery_checks.py')

PRECISION = checks.Precision(quantity=3, price=2, discount=2,
                             currency=0.01)


def line(**values):
    facts = dict(product='Desk', price=100.0, ordered_price=100.0,
                 discount=0.0, ordered_discount=0.0,
                 tax_ids=frozenset([1]), tax_names=('VAT 15%',),
                 expected_tax_ids=frozenset([1]),
                 expected_tax_names=('VAT 15%',), earlier_prices=())
    facts.update(values)
    return checks.LineFacts(**facts)


def codes(found):
    return [discrepancy.code for discrepancy in found]


def test_compare_rounds_half_up_like_float_compare():
    assert checks.compare(1.004, 1.0, 2) == 0
    assert checks.compare(1.005, 1.0, 2) == 1       # 1.01 > 1.00
    assert checks.compare(2.675, 2.68, 2) == 0      # str(): 2.675 -> 2.68
    assert checks.compare(0.1 + 0.2, 0.3, 2) == 0
    assert checks.compare(-1.005, -1.0, 2) == -1    # away from zero
    assert checks.compare(12.02, 12.05, 0.05) == -1  # 12.00 < 12.05
    assert checks.compare(12.03, 12.05, 0.05) == 0
    assert checks.compare(5, 5.0004, 3) == 0


def test_agreeing_line_has_no_discrepancy():
    assert checks.check_line(line(), PRECISION) == []


def test_price_and_discount_keep_the_values_given():
    found = checks.check_line(line(price=99.5, discount=10.0), PRECISION)
    assert codes(found) == ['price', 'discount']
    assert found[0].values == {'product': 'Desk', 'invoiced': 99.5,
                               'ordered': 100.0}
    assert found[1].values == {'product': 'Desk', 'invoiced': 10.0,
                               'ordered': 0.0}
    # below the precision: equal
    assert checks.check_price(line(price=100.004), PRECISION) == []
    assert checks.check_discount(line(discount=0.004), PRECISION) == []


def test_taxes_compare_the_sets_not_the_order():
    assert checks.check_taxes(line(tax_ids=frozenset([2, 1]),
                                   expected_tax_ids=frozenset([1, 2]))) == []
    found = checks.check_taxes(line(tax_ids=frozenset(), tax_names=()))
    assert found == [checks.Discrepancy('taxes', {
        'product': 'Desk', 'invoiced': (), 'ordered': ('VAT 15%',)})]


def test_price_changed_names_the_first_earlier_price_that_differs():
    assert checks.check_price_changed(
        line(earlier_prices=(100.0, 100.001)), PRECISION) == []
    found = checks.check_price_changed(
        line(price=110.0, ordered_price=110.0,
             earlier_prices=(110.0, 100.0, 90.0)), PRECISION)
    assert found == [checks.Discrepancy('price_changed', {
        'product': 'Desk', 'before': 100.0, 'now': 110.0})]


def test_line_checks_in_message_order():
    found = checks.check_line(line(
        price=90.0, discount=5.0, tax_ids=frozenset(),
        earlier_prices=(100.0,)), PRECISION)
    assert codes(found) == ['price', 'discount', 'taxes', 'price_changed']


def qty(here, elsewhere, reference):
    return checks.QuantityFacts('Desk', here, elsewhere, reference)


def test_quantity_invoiced_up_to_what_is_left():
    # delivered 10, invoiced 4 elsewhere: 6 left
    assert checks.check_quantity(qty(6.0, 4.0, 10.0), PRECISION) == []
    assert checks.check_quantity(qty(6.0004, 4.0, 10.0), PRECISION) == []
    found = checks.check_quantity(qty(7.0, 4.0, 10.0), PRECISION)
    assert found == [checks.Discrepancy('over_invoiced', {
        'product': 'Desk', 'qty': 7.0, 'left': 6.0})]


def test_quantity_credited_up_to_what_was_invoiced_beyond_kept():
    # invoiced 10, the customer kept 7 (delivered 7): 3 may be credited
    assert checks.check_quantity(qty(-3.0, 10.0, 7.0), PRECISION) == []
    found = checks.check_quantity(qty(-4.0, 10.0, 7.0), PRECISION)
    assert found == [checks.Discrepancy('over_credited', {
        'product': 'Desk', 'qty': 4.0, 'left': 3.0})]
    assert checks.check_quantity(qty(0.0, 10.0, 0.0), PRECISION) == []


def totals(**values):
    facts = dict(amount_untaxed=100.0, amount_tax=15.0, amount_total=115.0,
                 lines_untaxed=100.0, lines_tax=15.0)
    facts.update(values)
    return checks.TotalFacts(**facts)


def test_totals_each_comparison():
    assert checks.check_totals(totals(), PRECISION) == []
    assert checks.check_totals(totals(lines_untaxed=100.004), PRECISION) == []
    for wrong in (dict(lines_untaxed=100.01), dict(lines_tax=15.01),
                  dict(amount_total=115.01)):
        found = checks.check_totals(totals(**wrong), PRECISION)
        assert codes(found) == ['totals'], wrong
    assert checks.check_totals(totals(amount_total=115.02), PRECISION)[0] \
        .values == {'total': 115.02, 'tax': 15.0, 'lines_untaxed': 100.0,
                    'lines_tax': 15.0}


def test_po_reference_only_when_required():
    order = checks.OrderFacts
    assert checks.check_po_reference(order('SO1', False, False)) == []
    assert checks.check_po_reference(order('SO1', True, 'PO-7')) == []
    assert checks.check_po_reference(order('SO1', True, False)) == [
        checks.Discrepancy('po_reference', {'order': 'SO1'})]


def test_discrepancies_in_message_order():
    found = checks.discrepancies(
        [line(price=90.0), line(product='Chair', discount=3.0)],
        [qty(7.0, 4.0, 10.0)], totals(amount_total=1.0),
        [checks.OrderFacts('SO1', True, ''),
         checks.OrderFacts('SO2', True, 'PO')], PRECISION)
    assert codes(found) == ['price', 'discount', 'over_invoiced', 'totals',
                            'po_reference']
    assert found[1].values['product'] == 'Chair'
    assert checks.discrepancies([line()], [qty(1.0, 0.0, 1.0)], totals(),
                                [], PRECISION) == []


@given(st.integers(-10 ** 6, 10 ** 6), st.integers(-10 ** 6, 10 ** 6))
def test_compare_of_cents_is_the_integer_order(a, b):
    assert checks.compare(a / 100, b / 100, 2) == (a > b) - (a < b)


@given(st.integers(0, 10 ** 5), st.integers(0, 10 ** 5),
       st.integers(0, 10 ** 5))
def test_quantity_never_over_invoiced_within_what_is_left(
        delivered, elsewhere, here):
    found = checks.check_quantity(
        qty(here / 1000, elsewhere / 1000, delivered / 1000), PRECISION)
    assert bool(found) == (here > 0 and here > delivered - elsewhere)
