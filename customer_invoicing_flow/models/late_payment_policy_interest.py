# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Statutory interest on a policy: a reference rate plus a margin, fixed
by half-year, day or due date; the compensation by the invoice's amount;
the policy limited to business customers; the rate that applies today and
a preview on an example amount."""
import datetime
from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import format_date, formatLang

from .. import interest_rates, late_fees

FIXING_SELECTION = [
    ('half_year', 'Value on the first day of each half-year'),
    ('daily', 'Value in force each day'),
    ('due_date', 'Value on the due date, for the whole delay'),
]
# the preview's example invoice fell due this many days before today
PREVIEW_DAYS_LATE = 90


class LatePaymentPolicy(models.Model):
    _inherit = 'late.payment.policy'  # pylint: disable=R8180

    interest_mode = fields.Selection(
        [('fixed', 'Fixed annual rate'),
         ('reference', 'Reference rate plus margin')],
        string='Interest', required=True, default='fixed',
        track_visibility='onchange',
        help="Fixed: the annual rate above. Reference: a central bank's "
             "rate (e.g. the ECB's) plus a margin in points, as the law "
             "sets it between businesses.")
    reference_rate_id = fields.Many2one(
        'late.payment.reference.rate', ondelete='restrict', track_visibility='onchange')
    interest_margin = fields.Float(
        string='Margin (points)', digits=(16, 2),
        track_visibility='onchange',
        help="Points added to the reference rate, e.g. 8 (EU directive), "
             "9 (Germany, between businesses), 10 (France).")
    reference_fixing = fields.Selection(
        FIXING_SELECTION, string='Reference Value', required=True,
        default='half_year', track_visibility='onchange',
        help="Which value of the reference rate applies to a day late.")
    compensation_tier_ids = fields.One2many(
        'late.payment.policy.compensation', 'policy_id',
        string='Compensation by Amount', copy=True,
        help="The fixed fee by the invoice's amount (e.g. the UK's 40, 70 "
             "or 100 GBP), each in its currency, converted at the charge "
             "date. Replaces the fixed fee when set.")
    limit_to_companies = fields.Boolean(
        string='Business Customers Only', track_visibility='onchange',
        help="Applied to the invoices of companies only: private "
             "customers get the company default policy instead (or none "
             "when that one is limited too).")
    interest_rate_today = fields.Float(
        string='Rate Today (%)', digits=(16, 2),
        compute='_compute_interest_today')
    interest_rate_today_text = fields.Char(
        string='Rate Today', compute='_compute_interest_today')
    preview_amount = fields.Monetary(
        string='Example Invoice', currency_field='currency_id',
        default=10000.0,
        help="An invoice amount to preview this policy's charge on.")
    preview_text = fields.Text(
        string='Preview', compute='_compute_interest_today')

    @api.depends('interest_mode', 'interest_rate', 'reference_rate_id',
                 'interest_margin', 'reference_fixing', 'preview_amount',
                 'fee_fixed', 'compensation_tier_ids.fee')
    def _compute_interest_today(self):
        """As of the context's ``late_payment_as_of``, else today; the
        reference values read once for the set."""
        as_of = fields.Date.from_string(
            self.env['account.invoice']._late_payment_as_of())
        tables = self.mapped('reference_rate_id')._tables()
        for policy in self:
            rates = policy._reference_interest(
                tables, as_of - datetime.timedelta(days=PREVIEW_DAYS_LATE))
            try:
                if rates is None:
                    rate = Decimal(repr(policy.interest_rate))
                    text = _("%s %% a year (fixed)") % policy._percent(rate)
                else:
                    period = rates.rate_on(as_of)
                    rate = period.rate
                    text = _("%(rate)s %% a year: %(reference)s %(value)s "
                             "%% + %(margin)s points") % {
                        'rate': policy._percent(rate),
                        # sudo: a published rate's name, for whoever
                        # reads the policy
                        'reference': policy.reference_rate_id.sudo().name,
                        'value': policy._percent(period.reference),
                        'margin': policy._percent(period.margin)}
                policy.interest_rate_today = float(rate)
                policy.interest_rate_today_text = text
                policy.preview_text = policy._preview(rates, as_of)
            except interest_rates.RateUnknown as error:
                policy.interest_rate_today = 0.0
                policy.interest_rate_today_text = _(
                    "Unknown: %s") % policy._rate_unknown_text(error)
                policy.preview_text = False

    @api.constrains('interest_mode', 'reference_rate_id', 'interest_margin',
                    'compensation_tier_ids', 'fee_max')
    def _check_reference_interest(self):
        for policy in self:
            if policy.interest_mode == 'reference' \
                    and not policy.reference_rate_id:
                raise ValidationError(_(
                    "Policy %s charges interest at a reference rate: choose "
                    "the reference rate.") % policy.name)
            if not -100 < policy.interest_margin < 100:
                raise ValidationError(_(
                    "Policy %(policy)s: a margin of %(margin)s points is no "
                    "plausible margin.") % {'policy': policy.name,
                                            'margin': policy.interest_margin})
            for tier in policy.compensation_tier_ids:
                if tier.fee < 0 or tier.amount_from < 0:
                    raise ValidationError(_(
                        "Policy %s: the compensation tiers' amounts and fees "
                        "cannot be negative.") % policy.name)
                if policy.fee_max and tier.fee > policy.fee_max \
                        and tier.currency_id == policy.currency_id:
                    raise ValidationError(_(
                        "Policy %(policy)s: the compensation of %(fee)s is "
                        "above the cap per invoice.") % {
                            'policy': policy.name,
                            'fee': formatLang(self.env, tier.fee,
                                              currency_obj=tier.currency_id)})

    @api.multi
    def _late_payment_terms_values(self):
        """The frozen terms, with the interest mode, the reference rate and
        the compensation tiers (amounts as repr, company currency)."""
        values = super(LatePaymentPolicy, self)._late_payment_terms_values()
        values.update(
            interest_mode=self.interest_mode,
            reference_rate_id=self.reference_rate_id.id or False,
            interest_margin=repr(self.interest_margin),
            reference_fixing=self.reference_fixing,
            compensation_tiers=[
                [repr(tier.amount_from), repr(tier.fee), tier.currency_id.id]
                for tier in self.compensation_tier_ids.sorted('amount_from')])
        return values

    @api.multi
    def _reference_interest(self, tables, due_date, project=False):
        """interest_rates.ReferenceInterest of the policy, or None for a
        fixed rate."""
        self.ensure_one()
        if self.interest_mode != 'reference':
            return None
        table = tables.get(self.reference_rate_id.id) \
            or interest_rates.RateTable(self.reference_rate_id.code or '?')
        return interest_rates.ReferenceInterest(
            table, repr(self.interest_margin), self.reference_fixing,
            due_date, project)

    @api.multi
    def _percent(self, value):
        return formatLang(self.env, float(value), digits=2)

    @api.multi
    def _rate_unknown_text(self, error):
        """What is missing, for messages: the rate and the day."""
        reference = self.env['late.payment.reference.rate'].sudo() \
            .with_context(active_test=False).search(
                [('code', '=', error.code)], limit=1)
        return _("no value of %(rate)s is entered for %(date)s") % {
            'rate': reference.name or error.code,
            'date': format_date(self.env,
                                fields.Date.to_string(error.fixed_on))}

    @api.multi
    def _preview(self, rates, as_of):
        """The charge on an invoice of the example amount that fell due
        PREVIEW_DAYS_LATE days before ``as_of``, charged on ``as_of``."""
        self.ensure_one()
        currency = self.currency_id
        due = as_of - datetime.timedelta(days=PREVIEW_DAYS_LATE)
        amount = self.preview_amount or 0.0
        fee = self.fee_fixed
        if self.compensation_tier_ids:
            date = fields.Date.to_string(as_of)
            fee = float(interest_rates.compensation_fee(repr(amount), [
                (repr(tier.currency_id.with_context(date=date).compute(
                    tier.amount_from, currency, round=False)),
                 repr(tier.currency_id.with_context(date=date).compute(
                     tier.fee, currency, round=False)))
                for tier in self.compensation_tier_ids]))
        terms = late_fees.PolicyTerms(
            grace_days=min(self.grace_days, PREVIEW_DAYS_LATE - 1),
            fee_fixed=repr(fee), fee_percent=repr(self.fee_percent),
            interest_rate=repr(self.interest_rate),
            interest_start=self.interest_start, fee_min=repr(self.fee_min),
            fee_max=repr(self.fee_max), interest_rates=rates)
        result = late_fees.evaluate(
            terms, late_fees.InvoiceFacts(repr(amount), due), as_of,
            currency.rounding)

        def money(value):
            return formatLang(self.env, float(value), currency_obj=currency)

        lines = [_("An invoice of %(amount)s due %(due)s, charged on "
                   "%(date)s:") % {
                       'amount': money(amount),
                       'due': format_date(self.env, fields.Date.to_string(due)),
                       'date': format_date(self.env,
                                           fields.Date.to_string(as_of))}]
        for segment in result.breakdown.segments:
            rate = getattr(segment, 'rate', terms.interest_rate)
            lines.append(_("- %(days)d days at %(rate)s %%: %(interest)s") % {
                'days': segment.days, 'rate': self._percent(rate),
                'interest': money(late_fees.round_money(
                    segment.interest, currency.rounding))})
        if result.breakdown.fixed_part:
            lines.append(_("- compensation: %s")
                         % money(result.breakdown.fixed_part))
        lines.append(_("Total: %s") % money(result.accrued))
        return '\n'.join(lines)


class LatePaymentPolicyCompensation(models.Model):
    _name = 'late.payment.policy.compensation'
    _description = 'Late-payment compensation tier'
    _order = 'policy_id, amount_from, id'

    policy_id = fields.Many2one(
        'late.payment.policy', required=True, ondelete='cascade',
        index=True)
    currency_id = fields.Many2one(
        'res.currency', required=True,
        default=lambda self: self.env.user.company_id.currency_id,
        help="The tier's currency (e.g. GBP for the UK's tiers), converted "
             "to the invoice's at the charge date.")
    amount_from = fields.Monetary(
        string='Invoice Amount From', currency_field='currency_id',
        help="The tier applies to invoices of this amount or more (up to "
             "the next tier).")
    fee = fields.Monetary(
        string='Compensation', currency_field='currency_id')

    _sql_constraints = [
        ('amount_from_unique', 'UNIQUE (policy_id, amount_from)',
         'Two compensation tiers of one policy cannot start at the same '
         'amount.'),
    ]
