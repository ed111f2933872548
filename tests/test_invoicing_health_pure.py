"""The invoicing health rules (customer_invoicing_flow/invoicing_health.py).

Pure Python, no Odoo and no database:
    .venv/bin/pytest -p no:odoo tests/test_invoicing_health_pure.py
"""
from datetime import date, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from pure_module import load

health = load('customer_invoicing_flow/invoicing_health.py')

AS_OF = datetime(2031, 3, 31, 23, 59, 59)


def number(invoice_id, value, journal=1, sequence=10, prefix='INV/2031/',
           day=None, state='open'):
    return health.NumberFact(
        invoice_id, journal, sequence, '%s%04d' % (prefix, value),
        day or date(2031, 3, 1), state)


# numbers -----------------------------------------------------------------

def test_split_number():
    assert health.split_number('INV/2031/0007') == ('INV/2031/', 7, 4, '')
    assert health.split_number('F-12-X') == ('F-', 12, 2, '-X')
    assert health.split_number('DRAFT') is None
    assert health.format_number('INV/2031/', 8, 4, '') == 'INV/2031/0008'


def test_gap_of_three_numbers():
    facts = [number(1, 1), number(2, 2), number(3, 6)]
    [gap] = health.numbering_gaps(facts)
    assert gap.kind == 'numbering_gap'
    assert (gap.res_model, gap.res_id) == ('account.journal', 1)
    assert gap.severity == 'high'
    assert gap.key == '10:INV/2031/0003-INV/2031/0005'
    assert gap.params == {
        'count': 3, 'first': 'INV/2031/0003', 'last': 'INV/2031/0005',
        'numbers': 'INV/2031/0003, INV/2031/0004, INV/2031/0005'}


def test_cancelled_number_is_not_a_gap():
    facts = [number(1, 1), number(2, 2, state='cancel'), number(3, 3)]
    assert health.numbering_gaps(facts) == []


def test_sequences_periods_and_journals_apart():
    facts = [
        number(1, 1), number(2, 2),
        # the credit notes' own sequence starts at 1 again
        number(3, 1, sequence=11, prefix='RINV/2031/'),
        # a new year starts at 1 again
        number(4, 1, prefix='INV/2032/'),
        # another journal
        number(5, 1, journal=2, sequence=12, prefix='EXP/2031/'),
    ]
    assert health.numbering_gaps(facts) == []


def test_long_gap_lists_ten_numbers():
    [gap] = health.numbering_gaps([number(1, 1), number(2, 100)])
    assert gap.params['count'] == 98
    assert gap.params['numbers'].endswith('INV/2031/0011, ...')
    assert gap.params['numbers'].count(',') == 10


def test_duplicate_numbers():
    facts = [number(1, 1), number(2, 2), number(3, 2, journal=2),
             number(4, 3)]
    found = health.numbering_duplicates(facts)
    assert [(f.res_id, f.key, f.params['count']) for f in found] == [
        (2, 'INV/2031/0002', 2), (3, 'INV/2031/0002', 2)]


def test_date_order():
    facts = [number(1, 1, day=date(2031, 3, 1)),
             number(2, 2, day=date(2031, 3, 10)),
             number(3, 3, day=date(2031, 3, 5)),
             number(4, 4, day=date(2031, 3, 10))]
    [found] = health.numbering_date_order(facts)
    assert found.res_id == 3
    assert found.params == {
        'number': 'INV/2031/0003', 'date': '2031-03-05',
        'previous': 'INV/2031/0002', 'previous_date': '2031-03-10'}


@given(st.sets(st.integers(min_value=1, max_value=300), min_size=1))
def test_gaps_are_exactly_the_missing_numbers(values):
    facts = [number(i, value) for i, value in enumerate(sorted(values))]
    missing = set()
    for gap in health.numbering_gaps(facts):
        first = int(gap.params['first'][-4:])
        last = int(gap.params['last'][-4:])
        assert gap.params['count'] == last - first + 1
        assert not missing & set(range(first, last + 1))
        missing |= set(range(first, last + 1))
    expected = set(range(min(values), max(values) + 1)) - values
    assert missing == expected


@given(st.lists(st.integers(min_value=1, max_value=30), min_size=1,
                max_size=40))
def test_duplicates_are_exactly_the_repeated_numbers(values):
    facts = [number(i, value) for i, value in enumerate(values)]
    found = health.numbering_duplicates(facts)
    flagged = {f.res_id for f in found}
    assert flagged == {i for i, value in enumerate(values)
                       if values.count(value) > 1}
    assert len(found) == len({(f.res_id, f.key) for f in found})


@given(st.lists(st.dates(min_value=date(2031, 1, 1),
                         max_value=date(2031, 12, 31)),
                min_size=1, max_size=30))
def test_date_order_flags_an_invoice_dated_before_a_lower_number(days):
    facts = [number(i, i + 1, day=day) for i, day in enumerate(days)]
    flagged = {f.res_id for f in health.numbering_date_order(facts)}
    assert flagged == {i for i, day in enumerate(days)
                       if any(other > day for other in days[:i])}


# deliveries --------------------------------------------------------------

def delivery(done, lines=1, pending=False):
    return health.DeliveryFact(7, 'SO007', done, lines, pending, None)


def test_delivery_not_invoiced_after_the_limit():
    done = AS_OF - timedelta(days=3)
    [found] = health.delayed_invoicing([delivery(done)], AS_OF, 24)
    assert (found.res_model, found.res_id, found.key) == (
        'sale.order', 7, 'not_invoiced')
    assert found.params['hours'] == 72
    # exactly at the limit it is late; a second before, not yet
    assert health.delayed_invoicing(
        [delivery(AS_OF - timedelta(hours=24))], AS_OF, 24)
    assert not health.delayed_invoicing(
        [delivery(AS_OF - timedelta(hours=24) + timedelta(seconds=1))],
        AS_OF, 24)
    assert not health.delayed_invoicing([delivery(done, lines=0)],
                                        AS_OF, 24)


def test_pending_order_is_found_whatever_the_delay():
    [found] = health.delayed_invoicing(
        [delivery(AS_OF, lines=0, pending=True)], AS_OF, 24)
    assert (found.key, found.severity) == ('pending', 'high')


# taxes -------------------------------------------------------------------

def test_map_taxes_as_odoo():
    mapping = {15: [0], 21: [None], 6: [6, 7]}
    assert health.map_taxes([15], mapping) == {0}
    assert health.map_taxes([21], mapping) == frozenset()
    assert health.map_taxes([6, 9], mapping) == {6, 7, 9}


def test_tax_mismatch_on_lines_and_totals():
    names = {15: 'VAT 15%', 0: 'VAT 0%'}
    lines = [
        health.TaxLineFact(1, 11, 'Widget', {0}, frozenset({15}), None),
        health.TaxLineFact(2, 21, 'Widget', {15}, frozenset({15}),
                           frozenset({0})),
        health.TaxLineFact(3, 31, 'Free text', {15}, None, None),
    ]
    totals = [health.TaxTotalFact(4, 'INV/4', 15.0, 15.0, 0.01),
              health.TaxTotalFact(5, 'INV/5', 15.0, 14.99, 0.01)]
    found = health.tax_mismatches(lines, totals, names)
    assert [(f.res_id, f.key) for f in found] == [
        (1, 'line-11-product'), (2, 'line-21-order'), (5, 'total')]
    assert found[0].params == {'line': 'Widget', 'reference': 'product',
                               'taxes': 'VAT 0%', 'expected': 'VAT 15%'}


# orders ------------------------------------------------------------------

def test_order_mismatches():
    links = [
        health.OrderLinkFact(1, 'INV/1', 7, 'SO007', 'PO-1', 'PO-1', 3, 3),
        health.OrderLinkFact(2, 'INV/2', 8, 'SO008', 'PO-X', 'PO-2', 3, 4),
        health.OrderLinkFact(3, 'INV/3', 9, 'SO009', 'PO-3, PO-4', 'PO-4',
                             3, 3),
    ]
    prices = [health.PriceFact(1, 11, 'Widget', 'SO007', 10.001, 10.0, 2),
              health.PriceFact(2, 21, 'Widget', 'SO008', 10.5, 10.0, 2)]
    drafts = [health.DraftFact(5, 'SO010', datetime(2031, 3, 27, 12)),
              health.DraftFact(6, 'SO011', datetime(2031, 3, 28, 12))]
    found = health.order_mismatches(links, prices, drafts, AS_OF, 3)
    assert [(f.res_id, f.key) for f in found] == [
        (2, 'ref-8'), (2, 'partner-8'), (2, 'price-21'), (5, 'draft')]
    assert found[2].params['invoiced'] == '10.50'
    assert found[3].params['days'] == 4


# sending and fees --------------------------------------------------------

def test_never_sent_after_the_limit_in_days():
    validated = datetime(2031, 3, 11, 9)
    facts = [health.SentFact(1, 'INV/1', validated, False),
             health.SentFact(2, 'INV/2', validated, True),
             health.SentFact(3, 'INV/3', datetime(2031, 3, 29, 9), False)]
    [found] = health.never_sent(facts, AS_OF, 3)
    assert found.res_id == 1
    assert found.params == {'number': 'INV/1', 'days': 20,
                            'validated': '2031-03-11', 'limit': 3}


def test_fee_inconsistencies():
    charges = [
        health.FeeChargeFact(1, 10, 'INV/10', 'open', 'INV/1',
                             date(2031, 3, 1), date(2031, 3, 5)),
        health.FeeChargeFact(2, 20, 'INV/20', 'cancel', 'INV/2',
                             date(2031, 3, 1), date(2031, 3, 5)),
        health.FeeChargeFact(3, 30, 'INV/30', 'open', 'INV/3',
                             date(2031, 3, 5), date(2031, 3, 5)),
    ]
    reminders = [
        health.ReminderFact(4, 'INV/4', 'First', True, False, True, None,
                            False, False),
        health.ReminderFact(5, 'INV/5', 'First', True, True, True, 50,
                            True, True),
    ]
    found = health.fee_inconsistencies(charges, reminders)
    assert [(f.res_model, f.res_id, f.key) for f in found] == [
        ('account.invoice', 10, 'paid-before-1'),
        ('payment.reminder.log', 4, 'missing-email-fee')]


# accuracy ----------------------------------------------------------------

def test_accuracy_by_month():
    invoices = [(1, date(2031, 1, 5)), (2, date(2031, 1, 20)),
                (3, date(2031, 1, 31)), (4, date(2031, 2, 1))]
    result = health.accuracy(invoices, {2, 99})
    assert result['total'] == 4
    assert result['clean'] == 3
    assert result['accuracy'] == Decimal('0.7500')
    assert result['by_month'] == [
        ('2031-01', 3, 2, Decimal('0.6667')),
        ('2031-02', 1, 1, Decimal('1.0000'))]
    assert health.accuracy([], [])['accuracy'] is None


@given(st.lists(st.tuples(st.dates(min_value=date(2030, 1, 1),
                                   max_value=date(2031, 12, 31)),
                          st.booleans()), max_size=50))
def test_accuracy_counts_add_up(rows):
    invoices = [(i, day) for i, (day, _flag) in enumerate(rows)]
    flagged = [i for i, (_day, flag) in enumerate(rows) if flag]
    result = health.accuracy(invoices, flagged)
    assert result['total'] == len(rows)
    assert result['clean'] == len(rows) - len(flagged)
    assert sum(month[1] for month in result['by_month']) == len(rows)
    assert sum(month[2] for month in result['by_month']) == result['clean']
    for _month, total, clean, share in result['by_month']:
        assert Decimal(0) <= share <= Decimal(1)
        assert abs(share - Decimal(clean) / Decimal(total)) <= Decimal(
            '0.00005')


@given(st.text(alphabet='INV/-2031', max_size=10).map(lambda p: p + '/'),
       st.integers(min_value=0, max_value=10 ** 9),
       st.integers(min_value=1, max_value=8),
       st.text(alphabet='ABC/-', max_size=4))
def test_split_number_reads_what_format_number_writes(prefix, value, width,
                                                      suffix):
    formatted = health.format_number(prefix, value, width, suffix)
    assert health.split_number(formatted) == (
        prefix, value, max(width, len(str(value))), suffix)
