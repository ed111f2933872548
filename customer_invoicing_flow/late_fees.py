# -*- coding: utf-8 -*-
"""Late-payment arithmetic for one customer invoice, as plain Python.

No ORM here: every input is explicit (the policy terms, the invoice facts, the
``as_of`` date, the currency rounding quantum) and nothing looks at "today".
Money is :class:`decimal.Decimal`; ints, strs and floats are accepted and
converted (floats through ``str()``, so ``0.1`` means ``Decimal('0.1')``).
Dates are :class:`datetime.date` or ISO strings (the Odoo 11 field format).

The rules
---------
A policy (:class:`PolicyTerms`) has ``grace_days`` (>= 0), ``fee_fixed``
(>= 0), ``fee_percent`` (0..100, of the open balance on the day of the first
charge), ``interest_rate`` (annual %, simple, actual/365), ``interest_start``
(``'due'``: from the day after the due date, or ``'grace_end'``: from the day
after the grace period), ``fee_min`` (the first charge is at least this when a
fee is charged at all), ``fee_max`` (cap on the total of all the fees charged
for one invoice, 0 = no cap) and ``charge_min`` (no charge is ever made below
this amount: the amount waits for a later charge; 0 = every amount is
charged). Every amount is already in the invoice currency.

The ranges and the coherence of the terms live here once, in
:func:`terms_problems` and :func:`stage_problems`: :class:`PolicyTerms`
refuses what they report, and the ORM's constraints call them and translate
each :class:`Problem`. Bounds: ``grace_days`` 0..365, ``fee_percent`` and
``interest_rate`` 0..100, amounts >= 0, and when a cap is set, neither the
fixed fee, the minimum first charge nor the minimum per charge above it.
Stages: day offsets -365..3650, each on its own day within a policy, a
fee-charging stage after the grace period (offset > grace_days) and a
credit-hold stage after the due date (offset >= 1).

The invoice (:class:`InvoiceFacts`) has its amount, its due date, the dated
payments and credit notes reconciled with it (order does not matter, several on
one day are fine), hold periods (inclusive ``(start, end)``, ``end`` None =
still on hold) and the fees already charged (the first of which carried the
fixed and percent parts).

:func:`evaluate` answers, at the end of ``as_of``:

* ``state``: ``'paid'`` if the open balance (payments dated <= as_of) is <= 0;
  else ``'on_hold'`` if as_of lies in a hold; else ``'not_due'`` if as_of <= due
  date; ``'in_grace'`` if as_of <= due + grace_days; else ``'late'``.
* interest accrues day by day on the balance open at the END of the day (a
  payment dated d stops day d's interest on the paid part), from the start day
  (due + 1, or grace_end + 1) -- but after a previous charge only from the day
  after that charge -- through as_of inclusive. Held days accrue nothing.
  Daily interest is ``balance * rate / 100 / 365``, exact, computed per segment
  of constant balance (``days * balance * rate / 36500``). Fees bear no
  interest: the balance is the invoice's only. Under a reference rate
  (``PolicyTerms.interest_rates``, see ``interest_rates.py``) the segments
  are also cut where the rate changes (:class:`RateSegment`: each with its
  rate, reference and margin), the sum still divided and rounded once; a
  day without a known rate raises ``interest_rates.RateUnknown``.
* the charge: first charge = ``fee_fixed + fee_percent % of the open balance +
  interest``, raised to ``fee_min`` when it is > 0 and below it; later charges
  = the interest since the previous charge only. Then the cap: with
  ``fee_max > 0`` the charge is cut so that previous charges + it <= fee_max
  (never below 0). Then it is rounded ONCE, half-up (away from zero, like
  Odoo's ``float_round``) to a multiple of the rounding quantum.
* the charge is due now only when the state is ``'late'``; ``accrued`` is the
  same computation whatever the state (for display).

Choices where the rules are silent (kept in one place so the ORM agrees):

* charges dated after ``as_of`` are ignored, like payments dated after it: the
  result is the invoice as it stood at the end of ``as_of``. A charge dated
  ``as_of`` itself makes the charge due now 0 (running twice a day is harmless).
* an overpaid balance accrues no (negative) interest: balances below 0 count 0.
* when the cap is not a multiple of the quantum (a converted company amount),
  a charge whose half-up rounding would pass the cap is rounded down instead.
* :func:`preview` records a simulated charge only when it is > 0, as the ORM
  writes no zero fee: the next charge then still carries what was skipped.
* the minimum per charge holds without exception, the last charge under the
  cap included: when the cap leaves less room than ``charge_min``, that rest
  is never charged (the customer never gets a trivial invoice).
"""
import datetime
import decimal
from dataclasses import dataclass, fields, is_dataclass, replace
from decimal import Decimal
from typing import Any, Dict, Iterable, List, Optional, Tuple, Union

__all__ = [
    'PolicyTerms', 'InvoiceFacts', 'Segment', 'RateSegment', 'Breakdown',
    'Evaluation',
    'Problem', 'Timeline', 'evaluate', 'preview', 'timeline',
    'terms_problems', 'stage_problems', 'round_money', 'to_decimal',
    'to_date', 'INTEREST_FROM_DUE', 'INTEREST_FROM_GRACE_END', 'STATES',
    'STATE_SELECTION',
    'GRACE_DAYS_MAX', 'PERCENT_MAX', 'DAY_OFFSET_MIN', 'DAY_OFFSET_MAX',
]

Money = Union[Decimal, int, float, str]
DateLike = Union[datetime.date, str]

INTEREST_FROM_DUE = 'due'
INTEREST_FROM_GRACE_END = 'grace_end'
# The state of an invoice at the end of a day, with its label, in the
# order the status shows them. "Late" is past the grace period and not on
# hold; "overdue" (Odoo's word, the collections analysis's) is past the due
# date, whatever the grace period: the two meanings keep their two names.
STATE_SELECTION = (
    ('not_due', 'Not due'),
    ('in_grace', 'In grace period'),
    ('late', 'Late'),
    ('paid', 'Paid'),
    ('on_hold', 'On hold'),
)
STATES = tuple(state for state, _label in STATE_SELECTION)

ZERO = Decimal('0')
HUNDRED = Decimal('100')

# The bounds of the terms (see terms_problems and stage_problems)
GRACE_DAYS_MAX = 365
PERCENT_MAX = HUNDRED          # fee_percent and interest_rate, in %
DAY_OFFSET_MIN = -365
DAY_OFFSET_MAX = 3650
AMOUNT_FIELDS = ('fee_fixed', 'fee_min', 'fee_max', 'charge_min')
PERCENT_FIELDS = ('fee_percent', 'interest_rate')
DAYS_A_YEAR_PERCENT = Decimal('36500')
ONE_DAY = datetime.timedelta(days=1)

# Our own context, so that a caller who changed the thread's decimal context
# (precision, traps) cannot change the results.
_CONTEXT = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN)


# --------------------------------------------------------------------------
# Conversions and rounding
# --------------------------------------------------------------------------

def to_decimal(value: Money, name: str = 'amount') -> Decimal:
    """Return ``value`` as a finite Decimal (floats through ``str()``)."""
    if isinstance(value, bool) or value is None:
        raise ValueError('%s: %r is not an amount' % (name, value))
    if isinstance(value, float):
        value = str(value)
    if isinstance(value, str):
        value = value.strip()
    if not isinstance(value, (Decimal, int, str)):
        raise ValueError('%s: %r is not an amount' % (name, value))
    try:
        result = Decimal(value)
    except decimal.InvalidOperation:
        raise ValueError('%s: %r is not an amount' % (name, value))
    if not result.is_finite():
        raise ValueError('%s: %r is not a finite amount' % (name, value))
    return result


def to_date(value: DateLike, name: str = 'date') -> datetime.date:
    """Return ``value`` as a date (a datetime loses its time)."""
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


def _quantum(rounding: Money) -> Decimal:
    quantum = to_decimal(rounding, 'rounding')
    if quantum <= 0:
        raise ValueError('rounding: %r must be > 0' % (rounding,))
    return quantum


def _round(value: Decimal, quantum: Decimal, mode: str) -> Decimal:
    with decimal.localcontext(_CONTEXT):
        units = (value / quantum).quantize(Decimal('1'), rounding=mode)
        result = units * quantum
    return abs(result) if result == 0 else result  # no "-0.00"


def round_money(value: Money, rounding: Money) -> Decimal:
    """Round half-up (ties away from zero) to a multiple of ``rounding``.

    >>> round_money('2.345', '0.01'), round_money('12.025', '0.05')
    (Decimal('2.35'), Decimal('12.05'))
    """
    return _round(to_decimal(value, 'value'), _quantum(rounding),
                  decimal.ROUND_HALF_UP)


# --------------------------------------------------------------------------
# Validation: each rule once, for the engine and for the ORM's constraints
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    """One rule broken by policy terms or stages.

    ``code`` names the rule: ``'not_integer'``, ``'negative'``,
    ``'above_max'`` (``limit`` is the bound), ``'interest_start'``,
    ``'above_cap'`` (``limit`` is the cap), ``'offset_range'`` (``limit``
    is the ``(low, high)`` pair), ``'duplicate_offset'``,
    ``'fee_in_grace'`` (``limit`` is the grace days) and
    ``'hold_before_due'``. ``field`` is the field
    at fault, ``value`` its value, ``stages`` the keys of the stages
    concerned. ``str()`` gives an English sentence for programmers; the ORM
    writes its own translated message from these facts.
    """
    code: str
    field: str
    value: Any = None
    limit: Any = None
    stages: Tuple[Any, ...] = ()

    def __str__(self):
        if self.code == 'not_integer':
            return '%s: %r must be an integer' % (self.field, self.value)
        if self.code == 'negative':
            return '%s: %s must be >= 0' % (self.field, self.value)
        if self.code == 'above_max':
            return '%s: %s must be <= %s' % (
                self.field, self.value, self.limit)
        if self.code == 'interest_start':
            return 'interest_start: %r must be %r or %r' % (
                self.value, INTEREST_FROM_DUE, INTEREST_FROM_GRACE_END)
        if self.code == 'above_cap':
            return '%s: %s is above the cap fee_max %s' % (
                self.field, self.value, self.limit)
        if self.code == 'offset_range':
            return 'day_offset: %s of stage %r must lie in %s..%s' % (
                self.value, self.stages[0], self.limit[0], self.limit[1])
        if self.code == 'duplicate_offset':
            return 'day_offset: stages %s are all on day %s' % (
                ', '.join(repr(stage) for stage in self.stages), self.value)
        if self.code == 'fee_in_grace':
            return ('day_offset: stage %r charges a fee on day %s, within '
                    'the grace period of %s days' % (
                        self.stages[0], self.value, self.limit))
        if self.code == 'hold_before_due':
            return ('day_offset: stage %r puts the customer on credit hold '
                    'on day %s, before the invoice is overdue' % (
                        self.stages[0], self.value))
        return '%s: %r (%s)' % (self.field, self.value, self.code)


def terms_problems(grace_days: int = 0, fee_fixed: Money = ZERO,
                   fee_percent: Money = ZERO, interest_rate: Money = ZERO,
                   interest_start: str = INTEREST_FROM_DUE,
                   fee_min: Money = ZERO, fee_max: Money = ZERO,
                   charge_min: Money = ZERO) -> Tuple[Problem, ...]:
    """Every rule the terms break, in field order (empty: the terms hold).

    Raises ValueError only for a value that is no amount at all.
    """
    problems = []
    if isinstance(grace_days, bool) or not isinstance(grace_days, int):
        problems.append(Problem('not_integer', 'grace_days', grace_days))
    elif grace_days < 0:
        problems.append(Problem('negative', 'grace_days', grace_days))
    elif grace_days > GRACE_DAYS_MAX:
        problems.append(Problem('above_max', 'grace_days', grace_days,
                                GRACE_DAYS_MAX))
    values = {'fee_fixed': fee_fixed, 'fee_percent': fee_percent,
              'interest_rate': interest_rate, 'fee_min': fee_min,
              'fee_max': fee_max, 'charge_min': charge_min}
    values = {name: to_decimal(value, name) for name, value in values.items()}
    for name in ('fee_fixed', 'fee_percent', 'interest_rate', 'fee_min',
                 'fee_max', 'charge_min'):
        if values[name] < 0:
            problems.append(Problem('negative', name, values[name]))
        elif name in PERCENT_FIELDS and values[name] > PERCENT_MAX:
            problems.append(Problem('above_max', name, values[name],
                                    PERCENT_MAX))
    if interest_start not in (INTEREST_FROM_DUE, INTEREST_FROM_GRACE_END):
        problems.append(Problem('interest_start', 'interest_start',
                                interest_start))
    cap = values['fee_max']
    if cap > 0:
        for name in ('fee_fixed', 'fee_min', 'charge_min'):
            if values[name] > cap:
                problems.append(Problem('above_cap', name, values[name], cap))
    return tuple(problems)


def stage_problems(grace_days: int, stages: Iterable[Tuple[Any, ...]]
                   ) -> Tuple[Problem, ...]:
    """Every rule broken by the stages of one policy.

    ``stages``: ``(key, day_offset, charge_fee[, credit_hold])`` tuples,
    ``key`` being whatever names the stage for the caller (its name, its
    record). A fee-charging stage lies after the grace period, a
    credit-hold stage after the due date (day 1 or later).
    """
    problems = []
    by_offset = {}
    for key, offset, charge_fee, *rest in stages:
        credit_hold = bool(rest and rest[0])
        if isinstance(offset, bool) or not isinstance(offset, int):
            problems.append(Problem('not_integer', 'day_offset', offset,
                                    stages=(key,)))
            continue
        by_offset.setdefault(offset, []).append(key)
        if not DAY_OFFSET_MIN <= offset <= DAY_OFFSET_MAX:
            problems.append(Problem('offset_range', 'day_offset', offset,
                                    (DAY_OFFSET_MIN, DAY_OFFSET_MAX),
                                    (key,)))
        if charge_fee and offset <= grace_days:
            problems.append(Problem('fee_in_grace', 'day_offset', offset,
                                    grace_days, (key,)))
        if credit_hold and offset <= 0:
            problems.append(Problem('hold_before_due', 'day_offset', offset,
                                    stages=(key,)))
    for offset, keys in sorted(by_offset.items()):
        if len(keys) > 1:
            problems.append(Problem('duplicate_offset', 'day_offset', offset,
                                    stages=tuple(keys)))
    return tuple(problems)


# --------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class PolicyTerms:
    """The late-payment terms of a policy, amounts in the invoice currency.

    Refuses terms that break a rule of :func:`terms_problems` (ValueError).
    """
    grace_days: int = 0
    fee_fixed: Decimal = ZERO
    fee_percent: Decimal = ZERO
    interest_rate: Decimal = ZERO
    interest_start: str = INTEREST_FROM_DUE
    fee_min: Decimal = ZERO
    fee_max: Decimal = ZERO
    charge_min: Decimal = ZERO
    # None: interest at interest_rate; else the rate per period of a
    # reference rate (interest_rates.ReferenceInterest: its periods(first,
    # last) and rate_on(day)), interest_rate then unused
    interest_rates: Any = None

    def __post_init__(self):
        problems = terms_problems(**{f.name: getattr(self, f.name)
                                     for f in fields(self)
                                     if f.name != 'interest_rates'})
        if problems:
            raise ValueError('; '.join(str(problem) for problem in problems))
        for name in AMOUNT_FIELDS + PERCENT_FIELDS:
            object.__setattr__(self, name,
                               to_decimal(getattr(self, name), name))


@dataclass(frozen=True)
class InvoiceFacts:
    """What happened to one invoice; the lists are stored sorted, as tuples.

    ``payments`` and ``charges`` are ``(date, amount)`` pairs (amounts >= 0,
    credit notes count as payments); ``holds`` are ``(start, end)`` inclusive,
    ``end`` None while the hold lasts.
    """
    amount: Decimal
    due_date: datetime.date
    payments: Tuple[Tuple[datetime.date, Decimal], ...] = ()
    holds: Tuple[Tuple[datetime.date, Optional[datetime.date]], ...] = ()
    charges: Tuple[Tuple[datetime.date, Decimal], ...] = ()

    def __post_init__(self):
        amount = to_decimal(self.amount, 'amount')
        if amount < 0:
            raise ValueError('amount: %s must be >= 0' % amount)
        object.__setattr__(self, 'amount', amount)
        object.__setattr__(self, 'due_date', to_date(self.due_date, 'due_date'))
        object.__setattr__(self, 'payments', _dated_amounts(self.payments, 'payment'))
        object.__setattr__(self, 'charges', _dated_amounts(self.charges, 'charge'))
        holds = []
        for start, end in self.holds:
            start = to_date(start, 'hold start')
            end = None if end is None else to_date(end, 'hold end')
            if end is not None and end < start:
                raise ValueError('hold: end %s is before start %s' % (end, start))
            holds.append((start, end))
        holds.sort(key=lambda hold: (hold[0], hold[1] or datetime.date.max))
        object.__setattr__(self, 'holds', tuple(holds))

    def balance_at(self, day: datetime.date) -> Decimal:
        """Open balance at the end of ``day`` (payments dated <= day count)."""
        return self.amount - sum((amount for date, amount in self.payments
                                  if date <= day), ZERO)

    def on_hold(self, day: datetime.date) -> bool:
        return any(start <= day and (end is None or day <= end)
                   for start, end in self.holds)

    def with_charge(self, date: DateLike, amount: Money) -> 'InvoiceFacts':
        """A copy with one more previous charge."""
        return replace(self, charges=self.charges + ((date, amount),))


def _dated_amounts(pairs: Iterable[Tuple[DateLike, Money]],
                   what: str) -> Tuple[Tuple[datetime.date, Decimal], ...]:
    result = []
    for date, amount in pairs:
        amount = to_decimal(amount, what + ' amount')
        if amount < 0:
            raise ValueError('%s amount: %s must be >= 0' % (what, amount))
        result.append((to_date(date, what + ' date'), amount))
    return tuple(sorted(result))


# --------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    """JSON-ready copy: dates as ISO strings, Decimals as strings."""
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class _AsDict(object):
    def as_dict(self) -> Dict[str, Any]:
        return _plain(self)


@dataclass(frozen=True)
class Segment(_AsDict):
    """Days ``start``..``end`` (inclusive) at one open balance, none on hold."""
    start: datetime.date
    end: datetime.date
    days: int
    balance: Decimal
    interest: Decimal  # days * balance * rate / 36500, unrounded


@dataclass(frozen=True)
class RateSegment(Segment):
    """A segment under a reference rate: one balance and one annual
    ``rate`` = ``reference`` + ``margin`` (``projected``: the reference's
    last known value standing in for one not published yet)."""
    rate: Decimal = ZERO
    reference: Decimal = ZERO
    margin: Decimal = ZERO
    fixed_on: Optional[datetime.date] = None
    projected: bool = False


@dataclass(frozen=True)
class Breakdown(_AsDict):
    """Every figure behind a charge, to audit it and to explain it."""
    first_charge: bool           # no previous charge: fixed + percent apply
    previous_charges: Decimal    # total of the charges dated <= as_of
    last_charge_date: Optional[datetime.date]
    interest_from: Optional[datetime.date]  # None when the period is empty
    interest_to: Optional[datetime.date]
    interest_days: int           # days that accrued (holds excluded)
    hold_days: int               # days of the period excluded for holds
    rate: Decimal                # annual %
    segments: Tuple[Segment, ...]
    fixed_part: Decimal
    percent: Decimal
    percent_base: Decimal        # open balance at the end of as_of (>= 0)
    percent_part: Decimal
    interest_part: Decimal       # exact, from the summed segments
    subtotal: Decimal            # fixed + percent + interest
    minimum: Decimal
    minimum_applied: bool
    cap: Decimal                 # 0 = no cap
    cap_applied: bool
    cap_reduction: Decimal       # how much the cap took off (before rounding)
    unrounded: Decimal
    rounding: Decimal
    rounded: Decimal             # == Evaluation.accrued
    charge_minimum: Decimal      # minimum per charge, 0 = none
    below_charge_minimum: bool   # 0 < rounded < charge_minimum: it waits


@dataclass(frozen=True)
class Evaluation(_AsDict):
    as_of: datetime.date
    state: str                   # one of STATES
    due_date: datetime.date
    grace_end: datetime.date
    days_late: int
    open_balance: Decimal        # at the end of as_of (< 0 when overpaid)
    accrued: Decimal             # built up since the last charge (rounded),
    #                              whatever the state and the minimum
    charge: Decimal              # due now: accrued when late and not below
    #                              the minimum per charge, else 0
    breakdown: Breakdown


# --------------------------------------------------------------------------
# The computation
# --------------------------------------------------------------------------

def _state(terms: PolicyTerms, facts: InvoiceFacts, as_of: datetime.date,
           balance: Decimal) -> str:
    if balance <= 0:
        return 'paid'
    if facts.on_hold(as_of):
        return 'on_hold'
    if as_of <= facts.due_date:
        return 'not_due'
    if as_of <= facts.due_date + datetime.timedelta(days=terms.grace_days):
        return 'in_grace'
    return 'late'


def _segments(facts: InvoiceFacts, first: datetime.date, last: datetime.date,
              rate: Decimal, rates: Any = None
              ) -> Tuple[List[Segment], int, Decimal]:
    """Segments of constant balance over first..last, held days, exact interest.

    The balance only changes on payment days and accrual only stops or resumes
    on hold boundaries, so cutting the period there leaves pieces that are
    each entirely held or entirely at one balance.
    """
    if first > last:
        return [], 0, ZERO
    cuts = {first, last + ONE_DAY}
    cuts.update(date for date, _amount in facts.payments if first < date <= last)
    for start, end in facts.holds:
        if first < start <= last:
            cuts.add(start)
        if end is not None and first <= end < last:
            cuts.add(end + ONE_DAY)
    cuts = sorted(cuts)
    pieces = []  # [start, end, balance]
    hold_days = 0
    for start, following in zip(cuts, cuts[1:]):
        end = following - ONE_DAY
        if facts.on_hold(start):
            hold_days += (following - start).days
            continue
        balance = max(facts.balance_at(start), ZERO)
        if pieces and pieces[-1][1] + ONE_DAY == start and pieces[-1][2] == balance:
            pieces[-1][1] = end
        else:
            pieces.append([start, end, balance])
    if rates is not None:
        segments, interest = _rate_segments(pieces, rates)
        return segments, hold_days, interest
    with decimal.localcontext(_CONTEXT):
        segments = []
        balance_days = ZERO  # sum of days * balance, exact
        for start, end, balance in pieces:
            days = (end - start).days + 1
            balance_days += days * balance
            segments.append(Segment(start, end, days, balance,
                                    days * balance * rate / DAYS_A_YEAR_PERCENT))
        interest = balance_days * rate / DAYS_A_YEAR_PERCENT
    return segments, hold_days, interest


def _rate_segments(pieces: List[list], rates: Any
                   ) -> Tuple[List[Segment], Decimal]:
    """The pieces of constant balance cut where the reference rate
    changes; interest summed exactly, divided once. A piece at balance 0
    needs no rate (it bears none whatever the rate)."""
    segments = []
    with decimal.localcontext(_CONTEXT):
        total = ZERO  # sum of days * balance * rate, exact
        for start, end, balance in pieces:
            if balance == 0:
                segments.append(Segment(start, end, (end - start).days + 1,
                                        balance, ZERO))
                continue
            for period in rates.periods(start, end):
                days = (period.end - period.start).days + 1
                total += days * balance * period.rate
                segments.append(RateSegment(
                    period.start, period.end, days, balance,
                    days * balance * period.rate / DAYS_A_YEAR_PERCENT,
                    period.rate, period.reference, period.margin,
                    period.fixed_on, period.projected))
        interest = total / DAYS_A_YEAR_PERCENT
    return segments, interest


def _interest_start(terms: PolicyTerms, due: datetime.date,
                    grace_end: datetime.date,
                    last_charge: Optional[datetime.date]) -> datetime.date:
    """The first day bearing interest: the day after the due date or after
    the grace period, but after a previous charge only the day after it."""
    first = (grace_end if terms.interest_start == INTEREST_FROM_GRACE_END
             else due) + ONE_DAY
    if last_charge is not None:
        first = max(first, last_charge + ONE_DAY)
    return first


def _charge_parts(terms: PolicyTerms, balance: Decimal, previous: Decimal,
                  first_charge: bool, interest: Decimal,
                  quantum: Decimal) -> Dict[str, Any]:
    """The charge from its parts (the :class:`Breakdown` fields they set):
    fixed and percent on the first charge only, plus interest; raised to
    the minimum first charge, cut to the cap, rounded once, and whether
    it is below the minimum per charge."""
    with decimal.localcontext(_CONTEXT):
        fixed = terms.fee_fixed if first_charge else ZERO
        percent_base = max(balance, ZERO) if first_charge else ZERO
        percent_part = percent_base * terms.fee_percent / HUNDRED
        subtotal = fixed + percent_part + interest
        total = subtotal
        minimum_applied = first_charge and ZERO < total < terms.fee_min
        if minimum_applied:
            total = terms.fee_min
        cap_applied = False
        cap_reduction = ZERO
        room = None
        if terms.fee_max > 0:
            room = max(terms.fee_max - previous, ZERO)
            if total > room:
                cap_applied = True
                cap_reduction = total - room
                total = room
        rounded = _round(total, quantum, decimal.ROUND_HALF_UP)
        if room is not None and rounded > room:
            rounded = _round(room, quantum, decimal.ROUND_DOWN)
        below_charge_minimum = ZERO < rounded < terms.charge_min
    return dict(
        fixed_part=fixed, percent_base=percent_base,
        percent_part=percent_part, subtotal=subtotal,
        minimum_applied=minimum_applied, cap_applied=cap_applied,
        cap_reduction=cap_reduction, unrounded=total, rounded=rounded,
        below_charge_minimum=below_charge_minimum)


def evaluate(terms: PolicyTerms, facts: InvoiceFacts, as_of: DateLike,
             rounding: Money) -> Evaluation:
    """The state of ``facts`` at the end of ``as_of`` and the fee due then."""
    as_of = to_date(as_of, 'as_of')
    quantum = _quantum(rounding)
    due = facts.due_date
    grace_end = due + datetime.timedelta(days=terms.grace_days)
    balance = facts.balance_at(as_of)
    state = _state(terms, facts, as_of, balance)

    charges = [(date, amount) for date, amount in facts.charges if date <= as_of]
    previous = sum((amount for _date, amount in charges), ZERO)
    last_charge = charges[-1][0] if charges else None
    first = _interest_start(terms, due, grace_end, last_charge)
    segments, hold_days, interest = _segments(facts, first, as_of,
                                              terms.interest_rate,
                                              terms.interest_rates)
    parts = _charge_parts(terms, balance, previous, not charges, interest,
                          quantum)
    breakdown = Breakdown(
        first_charge=not charges,
        previous_charges=previous,
        last_charge_date=last_charge,
        interest_from=first if first <= as_of else None,
        interest_to=as_of if first <= as_of else None,
        interest_days=sum(segment.days for segment in segments),
        hold_days=hold_days,
        rate=_last_rate(terms, segments),
        segments=tuple(segments),
        percent=terms.fee_percent,
        interest_part=interest,
        minimum=terms.fee_min,
        cap=terms.fee_max,
        rounding=quantum,
        charge_minimum=terms.charge_min,
        **parts)
    rounded = parts['rounded']
    return Evaluation(
        as_of=as_of,
        state=state,
        due_date=due,
        grace_end=grace_end,
        days_late=max((as_of - due).days, 0),
        open_balance=balance,
        accrued=rounded,
        charge=rounded if state == 'late'
        and not parts['below_charge_minimum'] else ZERO.quantize(quantum),
        breakdown=breakdown,
    )


def _last_rate(terms: PolicyTerms, segments: List[Segment]) -> Decimal:
    """The annual rate: the policy's, or under a reference rate that of
    the last segment bearing one (0 when none did)."""
    if terms.interest_rates is None:
        return terms.interest_rate
    rated = [segment for segment in segments
             if isinstance(segment, RateSegment)]
    return rated[-1].rate if rated else ZERO


def preview(terms: PolicyTerms, facts: InvoiceFacts, dates: Iterable[DateLike],
            rounding: Money) -> Tuple[Evaluation, ...]:
    """Simulate charging at each of ``dates`` (ascending), nothing more paid.

    Each simulated charge > 0 becomes a previous charge for the next date.
    Returns one :class:`Evaluation` per date, in date order; ``.charge`` is
    that date's charge.
    """
    results = []
    for as_of in sorted(to_date(date, 'preview date') for date in dates):
        result = evaluate(terms, facts, as_of, rounding)
        if result.charge > 0:
            facts = facts.with_charge(as_of, result.charge)
        results.append(result)
    return tuple(results)


@dataclass(frozen=True)
class Timeline(_AsDict):
    """What is left to charge on an invoice, nothing more paid.

    ``now``: the evaluation at ``as_of``; ``stages``: the simulated charges
    at the remaining stage dates (after ``as_of``, in order); ``last_date``:
    the last of those dates, or ``as_of``. After it: ``cap_reached`` (the
    cap leaves no room a charge could use: nothing will ever be charged
    again), else ``daily_interest``, the interest each further day adds
    on ``balance``, the balance open then (0 when paid, on hold then, or
    no interest).
    """
    as_of: datetime.date
    now: Evaluation
    stages: Tuple[Evaluation, ...]
    last_date: datetime.date
    cap_reached: bool
    balance: Decimal
    daily_interest: Decimal


def timeline(terms: PolicyTerms, facts: InvoiceFacts, as_of: DateLike,
             stage_dates: Iterable[DateLike], rounding: Money) -> Timeline:
    """The charges still to come at ``stage_dates`` (those after ``as_of``)
    and what keeps accruing after the last of them."""
    as_of = to_date(as_of, 'as_of')
    now = evaluate(terms, facts, as_of, rounding)
    dates = sorted({day for day in (to_date(date, 'stage date')
                                    for date in stage_dates) if day > as_of})
    stages = preview(terms, facts, dates, rounding)
    simulated = facts
    for result in stages:
        if result.charge > 0:
            simulated = simulated.with_charge(result.as_of, result.charge)
    last = dates[-1] if dates else as_of
    cap_reached = False
    if terms.fee_max > 0:
        charged = sum((amount for _date, amount in simulated.charges
                       if _date <= last), ZERO)
        room = terms.fee_max - charged
        cap_reached = room <= 0 or room < terms.charge_min
    balance = simulated.balance_at(last)
    daily = ZERO
    if not cap_reached and balance > 0 and not simulated.on_hold(last):
        rate = terms.interest_rate if terms.interest_rates is None \
            else terms.interest_rates.rate_on(last + ONE_DAY).rate
        with decimal.localcontext(_CONTEXT):
            daily = balance * rate / DAYS_A_YEAR_PERCENT
    return Timeline(as_of=as_of, now=now, stages=stages, last_date=last,
                    cap_reached=cap_reached, balance=max(balance, ZERO),
                    daily_interest=daily)
