# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import ast

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import formatLang

from .. import late_fees

# The policy fields frozen on an invoice at validation (see
# account.invoice.late_payment_terms). Amounts are in the company currency.
# Terms frozen before a field existed read it as 0 (e.g. charge_min).
FROZEN_AMOUNTS = ('fee_fixed', 'fee_min', 'fee_max', 'charge_min')
FROZEN_RATES = ('fee_percent', 'interest_rate')
TERMS_FIELDS = ('grace_days', 'interest_start') + FROZEN_AMOUNTS \
    + FROZEN_RATES

# What Odoo 11's importer makes of a ValidationError raised while it saves
# a row (models.BaseModel.load): "<translated prefix> <class '...'>: ('the
# message', '')".
_IMPORT_VALIDATION_MARKER = "%s: " % ValidationError


def _clean_import_messages(result):
    """Give the importer's messages of a ValidationError its own text."""
    for message in result.get('messages', ()):
        text = message.get('message') or ''
        position = text.find(_IMPORT_VALIDATION_MARKER)
        if message.get('type') != 'error' or position < 0:
            continue
        try:
            args = ast.literal_eval(
                text[position + len(_IMPORT_VALIDATION_MARKER):])
        except (ValueError, SyntaxError):
            continue
        if isinstance(args, tuple) and args and isinstance(args[0], str):
            message['message'] = args[0]
            message.pop('moreinfo', None)
    return result


class LatePaymentPolicy(models.Model):
    _name = 'late.payment.policy'
    _description = 'Late-payment policy'
    _inherit = ['mail.thread']
    _order = 'sequence, name, id'

    name = fields.Char(required=True, translate=True,
                       track_visibility='onchange')
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, track_visibility='onchange')
    company_id = fields.Many2one(
        'res.company', required=True, index=True,
        default=lambda self: self.env['res.company']._company_default_get(
            'late.payment.policy'))
    currency_id = fields.Many2one(
        related='company_id.currency_id', string='Company Currency',
        readonly=True)
    grace_days = fields.Integer(
        default=0, track_visibility='onchange',
        help="Days after the due date during which nothing is charged.")
    fee_fixed = fields.Monetary(
        string='Fixed Fee', currency_field='currency_id',
        track_visibility='onchange',
        help="Charged once per invoice, with the first charge, in the "
             "company currency (converted to the invoice currency at the "
             "charge date).")
    fee_percent = fields.Float(
        string='Percentage Fee (%)', digits=(16, 2),
        track_visibility='onchange',
        help="Percentage of the open balance on the day of the first "
             "charge, charged once per invoice.")
    interest_rate = fields.Float(
        string='Annual Interest Rate (%)', digits=(16, 2),
        track_visibility='onchange',
        help="Simple interest, actual/365: each day late accrues 1/365 of "
             "this rate on the balance open at the end of the day.")
    interest_start = fields.Selection(
        [('due', 'Day after the due date'),
         ('grace_end', 'Day after the grace period')],
        string='Interest From', required=True, default='due',
        track_visibility='onchange',
        help="The first day that bears interest: the day after the due "
             "date (the grace period only delays the charge; its days bear "
             "interest too), or the day after the grace period (the grace "
             "days bear none).")
    fee_min = fields.Monetary(
        string='Minimum First Charge', currency_field='currency_id',
        track_visibility='onchange',
        help="The first charge is raised to at least this amount, when a "
             "fee is charged at all. Later charges are interest only.")
    fee_max = fields.Monetary(
        string='Cap per Invoice', currency_field='currency_id',
        track_visibility='onchange',
        help="Maximum total of all the fees charged for one invoice. "
             "Leave it at 0 for no cap.")
    fee_max_label = fields.Char(
        string='Cap', compute='_compute_fee_max_label',
        help="The cap per invoice, or \"No cap\".")
    charge_min = fields.Monetary(
        string='Minimum per Charge', currency_field='currency_id',
        track_visibility='onchange',
        help="No fee invoice below this amount: a smaller amount is not "
             "charged and waits, growing, for a later charge. Leave it at "
             "0 to charge any amount.")
    is_company_default = fields.Boolean(
        string='Company Default', compute='_compute_is_company_default',
        search='_search_is_company_default',
        help="The default policy of its company, for the customers without "
             "a policy of their own (Invoicing > Configuration > "
             "Settings).")
    fee_product_id = fields.Many2one(
        'product.product', required=True,
        domain=[('type', '=', 'service')],
        default=lambda self: self.env.ref(
            'customer_invoicing_flow.product_late_payment_fee',
            raise_if_not_found=False),
        help="Service product used on the late-fee invoices.")
    post_fee_invoices = fields.Boolean(
        default=True,
        track_visibility='onchange',
        help="Validate the late-fee invoices when they are created; "
             "otherwise they are left in draft for review.")
    note = fields.Text(
        string='Note on Invoices', translate=True,
        help="Customer-facing text printed on the invoices under this "
             "policy.")
    stage_ids = fields.One2many(
        'late.payment.policy.stage', 'policy_id', string='Stages', copy=True)

    @api.depends('fee_max', 'currency_id')
    def _compute_fee_max_label(self):
        for policy in self:
            policy.fee_max_label = formatLang(
                self.env, policy.fee_max, currency_obj=policy.currency_id) \
                if policy.fee_max else _("No cap")

    @api.depends('company_id.late_payment_policy_id')
    def _compute_is_company_default(self):
        for policy in self:
            policy.is_company_default = bool(policy.id) and \
                policy.company_id.sudo().late_payment_policy_id == policy

    def _search_is_company_default(self, operator, value):
        if operator not in ('=', '!='):
            raise ValidationError(_("Unsupported search on the company "
                                    "default: %s") % operator)
        # sudo: which policy is a company's default is no secret
        ids = self.env['res.company'].sudo().search(
            [('late_payment_policy_id', '!=', False)]).mapped(
                'late_payment_policy_id').ids
        positive = (operator == '=') == bool(value)
        return [('id', 'in' if positive else 'not in', ids)]

    # The ranges and the coherence of the terms are the fee engine's
    # (late_fees.terms_problems and stage_problems): checked in Python rather
    # than by SQL CHECKs, so that the user gets a translated message and the
    # engine and the policy never disagree.

    @api.constrains('stage_ids', *TERMS_FIELDS)
    def _check_terms(self):
        """The terms and the stages together: every problem at once."""
        # a search, not the one2many's cache: also called while stages are
        # created or edited one by one
        stages = self.env['late.payment.policy.stage'].search(
            [('policy_id', 'in', self.ids)])
        for policy in self:
            problems = late_fees.terms_problems(**{
                name: policy[name] if name in ('grace_days', 'interest_start')
                else repr(policy[name]) for name in TERMS_FIELDS})
            problems += late_fees.stage_problems(policy.grace_days, [
                (stage, stage.day_offset, stage.charge_fee,
                 stage.credit_hold)
                for stage in stages if stage.policy_id == policy])
            if problems:
                raise ValidationError('\n'.join(
                    policy._problem_message(problem)
                    for problem in problems))

    @api.constrains('fee_product_id')
    def _check_fee_product(self):
        for policy in self:
            if policy.fee_product_id.type != 'service':
                raise ValidationError(
                    _("Policy %s: the fee product must be a service.")
                    % policy.name)

    @api.model
    def load(self, fields, data):
        """Odoo's importer, with the constraints' own messages."""
        return _clean_import_messages(
            super(LatePaymentPolicy, self).load(fields, data))

    @api.multi
    def _problem_message(self, problem):
        """The translated message for one :class:`late_fees.Problem`."""
        self.ensure_one()
        if problem.stages:
            return self._stage_problem_message(problem)
        values = {'policy': self.name, 'value': problem.value,
                  'limit': problem.limit}
        field, code = problem.field, problem.code
        if field == 'grace_days':
            if code == 'negative':
                return _("Policy %(policy)s: the grace period cannot be "
                         "negative (%(value)s days).") % values
            return _("Policy %(policy)s: the grace period cannot exceed "
                     "%(limit)s days (%(value)s days given).") % values
        if field in late_fees.PERCENT_FIELDS:
            values.update(value=formatLang(self.env, float(problem.value),
                                           digits=2),
                          limit=formatLang(self.env,
                                           float(late_fees.PERCENT_MAX),
                                           digits=0))
            if field == 'fee_percent':
                return _("Policy %(policy)s: the percentage fee must be "
                         "between 0 and %(limit)s %% (%(value)s %% "
                         "given).") % values
            return _("Policy %(policy)s: the annual interest rate must be "
                     "between 0 and %(limit)s %% (%(value)s %% given).") \
                % values
        if code == 'interest_start':
            return _("Policy %s: interest starts the day after the due date "
                     "or the day after the grace period.") % self.name
        return self._amount_problem_message(problem)

    @api.multi
    def _stage_problem_message(self, problem):
        """The translated message for a problem of the stages."""
        self.ensure_one()
        code = problem.code
        if code == 'fee_in_grace':
            return _(
                "Stage %(stage)s charges a fee on day %(day)d, within the "
                "grace period of %(grace)d days of policy %(policy)s: a "
                "fee-charging stage must lie after the grace period.") % {
                    'stage': problem.stages[0].name, 'day': problem.value,
                    'grace': problem.limit, 'policy': self.name}
        if code == 'hold_before_due':
            return _(
                "Stage %(stage)s of policy %(policy)s puts the customer on "
                "credit hold on day %(day)d, before the invoice is overdue: "
                "a credit-hold stage must lie after the due date.") % {
                    'stage': problem.stages[0].name, 'day': problem.value,
                    'policy': self.name}
        if code == 'duplicate_offset':
            return _(
                "Policy %(policy)s: the stages %(stages)s all fall on day "
                "%(day)d; each stage needs a day of its own.") % {
                    'policy': self.name, 'day': problem.value,
                    'stages': ', '.join(stage.name or '?'
                                        for stage in problem.stages)}
        if code == 'offset_range':
            return _(
                "Policy %(policy)s, stage %(stage)s: day %(day)d is out of "
                "range; a stage lies between %(low)d and %(high)d days from "
                "the due date.") % {
                    'policy': self.name, 'stage': problem.stages[0].name,
                    'day': problem.value, 'low': problem.limit[0],
                    'high': problem.limit[1]}
        return _("Policy %(policy)s: %(field)s has an invalid value "
                 "(%(value)s).") % {'policy': self.name,
                                    'field': problem.field,
                                    'value': problem.value}

    @api.multi
    def _amount_problem_message(self, problem):
        """The translated message for a problem of an amount."""
        self.ensure_one()

        def money(value):
            return formatLang(self.env, float(value),
                              currency_obj=self.currency_id)

        field, code = problem.field, problem.code
        values = {'policy': self.name, 'value': money(problem.value),
                  'limit': problem.limit}
        if code == 'above_cap':
            values['cap'] = money(problem.limit)
            if field == 'fee_fixed':
                return _(
                    "Policy %(policy)s: the fixed fee (%(value)s) is above "
                    "the cap per invoice (%(cap)s), so it could never be "
                    "charged in full. Lower the fee or raise the cap (0 "
                    "means no cap).") % values
            if field == 'fee_min':
                return _(
                    "Policy %(policy)s: the minimum first charge "
                    "(%(value)s) is above the cap per invoice (%(cap)s). "
                    "Lower the minimum or raise the cap (0 means no cap).") \
                    % values
            return _(
                "Policy %(policy)s: the minimum per charge (%(value)s) is "
                "above the cap per invoice (%(cap)s), so no fee could ever "
                "be charged. Lower the minimum or raise the cap (0 means no "
                "cap).") % values
        if code == 'negative':
            if field == 'fee_fixed':
                return _("Policy %(policy)s: the fixed fee cannot be "
                         "negative (%(value)s).") % values
            if field == 'fee_min':
                return _("Policy %(policy)s: the minimum first charge "
                         "cannot be negative (%(value)s).") % values
            if field == 'fee_max':
                return _("Policy %(policy)s: the cap per invoice cannot be "
                         "negative (%(value)s); leave it at 0 for no cap.") \
                    % values
            return _("Policy %(policy)s: the minimum per charge cannot be "
                     "negative (%(value)s).") % values
        return _("Policy %(policy)s: %(field)s has an invalid value "
                 "(%(value)s).") % dict(values, field=field)

    @api.multi
    def _late_payment_terms_values(self):
        """The terms to freeze on an invoice, JSON-ready (company currency)."""
        self.ensure_one()
        values = {
            'policy_id': self.id,
            'currency_id': self.company_id.currency_id.id,
            'grace_days': self.grace_days,
            'interest_start': self.interest_start,
            'fee_product_id': self.fee_product_id.id,
            'post_fee_invoices': self.post_fee_invoices,
            'charge_offsets': sorted(
                self.stage_ids.filtered('charge_fee').mapped('day_offset')),
        }
        # repr() of a float is its shortest exact decimal: '12.5', not 12.4999
        for name in FROZEN_AMOUNTS + FROZEN_RATES:
            values[name] = repr(self[name])
        return values


class LatePaymentPolicyStage(models.Model):
    _name = 'late.payment.policy.stage'
    _description = 'Late-payment policy stage'
    _order = 'policy_id, day_offset, id'

    policy_id = fields.Many2one(
        'late.payment.policy', required=True,
        ondelete='cascade', index=True)
    company_id = fields.Many2one(
        related='policy_id.company_id', store=True, readonly=True)
    name = fields.Char(required=True, translate=True)
    day_offset = fields.Integer(
        string='Days after Due Date', required=True, default=0,
        help="Days after the due date (negative: before it) at which the "
             "stage applies.")
    send_email = fields.Boolean()
    mail_template_id = fields.Many2one(
        'mail.template', string='Email Template',
        domain=[('model', '=', 'account.invoice')])
    create_activity = fields.Boolean(string='Schedule Activity')
    activity_type_id = fields.Many2one(
        'mail.activity.type')
    activity_user_id = fields.Many2one(
        'res.users', string='Responsible',
        help="Assigned the activity; empty: the invoice's salesperson.")
    charge_fee = fields.Boolean(
        help="Charge the late fee due at this stage (must lie after the "
             "grace period).")
    credit_hold = fields.Boolean(
        help="Put the customer on credit hold at this stage (must lie "
             "after the due date).")

    # Deferred to the end of the transaction, so that the constraint below
    # reports a duplicate day with a translated message first; the key
    # still guards what bypasses the ORM and concurrent transactions.
    _sql_constraints = [
        ('day_offset_unique',
         'UNIQUE (policy_id, day_offset) DEFERRABLE INITIALLY DEFERRED',
         'Two stages of one policy cannot have the same day offset.'),
    ]

    @api.constrains('charge_fee', 'credit_hold', 'day_offset', 'policy_id')
    def _check_day(self):
        """The policy's stage rules (late_fees.stage_problems): days in
        range and each its own, fees after the grace period."""
        self.mapped('policy_id')._check_terms()

    @api.constrains('send_email', 'mail_template_id')
    def _check_mail_template(self):
        for stage in self:
            template = stage.mail_template_id
            if template and template.model != 'account.invoice':
                raise ValidationError(
                    _("Stage %(stage)s: the email template %(template)s "
                      "must be on invoices (account.invoice), not on "
                      "%(model)s.") % {
                          'stage': stage.name, 'template': template.name,
                          'model': template.model})
            if stage.send_email and not template:
                raise ValidationError(
                    _("Stage %s sends an email: choose its template.")
                    % stage.name)

    @api.constrains('create_activity', 'activity_type_id')
    def _check_activity_type(self):
        for stage in self:
            if stage.create_activity and not stage.activity_type_id:
                raise ValidationError(
                    _("Stage %s schedules an activity: choose its type.")
                    % stage.name)

    @api.model
    def load(self, fields, data):
        """Odoo's importer, with the constraints' own messages."""
        return _clean_import_messages(
            super(LatePaymentPolicyStage, self).load(fields, data))
