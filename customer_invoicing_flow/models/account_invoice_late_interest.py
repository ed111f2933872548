# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Statutory interest on invoices: the frozen reference rate and
compensation tiers fed into the fee engine (the rates' values read once per
evaluated set), the fee line's interest per rate, the timeline's coming
half-years, the policy limited to business customers, and the daily run's
report of a missing value."""
import json
from dataclasses import replace

from odoo import _, api, fields, models
from odoo.tools.misc import format_date, formatLang

from .. import interest_rates, late_fees

# how many half-years the fee timeline shows, the current one included
TIMELINE_HALF_YEARS = 3


class AccountInvoice(models.Model):
    _inherit = 'account.invoice'  # pylint: disable=R8180

    @api.multi
    def _with_rate_tables(self):
        """``self`` with the values of the reference rates their frozen
        terms use, read once, in the context (``late_payment_rate_tables``)
        for :meth:`_terms_from_values`; ``self`` unchanged, with no query,
        when none uses a reference rate."""
        rate_ids = set()
        for invoice in self:
            values = json.loads(invoice.late_payment_terms or '{}')
            if values.get('interest_mode') == 'reference':
                rate_ids.add(values.get('reference_rate_id'))
        rate_ids.discard(False)
        rate_ids.discard(None)
        if not rate_ids:
            return self
        tables = self.env['late.payment.reference.rate'].browse(
            sorted(rate_ids))._tables()
        return self.with_context(late_payment_rate_tables=tables)

    @api.model
    def _terms_from_values(self, values, invoice, date):
        """The terms, with the compensation of the invoice's amount tier
        and the reference rate (projected past the published values only
        under the context's ``late_payment_projected_rates``)."""
        terms = super(AccountInvoice, self)._terms_from_values(
            values, invoice, date)
        changes = {}
        tiers = values.get('compensation_tiers')
        if tiers:
            changes['fee_fixed'] = self._compensation_fee(
                values, invoice, date, tiers)
        if values.get('interest_mode') == 'reference':
            rate_id = values.get('reference_rate_id')
            tables = self.env.context.get('late_payment_rate_tables') \
                or self.env['late.payment.reference.rate'].browse(
                    rate_id or [])._tables()
            table = tables.get(rate_id) \
                or interest_rates.RateTable(str(rate_id))
            changes['interest_rates'] = interest_rates.ReferenceInterest(
                table, values.get('interest_margin') or '0',
                values.get('reference_fixing') or 'half_year',
                invoice.date_due or invoice.date_invoice,
                bool(self.env.context.get('late_payment_projected_rates')))
        return replace(terms, **changes) if changes else terms

    @api.model
    def _compensation_fee(self, values, invoice, date, tiers):
        """The fee of the tier of the invoice's total, each tier (its
        currency, else the company's) converted to the invoice's currency
        at ``date``."""
        currency = invoice.currency_id
        converted = []
        for start, fee, *rest in tiers:
            tier_currency = self.env['res.currency'].browse(
                rest[0] if rest else values['currency_id'])
            if tier_currency != currency:
                convert = tier_currency.with_context(
                    date=date, company_id=invoice.company_id.id).compute
                start = repr(convert(float(start), currency, round=False))
                fee = repr(convert(float(fee), currency, round=False))
            converted.append((start, fee))
        return interest_rates.compensation_fee(
            repr(invoice.amount_total), converted)

    @api.multi
    def _rate_unknown_message(self, error):
        """The translated message of an unknown reference value on ``self``
        (interest_rates.RateUnknown)."""
        self.ensure_one()
        return _(
            "Invoice %(invoice)s: the late-payment interest cannot be "
            "computed, %(missing)s. A collections manager enters it "
            "(Invoicing > Configuration > Reference Rates); the fee is "
            "charged then.") % {
                'invoice': self.number or self.display_name,
                'missing': self.env['late.payment.policy']._rate_unknown_text(
                    error)}

    @api.multi
    def _late_fee_interest_parts(self, breakdown, money, percent, day):
        """Under a reference rate, each segment with its own rate, the
        reference's value and the margin."""
        if not any(isinstance(segment, late_fees.RateSegment)
                   for segment in breakdown.segments):
            return super(AccountInvoice, self)._late_fee_interest_parts(
                breakdown, money, percent, day)
        self.ensure_one()
        reference = self.sudo()._frozen_reference_rate()
        parts = []
        for segment in breakdown.segments:
            if not segment.interest:
                continue
            values = {
                'rate': percent(segment.rate),
                'reference': reference.name or '',
                'value': percent(segment.reference),
                'margin': percent(segment.margin),
                'balance': money(segment.balance), 'days': segment.days,
                'start': day(segment.start), 'end': day(segment.end),
                'interest': money(late_fees.round_money(
                    segment.interest, self.currency_id.rounding))}
            parts.append(_(
                "interest at %(rate)s %% a year (%(reference)s %(value)s %% "
                "+ %(margin)s points) on %(balance)s for %(days)d day(s), "
                "%(start)s to %(end)s: %(interest)s") % values)
        return parts

    @api.multi
    def _frozen_reference_rate(self):
        self.ensure_one()
        values = json.loads(self.late_payment_terms or '{}')
        return self.env['late.payment.reference.rate'].with_context(
            active_test=False).browse(values.get('reference_rate_id') or [])

    @api.multi
    def _late_fee_preview_text(self, terms, facts, as_of):
        """The timeline, then under a reference rate the rate of this and
        the coming half-years, those not published yet at the last known
        value and marked so."""
        text = super(AccountInvoice, self)._late_fee_preview_text(
            terms, facts, as_of)
        rates = terms.interest_rates
        if not text or rates is None:
            return text
        rates = rates.projected()
        reference = self.sudo()._frozen_reference_rate()
        lines = [text]
        start = interest_rates.half_year_start(
            fields.Date.from_string(as_of)
            if isinstance(as_of, str) else as_of)
        for _index in range(TIMELINE_HALF_YEARS):
            period = rates.rate_on(start)
            values = {'date': format_date(self.env,
                                          fields.Date.to_string(start)),
                      'rate': formatLang(self.env, float(period.rate),
                                         digits=2),
                      'reference': reference.name or '',
                      'value': formatLang(self.env, float(period.reference),
                                          digits=2)}
            if period.projected:
                lines.append(_(
                    "From %(date)s: %(rate)s %% a year, at the last known "
                    "value of %(reference)s (%(value)s %%): not published "
                    "yet, projected") % values)
            else:
                lines.append(_("From %(date)s: %(rate)s %% a year "
                               "(%(reference)s %(value)s %%)") % values)
            start = interest_rates.next_half_year(start)
        return '\n'.join(lines)

    @api.multi
    def _default_late_payment_policy(self):
        """A policy limited to business customers is not applied to a
        private customer: the company's default instead, unless limited
        too."""
        policy = super(AccountInvoice, self)._default_late_payment_policy()
        if policy.limit_to_companies \
                and not self.partner_id.commercial_partner_id.is_company:
            fallback = self.company_id.sudo().late_payment_policy_id
            policy = fallback if not fallback.limit_to_companies \
                else fallback.browse()
        return policy

    @api.model
    def _cron_process_late_payments(self, as_of=None, batch_size=100,
                                    commit=True):
        """The run, after reporting the reference values missing for the
        day's half-year (once per rate and half-year)."""
        day = self._as_of_day(as_of) or fields.Date.context_today(self)
        self.env['late.payment.reference.rate']._alert_missing_values(day)
        return super(AccountInvoice, self)._cron_process_late_payments(
            as_of=as_of, batch_size=batch_size, commit=commit)
