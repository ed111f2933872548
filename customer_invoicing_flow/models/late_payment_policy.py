# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# The policy fields frozen on an invoice at validation (see
# account.invoice.late_payment_terms). Amounts are in the company currency.
FROZEN_AMOUNTS = ('fee_fixed', 'fee_min', 'fee_max')
FROZEN_RATES = ('fee_percent', 'interest_rate')


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
        string='Percentage Fee (%)', digits=(16, 4),
        track_visibility='onchange',
        help="Percentage of the open balance on the day of the first "
             "charge, charged once per invoice.")
    interest_rate = fields.Float(
        string='Annual Interest Rate (%)', digits=(16, 4),
        track_visibility='onchange',
        help="Simple interest, actual/365: each day late accrues 1/365 of "
             "this rate on the balance open at the end of the day.")
    interest_start = fields.Selection(
        [('due', 'Day after the due date'),
         ('grace_end', 'Day after the grace period')],
        string='Interest From', required=True, default='due',
        track_visibility='onchange')
    fee_min = fields.Monetary(
        string='Minimum First Charge', currency_field='currency_id',
        track_visibility='onchange',
        help="The first charge is at least this amount, when a fee is "
             "charged at all.")
    fee_max = fields.Monetary(
        string='Cap per Invoice', currency_field='currency_id',
        track_visibility='onchange',
        help="Maximum total of all the fees charged for one invoice; "
             "0 means no cap.")
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

    # Ranges are checked in Python (below) rather than by SQL CHECKs, so that
    # the user gets the translated message and not a database error.

    @api.constrains('grace_days')
    def _check_grace_days(self):
        for policy in self:
            if policy.grace_days < 0:
                raise ValidationError(
                    _("The grace period of policy %s cannot be negative.")
                    % policy.name)

    @api.constrains('fee_fixed', 'fee_min', 'fee_max', 'interest_rate')
    def _check_amounts(self):
        for policy in self:
            if min(policy.fee_fixed, policy.fee_min, policy.fee_max,
                   policy.interest_rate) < 0:
                raise ValidationError(
                    _("Policy %s: the fixed fee, the minimum, the cap and the "
                      "interest rate cannot be negative.") % policy.name)

    @api.constrains('fee_percent')
    def _check_fee_percent(self):
        for policy in self:
            if not 0 <= policy.fee_percent <= 100:
                raise ValidationError(
                    _("Policy %s: the percentage fee must be between 0 and "
                      "100.") % policy.name)

    @api.constrains('grace_days', 'stage_ids')
    def _check_fee_stages_after_grace(self):
        self.mapped('stage_ids')._check_charge_after_grace()

    @api.constrains('fee_product_id')
    def _check_fee_product(self):
        for policy in self:
            if policy.fee_product_id.type != 'service':
                raise ValidationError(
                    _("Policy %s: the fee product must be a service.")
                    % policy.name)

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

    @api.multi
    def _get_policy_terms(self, invoice, date):
        """This policy's current terms for ``invoice``, charged on ``date``."""
        self.ensure_one()
        return self.env['account.invoice']._terms_from_values(
            self._late_payment_terms_values(), invoice, date)


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
        help="Put the customer on credit hold at this stage.")

    _sql_constraints = [
        ('day_offset_unique', 'UNIQUE (policy_id, day_offset)',
         'Two stages of one policy cannot have the same day offset.'),
    ]

    @api.constrains('charge_fee', 'day_offset', 'policy_id')
    def _check_charge_after_grace(self):
        for stage in self:
            if stage.charge_fee and stage.day_offset <= stage.policy_id.grace_days:
                raise ValidationError(
                    _("Stage %(stage)s charges a fee on day %(day)d, within "
                      "the grace period of %(grace)d days of policy "
                      "%(policy)s: a fee-charging stage must lie after the "
                      "grace period.") % {
                          'stage': stage.name, 'day': stage.day_offset,
                          'grace': stage.policy_id.grace_days,
                          'policy': stage.policy_id.name})

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
