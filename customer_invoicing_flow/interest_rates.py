# -*- coding: utf-8 -*-
"""Statutory late-payment interest rates, as plain Python (no ORM).

A reference rate (a central bank's: ECB main refinancing operations,
Bundesbank base rate, Bank of England Bank Rate) is a dated table: each value
``(date_from, rate)`` (annual %, may be negative) is in force from its date
until the next value. The statutory rate of a late payment is that
reference plus a margin (points), fixed by one of three modes:

* ``half_year``: the value in force on the first day of each half-year
  (1 January, 1 July) applies to every day of that half-year (directive
  2011/7/EU, §247/§288 BGB; the UK's "fixed on 31 December and 30 June",
  the same value unless the bank moves on 1 January or 1 July);
* ``daily``: the value in force on each day;
* ``due_date``: the value in force on the due date, for the whole delay.

What the table knows
--------------------
A table is known from its first value through the last day of the
half-year of its last value: a value dated in a half-year confirms the
table for that whole half-year. So a new half-year is unknown until a value
dated in it (or later) is entered, even when the bank did not move (enter
the unchanged value dated the half-year's first day). A day the table does
not know has no rate: :meth:`ReferenceInterest.periods` raises
:class:`RateUnknown`, never a zero and never a guess; only a projection
made on purpose (:meth:`ReferenceInterest.projected`, for forecasts) uses
the last known value, each period marked ``projected``.

Rates below 0 (a negative reference plus a small margin) count as 0: no
interest is owed to the debtor.

:class:`ReferenceInterest` is what ``late_fees.PolicyTerms.interest_rates``
takes: ``late_fees`` cuts its segments of constant balance at the
:class:`RatePeriod` boundaries, so each segment has one balance and one rate.
"""
import datetime
import decimal
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Iterable, Optional, Tuple, Union

__all__ = [
    'RateTable', 'RatePeriod', 'ReferenceInterest', 'RateUnknown',
    'FIXINGS', 'FIXING_HALF_YEAR', 'FIXING_DAILY', 'FIXING_DUE_DATE',
    'half_year_start', 'half_year_end', 'next_half_year', 'table_from_rows',
    'compensation_fee',
]

FIXING_HALF_YEAR = 'half_year'
FIXING_DAILY = 'daily'
FIXING_DUE_DATE = 'due_date'
FIXINGS = (FIXING_HALF_YEAR, FIXING_DAILY, FIXING_DUE_DATE)

ZERO = Decimal('0')
ONE_DAY = datetime.timedelta(days=1)
_CONTEXT = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN)

DateLike = Union[datetime.date, str]


def _date(value: DateLike, name: str = 'date') -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.datetime.strptime(value.strip(), '%Y-%m-%d').date()
        except ValueError as error:
            raise ValueError('%s: %r is not a date' % (name, value)) from error
    raise ValueError('%s: %r is not a date' % (name, value))


def _decimal(value, name: str) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise ValueError('%s: %r is not a rate' % (name, value))
    if isinstance(value, float):
        value = str(value)
    try:
        result = Decimal(value)
    except (decimal.InvalidOperation, TypeError):
        raise ValueError('%s: %r is not a rate' % (name, value))
    if not result.is_finite():
        raise ValueError('%s: %r is not a finite rate' % (name, value))
    return result


def half_year_start(day: datetime.date) -> datetime.date:
    """1 January or 1 July of ``day``'s half-year."""
    return datetime.date(day.year, 1 if day.month <= 6 else 7, 1)


def next_half_year(day: datetime.date) -> datetime.date:
    """The first day of the half-year after ``day``'s."""
    if day.month <= 6:
        return datetime.date(day.year, 7, 1)
    return datetime.date(day.year + 1, 1, 1)


def half_year_end(day: datetime.date) -> datetime.date:
    """30 June or 31 December of ``day``'s half-year."""
    return next_half_year(day) - ONE_DAY


class RateUnknown(ValueError):
    """No value of the reference ``code`` is known for ``day`` (the first
    day of the period needing one; ``fixed_on``: the day whose value the
    fixing mode reads)."""

    def __init__(self, code: str, day: datetime.date,
                 fixed_on: datetime.date, known_from: Optional[datetime.date],
                 known_through: Optional[datetime.date]):
        self.code = code
        self.day = day
        self.fixed_on = fixed_on
        self.known_from = known_from
        self.known_through = known_through
        super(RateUnknown, self).__init__(
            'reference rate %s: no value known for %s (the table covers %s '
            'to %s)' % (code, fixed_on, known_from or '-',
                        known_through or '-'))


@dataclass(frozen=True)
class RateTable:
    """A reference rate's dated values, sorted, one per date."""
    code: str
    values: Tuple[Tuple[datetime.date, Decimal], ...] = ()

    def __post_init__(self):
        values = {}
        for date_from, rate in self.values:
            date_from = _date(date_from, 'date_from')
            if date_from in values:
                raise ValueError('reference rate %s: two values from %s'
                                 % (self.code, date_from))
            values[date_from] = _decimal(rate, 'rate')
        object.__setattr__(self, 'values', tuple(sorted(values.items())))

    @property
    def known_from(self) -> Optional[datetime.date]:
        return self.values[0][0] if self.values else None

    @property
    def known_through(self) -> Optional[datetime.date]:
        """The last day known: the end of the last value's half-year."""
        return half_year_end(self.values[-1][0]) if self.values else None

    def knows(self, day: datetime.date) -> bool:
        return bool(self.values) and \
            self.known_from <= day <= self.known_through

    def value_on(self, day: DateLike, project: bool = False
                 ) -> Tuple[Decimal, bool]:
        """(the value in force on ``day``, projected?). Raises RateUnknown
        for a day the table does not know, unless ``project`` and the day
        is after the table (then the last value, projected)."""
        day = _date(day)
        if not self.knows(day):
            if project and self.values and day > self.known_through:
                return self.values[-1][1], True
            raise RateUnknown(self.code, day, day, self.known_from,
                              self.known_through)
        value = self.values[0][1]
        for date_from, rate in self.values:
            if date_from > day:
                break
            value = rate
        return value, False

    def changes(self, first: datetime.date, last: datetime.date
                ) -> Tuple[datetime.date, ...]:
        """The dates in ``first + 1 .. last`` where a new value starts."""
        return tuple(date_from for date_from, _rate in self.values
                     if first < date_from <= last)


@dataclass(frozen=True)
class RatePeriod:
    """Days ``start``..``end`` at one annual ``rate`` = max(0, reference +
    margin); ``fixed_on``: the day whose reference value applies;
    ``projected``: the table did not know it, the last value stands in."""
    start: datetime.date
    end: datetime.date
    reference: Decimal
    margin: Decimal
    rate: Decimal
    fixed_on: datetime.date
    projected: bool = False


@dataclass(frozen=True)
class ReferenceInterest:
    """Interest at a reference rate plus ``margin`` points, by ``fixing``.

    ``project``: forecast past the table at its last value (periods marked
    ``projected``) instead of raising :class:`RateUnknown`.
    """
    table: RateTable
    margin: Decimal = ZERO
    fixing: str = FIXING_HALF_YEAR
    due_date: Optional[datetime.date] = None
    project: bool = False

    def __post_init__(self):
        if self.fixing not in FIXINGS:
            raise ValueError('fixing: %r must be one of %s'
                             % (self.fixing, ', '.join(FIXINGS)))
        object.__setattr__(self, 'margin', _decimal(self.margin, 'margin'))
        if self.due_date is not None:
            object.__setattr__(self, 'due_date',
                               _date(self.due_date, 'due_date'))
        if self.fixing == FIXING_DUE_DATE and self.due_date is None:
            raise ValueError('fixing %r needs the due date' % self.fixing)

    def projected(self) -> 'ReferenceInterest':
        """The same terms forecasting past the table at its last value."""
        return replace(self, project=True)

    def _fixed_on(self, day: datetime.date) -> datetime.date:
        if self.fixing == FIXING_HALF_YEAR:
            return half_year_start(day)
        if self.fixing == FIXING_DUE_DATE:
            return self.due_date
        return day

    def rate_on(self, day: DateLike) -> RatePeriod:
        """The period of one day: its reference, margin and rate."""
        day = _date(day)
        return self.periods(day, day)[0]

    def periods(self, first: DateLike, last: DateLike
                ) -> Tuple[RatePeriod, ...]:
        """``first``..``last`` cut into periods of one rate, in order.
        Raises :class:`RateUnknown` for the first day without a value
        (unless projecting)."""
        first, last = _date(first, 'first'), _date(last, 'last')
        if first > last:
            return ()
        cuts = {first, last + ONE_DAY}
        if self.fixing == FIXING_HALF_YEAR:
            day = next_half_year(first)
            while day <= last:
                cuts.add(day)
                day = next_half_year(day)
        elif self.fixing == FIXING_DAILY:
            cuts.update(self.table.changes(first, last))
            known = self.table.known_through
            if known is not None and first <= known < last:
                cuts.add(known + ONE_DAY)  # where a projection starts
        cuts = sorted(cuts)
        periods = []
        for start, following in zip(cuts, cuts[1:]):
            fixed_on = self._fixed_on(start)
            try:
                reference, projected = self.table.value_on(
                    fixed_on, self.project)
            except RateUnknown as error:
                raise RateUnknown(self.table.code, start, fixed_on,
                                  error.known_from, error.known_through)
            with decimal.localcontext(_CONTEXT):
                rate = max(reference + self.margin, ZERO)
            period = RatePeriod(start, following - ONE_DAY, reference,
                                self.margin, rate, fixed_on, projected)
            if periods and periods[-1].rate == rate \
                    and periods[-1].reference == reference \
                    and periods[-1].projected == projected:
                periods[-1] = replace(periods[-1], end=period.end)
            else:
                periods.append(period)
        return tuple(periods)

    def describe(self) -> dict:
        """JSON-ready summary (for the stored terms)."""
        return {'code': self.table.code, 'margin': str(self.margin),
                'fixing': self.fixing, 'project': self.project}


def table_from_rows(code: str, rows: Iterable[Tuple[DateLike, object]]
                    ) -> RateTable:
    """A :class:`RateTable` from ``(date_from, rate)`` rows (ISO strings or
    dates, floats through ``str()``)."""
    return RateTable(code, tuple(rows))


def compensation_fee(amount, tiers: Iterable[Tuple[object, object]]
                     ) -> Decimal:
    """The flat compensation for a debt of ``amount``: the fee of the tier
    with the highest ``amount_from`` <= amount (``tiers``: ``(amount_from,
    fee)`` pairs, any order); 0 when no tier applies.

    >>> compensation_fee('999.99', [(0, 40), (1000, 70), (10000, 100)])
    Decimal('40')
    """
    amount = _decimal(amount, 'amount')
    fee = ZERO
    best = None
    for amount_from, tier_fee in tiers:
        amount_from = _decimal(amount_from, 'amount_from')
        if amount_from <= amount and (best is None or amount_from > best):
            best, fee = amount_from, _decimal(tier_fee, 'fee')
    return fee
