# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Invoicing health: the red flags of an invoicing process, plain Python
with no ORM import.

Every check takes plain facts (the named tuples below, as the ORM side
reads them in a few set-based queries per company), an explicit ``as_of``
moment where time matters and the company's thresholds, and returns
:class:`Finding` tuples: the kind, the record concerned (model and id), a
key telling two findings on one record apart, a severity and the
parameters of the message. The translated sentence is built on the ORM
side (``invoicing.health.finding``) from the kind and the parameters.

Invoice numbers are read as ``<prefix><digits><suffix>`` where the digits
are the last run of digits: ``INV/2026/0007`` is prefix ``INV/2026/``,
number 7, width 4. A sequence period is one prefix (and suffix) of one
sequence of one journal: the year of a date-range sequence lives in its
prefix.
"""
import re
from collections import Counter, OrderedDict, defaultdict, namedtuple
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

KINDS = [
    ('numbering_gap', 'Numbering gap'),
    ('numbering_duplicate', 'Duplicate number'),
    ('numbering_date_order', 'Number out of date order'),
    ('delayed_invoicing', 'Delayed invoicing'),
    ('tax_mismatch', 'Tax mismatch'),
    ('order_mismatch', 'Order mismatch'),
    ('never_sent', 'Never sent'),
    ('fee_inconsistent', 'Inconsistent fee or reminder'),
]
SEVERITIES = [('low', 'Low'), ('medium', 'Medium'), ('high', 'High')]

#: at most this many numbers are listed in a gap's message
MAX_LISTED_NUMBERS = 10

Finding = namedtuple(
    'Finding', 'kind res_model res_id key severity params')

#: an invoice number given: ``sequence_key`` tells the sequences of a
#: journal apart (invoices', credit notes' when separate)
NumberFact = namedtuple(
    'NumberFact', 'invoice_id journal_id sequence_key number date state')
#: an order with delivered quantities not invoiced: ``last_done`` is the
#: latest done delivery (datetime), ``pending`` the delivery-invoicing
#: error flag, ``error`` its text
DeliveryFact = namedtuple(
    'DeliveryFact', 'order_id name last_done uninvoiced_lines pending error')
#: a posted invoice line: ``tax_ids`` its taxes, ``product_tax_ids`` its
#: product's sale taxes of the invoice's company mapped through the
#: invoice's fiscal position (None without a product), ``order_tax_ids``
#: the taxes of its order lines (None when not from an order)
TaxLineFact = namedtuple(
    'TaxLineFact',
    'invoice_id line_id name tax_ids product_tax_ids order_tax_ids')
#: a posted invoice's tax amount and the sum of its tax lines
TaxTotalFact = namedtuple(
    'TaxTotalFact', 'invoice_id number amount_tax tax_lines rounding')
#: an invoice and one of its orders (references, invoicing partners)
OrderLinkFact = namedtuple(
    'OrderLinkFact',
    'invoice_id number order_id order_name invoice_ref order_ref '
    'invoice_partner_id order_partner_id')
#: an invoice line's price against its order line's
PriceFact = namedtuple(
    'PriceFact',
    'invoice_id line_id name order_name invoice_price order_price digits')
#: a draft invoice made from deliveries and when it was created
DraftFact = namedtuple('DraftFact', 'invoice_id name created')
#: a posted invoice, when it was validated and when (if ever) sent
SentFact = namedtuple('SentFact', 'invoice_id number validated sent')
#: a fee charge: the fee invoice, its state, the origin's paid date
FeeChargeFact = namedtuple(
    'FeeChargeFact',
    'charge_id fee_invoice_id fee_number fee_state origin_number '
    'origin_paid_date charge_date')
#: a reminder stage done on an invoice, what it asked and what it left
ReminderFact = namedtuple(
    'ReminderFact',
    'log_id invoice_number stage_name send_email email_sent charge_fee '
    'fee_invoice_id create_activity activity_created')

HIGH_KINDS = ('numbering_gap', 'numbering_duplicate', 'tax_mismatch',
              'fee_inconsistent')

# greedy prefix: the last run of digits, found backtracking from the end
_NUMBER = re.compile(r'^(.*\D)?(\d+)(\D*)$')


def split_number(number):
    """``(prefix, value, width, suffix)`` of an invoice number, or None when
    it has no digits."""
    if number and number[-1].isdigit():
        # the usual case, without a suffix: string methods (C) only
        prefix = number.rstrip('0123456789')
        digits = number[len(prefix):]
        return prefix, int(digits), len(digits), ''
    match = _NUMBER.match(number or '')
    if not match:
        return None
    prefix, digits, suffix = match.groups()
    return prefix or '', int(digits), len(digits), suffix


def format_number(prefix, value, width, suffix):
    return '%s%s%s' % (prefix, str(value).zfill(width), suffix)


def _missing_runs(values):
    """The runs ``(first, last)`` of integers missing between the lowest
    and the highest of ``values``."""
    runs = []
    ordered = sorted(set(values))
    for low, high in zip(ordered, ordered[1:]):
        if high - low > 1:
            runs.append((low + 1, high - 1))
    return runs


def sequence_periods(numbers):
    """The numbers grouped by journal, sequence and period (prefix and
    suffix): ``{(journal, sequence, prefix, suffix): [(value, invoice id,
    width, fact)]}``."""
    periods = defaultdict(list)
    for fact in numbers:
        parts = split_number(fact.number)
        if parts is None:
            continue
        prefix, value, width, suffix = parts
        periods[(fact.journal_id, fact.sequence_key, prefix, suffix)].append(
            (value, fact.invoice_id, width, fact))
    return periods


def numbering_gaps(numbers, periods=None):
    """One ``numbering_gap`` finding per run of numbers missing inside a
    sequence period, on the journal. Every number given counts as used,
    whatever the invoice's state: a cancelled invoice keeps its number and
    is not a gap. ``periods``: :func:`sequence_periods` of ``numbers``,
    when the caller has them."""
    findings = []
    periods = sequence_periods(numbers) if periods is None else periods
    for (journal_id, sequence_key, prefix, suffix), entries in sorted(
            periods.items(), key=lambda item: tuple(map(str, item[0]))):
        width = max(entry[2] for entry in entries)
        for first, last in _missing_runs(entry[0] for entry in entries):
            listed = [format_number(prefix, value, width, suffix)
                      for value in range(first, min(
                          last, first + MAX_LISTED_NUMBERS - 1) + 1)]
            count = last - first + 1
            first_number = format_number(prefix, first, width, suffix)
            last_number = format_number(prefix, last, width, suffix)
            findings.append(Finding(
                'numbering_gap', 'account.journal', journal_id,
                '%s:%s-%s' % (sequence_key, first_number, last_number),
                'high', {
                    'count': count, 'first': first_number,
                    'last': last_number,
                    'numbers': ', '.join(listed)
                    + (', ...' if count > len(listed) else ''),
                }))
    return findings


def numbering_duplicates(numbers):
    """One ``numbering_duplicate`` finding on each invoice whose number
    another invoice of the company also has (the facts are one
    company's)."""
    counts = Counter(fact.number for fact in numbers if fact.number)
    by_number = defaultdict(list)
    for fact in numbers:
        if fact.number and counts[fact.number] > 1:
            by_number[fact.number].append(fact)
    findings = []
    for number in sorted(by_number):
        facts = by_number[number]
        for fact in sorted(facts, key=lambda f: f.invoice_id):
            findings.append(Finding(
                'numbering_duplicate', 'account.invoice', fact.invoice_id,
                number, 'high',
                {'number': number, 'count': len(facts)}))
    return findings


def numbering_date_order(numbers, periods=None):
    """One ``numbering_date_order`` finding on each invoice dated before an
    invoice of a lower number of the same sequence period (``periods`` as
    for :func:`numbering_gaps`)."""
    findings = []
    periods = sequence_periods(numbers) if periods is None else periods
    for entries in periods.values():
        latest = None  # (date, number) of the latest date seen so far
        # (value, invoice id) is unique: the facts are never compared
        for _value, _id, _width, fact in sorted(entries):
            if fact.date is None:
                continue
            if latest is not None and fact.date < latest[0]:
                findings.append(Finding(
                    'numbering_date_order', 'account.invoice',
                    fact.invoice_id, fact.number, 'medium', {
                        'number': fact.number, 'date': str(fact.date),
                        'previous': latest[1],
                        'previous_date': str(latest[0])}))
            elif latest is None or fact.date > latest[0]:
                latest = (fact.date, fact.number)
    return findings


def delayed_invoicing(deliveries, as_of, hours):
    """``delayed_invoicing`` findings on orders: delivered quantities not
    invoiced ``hours`` after their latest delivery was done (as of the
    moment ``as_of``), and orders whose delivery invoicing failed."""
    findings = []
    limit = as_of - timedelta(hours=hours)
    for fact in sorted(deliveries, key=lambda f: f.order_id):
        if fact.pending:
            findings.append(Finding(
                'delayed_invoicing', 'sale.order', fact.order_id, 'pending',
                'high', {'order': fact.name, 'error': fact.error or ''}))
        if fact.uninvoiced_lines and fact.last_done is not None \
                and fact.last_done <= limit:
            late = as_of - fact.last_done
            findings.append(Finding(
                'delayed_invoicing', 'sale.order', fact.order_id,
                'not_invoiced', 'medium', {
                    'order': fact.name, 'lines': fact.uninvoiced_lines,
                    'delivered': fact.last_done.strftime('%Y-%m-%d %H:%M'),
                    'hours': int(late.total_seconds() // 3600),
                    'limit': hours}))
    return findings


def map_taxes(tax_ids, mapping):
    """Taxes ``tax_ids`` through a fiscal position's ``mapping`` ({source
    tax: [destination tax or None, ...]}), as Odoo's ``map_tax``: a mapped
    tax is replaced by its destinations (none when removed), the others
    are kept."""
    result = set()
    for tax in tax_ids:
        if tax in mapping:
            result.update(dest for dest in mapping[tax] if dest is not None)
        else:
            result.add(tax)
    return frozenset(result)


def tax_mismatches(lines, totals, tax_names):
    """``tax_mismatch`` findings on invoices: a line whose taxes differ from
    its product's (mapped) or from its order line's, and an invoice whose
    tax amount differs from its tax lines. ``tax_names`` names the taxes in
    the messages."""
    def names(ids):
        return ', '.join(sorted(tax_names.get(tax, str(tax))
                                for tax in ids)) or '-'

    findings = []
    for fact in sorted(lines, key=lambda f: f.line_id):
        taxes = frozenset(fact.tax_ids)
        references = []
        if fact.product_tax_ids is not None \
                and taxes != frozenset(fact.product_tax_ids):
            references.append(('product', fact.product_tax_ids))
        if fact.order_tax_ids is not None \
                and taxes != frozenset(fact.order_tax_ids):
            references.append(('order', fact.order_tax_ids))
        for reference, expected in references:
            findings.append(Finding(
                'tax_mismatch', 'account.invoice', fact.invoice_id,
                'line-%s-%s' % (fact.line_id, reference), 'high', {
                    'line': fact.name, 'reference': reference,
                    'taxes': names(taxes), 'expected': names(expected)}))
    for fact in sorted(totals, key=lambda f: f.invoice_id):
        difference = Decimal(str(fact.amount_tax)) \
            - Decimal(str(fact.tax_lines))
        if abs(difference) >= Decimal(str(fact.rounding)) / 2:
            findings.append(Finding(
                'tax_mismatch', 'account.invoice', fact.invoice_id, 'total',
                'high', {'number': fact.number,
                         'amount_tax': fact.amount_tax,
                         'tax_lines': fact.tax_lines}))
    return findings


def order_mismatches(links, prices, drafts, as_of, draft_days):
    """``order_mismatch`` findings on invoices: the customer's PO reference
    or the invoicing partner differing from the order's, a price differing
    from the order line's, a draft made from deliveries and left more than
    ``draft_days`` days (as of the moment ``as_of``)."""
    findings = []
    for fact in sorted(links, key=lambda f: (f.invoice_id, f.order_id)):
        if fact.order_ref and fact.order_ref not in (fact.invoice_ref or ''):
            findings.append(Finding(
                'order_mismatch', 'account.invoice', fact.invoice_id,
                'ref-%s' % fact.order_id, 'medium', {
                    'number': fact.number, 'order': fact.order_name,
                    'invoice_ref': fact.invoice_ref or '-',
                    'order_ref': fact.order_ref}))
        if fact.invoice_partner_id != fact.order_partner_id:
            findings.append(Finding(
                'order_mismatch', 'account.invoice', fact.invoice_id,
                'partner-%s' % fact.order_id, 'high', {
                    'number': fact.number, 'order': fact.order_name}))
    for fact in sorted(prices, key=lambda f: f.line_id):
        quantum = Decimal(1).scaleb(-fact.digits)
        invoiced = Decimal(str(fact.invoice_price)).quantize(
            quantum, ROUND_HALF_UP)
        ordered = Decimal(str(fact.order_price)).quantize(
            quantum, ROUND_HALF_UP)
        if invoiced != ordered:
            findings.append(Finding(
                'order_mismatch', 'account.invoice', fact.invoice_id,
                'price-%s' % fact.line_id, 'medium', {
                    'line': fact.name, 'order': fact.order_name,
                    'invoiced': str(invoiced), 'ordered': str(ordered)}))
    for fact in sorted(drafts, key=lambda f: f.invoice_id):
        days = (as_of.date() - fact.created.date()).days
        if days > draft_days:
            findings.append(Finding(
                'order_mismatch', 'account.invoice', fact.invoice_id,
                'draft', 'medium', {
                    'name': fact.name, 'days': days, 'limit': draft_days}))
    return findings


def never_sent(invoices, as_of, days):
    """``never_sent`` findings on posted invoices not sent ``days`` days
    (calendar days) after their validation, as of the moment ``as_of``."""
    findings = []
    for fact in sorted(invoices, key=lambda f: f.invoice_id):
        if fact.sent or fact.validated is None:
            continue
        waited = (as_of.date() - fact.validated.date()).days
        if waited >= days:
            findings.append(Finding(
                'never_sent', 'account.invoice', fact.invoice_id, 'sent',
                'low', {'number': fact.number, 'days': waited,
                        'validated': fact.validated.strftime('%Y-%m-%d'),
                        'limit': days}))
    return findings


def fee_inconsistencies(charges, reminders):
    """``fee_inconsistent`` findings: a fee invoice (not cancelled) charged
    on an invoice paid before the charge date; a reminder stage done
    without the email, fee invoice or activity it asked for."""
    findings = []
    for fact in sorted(charges, key=lambda f: f.charge_id):
        if fact.fee_state != 'cancel' and fact.origin_paid_date is not None \
                and fact.origin_paid_date < fact.charge_date:
            findings.append(Finding(
                'fee_inconsistent', 'account.invoice', fact.fee_invoice_id,
                'paid-before-%s' % fact.charge_id, 'high', {
                    'fee': fact.fee_number or '-',
                    'origin': fact.origin_number or '-',
                    'paid': str(fact.origin_paid_date),
                    'charged': str(fact.charge_date)}))
    for fact in sorted(reminders, key=lambda f: f.log_id):
        missing = []
        if fact.send_email and not fact.email_sent:
            missing.append('email')
        if fact.charge_fee and not fact.fee_invoice_id:
            missing.append('fee')
        if fact.create_activity and not fact.activity_created:
            missing.append('activity')
        if missing:
            findings.append(Finding(
                'fee_inconsistent', 'payment.reminder.log', fact.log_id,
                'missing-' + '-'.join(missing), 'high', {
                    'invoice': fact.invoice_number or '-',
                    'stage': fact.stage_name or '-',
                    'missing': missing}))
    return findings


def accuracy(invoices, flagged_ids, digits=4):
    """The share of ``invoices`` (``(invoice_id, date)`` pairs) with no
    finding (``flagged_ids``), overall and by month: ``{'total', 'clean',
    'accuracy', 'by_month': [(month 'YYYY-MM', total, clean, share)]}``.
    The share is a Decimal rounded half-up to ``digits`` decimals; None
    when there is no invoice."""
    flagged = set(flagged_ids)
    months = OrderedDict()
    for invoice_id, day in sorted(invoices, key=lambda pair: (
            pair[1], pair[0])):
        month = day.strftime('%Y-%m')
        total, clean = months.get(month, (0, 0))
        months[month] = (total + 1,
                         clean + (0 if invoice_id in flagged else 1))

    def share(clean, total):
        if not total:
            return None
        return (Decimal(clean) / Decimal(total)).quantize(
            Decimal(1).scaleb(-digits), ROUND_HALF_UP)

    total = sum(value[0] for value in months.values())
    clean = sum(value[1] for value in months.values())
    return {
        'total': total, 'clean': clean, 'accuracy': share(clean, total),
        'by_month': [(month, value[0], value[1], share(value[1], value[0]))
                     for month, value in months.items()],
    }
