# -*- coding: utf-8 -*-
"""The discrepancy guard's checks, as plain Python with no ORM import.

Before an invoice created from deliveries is posted, it is compared with its
sales orders (see ``account.invoice._get_delivery_discrepancies``, which
reads the facts below and writes one translated message per
:class:`Discrepancy`). Each check is a small function with a name; each
returns the discrepancies it finds, empty when the invoice agrees.

Numbers are compared as Odoo's ``float_compare`` does: both sides rounded
half-up (floats through ``str()``) to the precision (a number of digits, or a
rounding quantum for money), then compared. The discrepancies carry the
values as given, so that the messages print them as before.

The checks, in the order of the messages:

* per invoice line and sales order line: :func:`check_price`,
  :func:`check_discount`, :func:`check_taxes` (the invoice's taxes against
  the order line's after its fiscal position), :func:`check_price_changed`
  (the order line was invoiced earlier at another price);
* per sales order line: :func:`check_quantity` (no more invoiced than
  delivered and not yet invoiced, no more credited than invoiced beyond
  what the customer kept);
* per invoice: :func:`check_totals` (the totals match the lines);
* per order: :func:`check_po_reference` (a customer requiring a purchase
  order reference has one on the order).
"""
import decimal
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Tuple

__all__ = [
    'Precision', 'LineFacts', 'QuantityFacts', 'TotalFacts', 'OrderFacts',
    'Discrepancy', 'compare', 'check_price', 'check_discount',
    'check_taxes', 'check_price_changed', 'check_line', 'check_quantity',
    'check_totals', 'check_po_reference', 'discrepancies',
]

_CONTEXT = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_UP)


# --------------------------------------------------------------------------
# Facts
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Precision:
    """Digits of quantities, unit prices and discounts; the currency's
    rounding quantum for the totals."""
    quantity: int = 3
    price: int = 2
    discount: int = 2
    currency: float = 0.01


@dataclass(frozen=True)
class LineFacts:
    """One invoice line against one of its sales order lines."""
    product: str
    price: float
    ordered_price: float
    discount: float
    ordered_discount: float
    # tax ids and names on the invoice line, and expected from the order
    # line (after the order's fiscal position)
    tax_ids: FrozenSet[int] = frozenset()
    tax_names: Tuple[str, ...] = ()
    expected_tax_ids: FrozenSet[int] = frozenset()
    expected_tax_names: Tuple[str, ...] = ()
    # unit prices of the order line on its other, not cancelled invoices
    earlier_prices: Tuple[float, ...] = ()


@dataclass(frozen=True)
class QuantityFacts:
    """One sales order line's quantities, in its unit; signed (credit
    notes count negative)."""
    product: str
    here: float        # on this invoice
    elsewhere: float   # on its other, not cancelled invoices
    reference: float   # ordered (invoiced on order) or delivered


@dataclass(frozen=True)
class TotalFacts:
    """The invoice's totals and what its lines add up to."""
    amount_untaxed: float
    amount_tax: float
    amount_total: float
    lines_untaxed: float
    lines_tax: float


@dataclass(frozen=True)
class OrderFacts:
    name: str
    requires_po_ref: bool
    client_order_ref: Optional[str]


@dataclass(frozen=True)
class Discrepancy:
    """``code`` names the check that failed; ``values`` are the facts its
    message prints (the ORM writes the translated message).

    Codes: ``'price'``, ``'discount'``, ``'taxes'``, ``'price_changed'``,
    ``'over_invoiced'``, ``'over_credited'``, ``'totals'``,
    ``'po_reference'``.
    """
    code: str
    values: Dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------
# Comparing as float_compare does
# --------------------------------------------------------------------------

def _quantum(precision):
    """A number of digits (int) or a rounding quantum (float, Decimal)."""
    if isinstance(precision, int) and not isinstance(precision, bool):
        return Decimal(1).scaleb(-precision)
    quantum = Decimal(str(precision))
    if quantum <= 0:
        raise ValueError('precision: %r must be > 0' % (precision,))
    return quantum


def _rounded(value, quantum):
    with decimal.localcontext(_CONTEXT):
        return (Decimal(str(value)) / quantum).quantize(Decimal(1)) * quantum


def compare(value1, value2, precision):
    """-1, 0 or 1 as ``value1`` is below, equal to or above ``value2`` once
    both are rounded half-up to ``precision`` (digits or quantum)."""
    quantum = _quantum(precision)
    delta = _rounded(value1, quantum) - _rounded(value2, quantum)
    return (delta > 0) - (delta < 0)


# --------------------------------------------------------------------------
# The checks
# --------------------------------------------------------------------------

def check_price(line: LineFacts, precision: Precision) -> List[Discrepancy]:
    """The unit price on the invoice is the order line's."""
    if compare(line.price, line.ordered_price, precision.price):
        return [Discrepancy('price', {
            'product': line.product, 'invoiced': line.price,
            'ordered': line.ordered_price})]
    return []


def check_discount(line: LineFacts, precision: Precision
                   ) -> List[Discrepancy]:
    """The discount on the invoice is the order line's."""
    if compare(line.discount, line.ordered_discount, precision.discount):
        return [Discrepancy('discount', {
            'product': line.product, 'invoiced': line.discount,
            'ordered': line.ordered_discount})]
    return []


def check_taxes(line: LineFacts) -> List[Discrepancy]:
    """The taxes on the invoice are the order line's, after the fiscal
    position."""
    if frozenset(line.tax_ids) != frozenset(line.expected_tax_ids):
        return [Discrepancy('taxes', {
            'product': line.product, 'invoiced': tuple(line.tax_names),
            'ordered': tuple(line.expected_tax_names)})]
    return []


def check_price_changed(line: LineFacts, precision: Precision
                        ) -> List[Discrepancy]:
    """The order line was not invoiced earlier at another unit price."""
    for before in line.earlier_prices:
        if compare(before, line.price, precision.price):
            return [Discrepancy('price_changed', {
                'product': line.product, 'before': before,
                'now': line.price})]
    return []


def check_line(line: LineFacts, precision: Precision) -> List[Discrepancy]:
    """Every check of one invoice line against one order line."""
    return (check_price(line, precision) + check_discount(line, precision)
            + check_taxes(line) + check_price_changed(line, precision))


def check_quantity(qty: QuantityFacts, precision: Precision
                   ) -> List[Discrepancy]:
    """An invoice invoices no more than what is delivered (or ordered) and
    not yet invoiced; a credit note credits no more than what was invoiced
    beyond what the customer kept."""
    left = qty.reference - qty.elsewhere
    if qty.here > 0 and compare(qty.here, left, precision.quantity) > 0:
        return [Discrepancy('over_invoiced', {
            'product': qty.product, 'qty': qty.here, 'left': left})]
    credit_left = qty.elsewhere - qty.reference
    if qty.here < 0 and compare(-qty.here, credit_left,
                                precision.quantity) > 0:
        return [Discrepancy('over_credited', {
            'product': qty.product, 'qty': -qty.here,
            'left': credit_left})]
    return []


def check_totals(totals: TotalFacts, precision: Precision
                 ) -> List[Discrepancy]:
    """The untaxed amount is the lines', the taxes are the lines' taxes and
    the total is their sum."""
    rounding = precision.currency
    if compare(totals.amount_untaxed, totals.lines_untaxed, rounding) \
            or compare(totals.amount_tax, totals.lines_tax, rounding) \
            or compare(totals.amount_total,
                       totals.amount_untaxed + totals.amount_tax, rounding):
        return [Discrepancy('totals', {
            'total': totals.amount_total, 'tax': totals.amount_tax,
            'lines_untaxed': totals.lines_untaxed,
            'lines_tax': totals.lines_tax})]
    return []


def check_po_reference(order: OrderFacts) -> List[Discrepancy]:
    """A customer who requires a purchase order reference has one on the
    order."""
    if order.requires_po_ref and not order.client_order_ref:
        return [Discrepancy('po_reference', {'order': order.name})]
    return []


def discrepancies(lines: Iterable[LineFacts],
                  quantities: Iterable[QuantityFacts],
                  totals: TotalFacts, orders: Iterable[OrderFacts],
                  precision: Precision) -> List[Discrepancy]:
    """Every check, in the order of the messages: the lines, the
    quantities per order line, the totals, the orders."""
    found = []
    for line in lines:
        found += check_line(line, precision)
    for qty in quantities:
        found += check_quantity(qty, precision)
    found += check_totals(totals, precision)
    for order in orders:
        found += check_po_reference(order)
    return found
