# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A customer's promise to pay some of its open invoices by a day. The
rules (when the promised invoices are covered, when the promise is kept
or broken) are in ``promises.py``; the daily run reads and settles the
promises in ``payment_reminder_run_promise.py``."""
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import format_date, formatLang

from .. import promises

PROMISE_STATES = [
    (promises.OPEN, 'Open'),
    (promises.KEPT, 'Kept'),
    (promises.BROKEN, 'Broken'),
    (promises.CANCELLED, 'Cancelled'),
]


class PaymentPromise(models.Model):
    _name = 'payment.promise'
    _description = 'Promise to pay'
    _inherit = ['mail.thread', 'mail.activity.mixin']
    _order = 'promised_date desc, id desc'

    partner_id = fields.Many2one(
        'res.partner', string='Customer', required=True, index=True,
        readonly=True, states={'open': [('readonly', False)]},
        domain=[('parent_id', '=', False)],
        help="The commercial partner of the promised invoices.")
    invoice_ids = fields.Many2many(
        'account.invoice', 'payment_promise_invoice_rel', 'promise_id',
        'invoice_id', string='Invoices', required=True, readonly=True,
        states={'open': [('readonly', False)]},
        help="Open customer invoices when promised (no domain here: an "
             "Odoo 11 many2many reads through its domain, and the paid "
             "invoices must stay on the promise).")
    date = fields.Date(
        string='Taken On', required=True, readonly=True,
        default=lambda self: self._default_date(),
        help="The day the promise was taken: payments from that day on "
             "count towards it.")
    promised_date = fields.Date(
        required=True, readonly=True,
        states={'open': [('readonly', False)]},
        track_visibility='onchange')
    grace_days = fields.Integer(
        readonly=True,
        help="Days after the promised date before the promise is broken, "
             "from the invoices' late-payment policy when it was taken.")
    grace_end_date = fields.Date(
        string='Broken After', compute='_compute_grace_end_date',
        store=True,
        help="The last day of the grace: unpaid by then, the promise is "
             "broken the next day.")
    currency_id = fields.Many2one(
        'res.currency', required=True, readonly=True,
        states={'open': [('readonly', False)]})
    amount = fields.Monetary(
        string='Promised Amount', required=True, readonly=True,
        states={'open': [('readonly', False)]},
        track_visibility='onchange')
    paid_amount = fields.Monetary(
        string='Paid', readonly=True,
        help="Paid towards the promise when it was settled.")
    paid_invoice_ids = fields.Many2many(
        'account.invoice', 'payment_promise_paid_invoice_rel',
        'promise_id', 'invoice_id', string='Invoices Paid', readonly=True,
        help="The promised invoices paid in full when it was settled.")
    note = fields.Text()
    user_id = fields.Many2one(
        'res.users', string='Taken By', required=True, readonly=True,
        default=lambda self: self.env.user,
        help="Gets the activity when the promise is broken.")
    company_id = fields.Many2one(
        'res.company', required=True, index=True, readonly=True,
        default=lambda self: self.env.user.company_id)
    state = fields.Selection(
        PROMISE_STATES, required=True, default=promises.OPEN,
        readonly=True, index=True, track_visibility='onchange')
    date_settled = fields.Date(
        string='Settled On', readonly=True,
        help="The day the run found the promise kept or broken.")

    @api.model
    def _default_date(self):
        """The context's ``late_payment_as_of`` (a replayed day), else
        today."""
        return self.env['account.invoice']._late_payment_as_of()

    @api.depends('promised_date', 'grace_days')
    def _compute_grace_end_date(self):
        for promise in self:
            if promise.promised_date:
                promise.grace_end_date = fields.Date.to_string(
                    promises.grace_end(
                        fields.Date.from_string(promise.promised_date),
                        promise.grace_days))

    @api.constrains('promised_date', 'date', 'amount')
    def _check_date_and_amount(self):
        for promise in self:
            if fields.Date.from_string(promise.promised_date) \
                    < fields.Date.from_string(promise.date):
                raise ValidationError(_(
                    "The promised date %(promised)s is in the past: the "
                    "promise is taken on %(taken)s.") % {
                        'promised': format_date(self.env,
                                                promise.promised_date),
                        'taken': format_date(self.env, promise.date)})
            if promise.currency_id.compare_amounts(promise.amount, 0) <= 0:
                raise ValidationError(_(
                    "The promised amount must be greater than zero."))

    @api.constrains('invoice_ids', 'partner_id', 'company_id', 'state')
    def _check_invoices(self):
        for promise in self.filtered(lambda rec: rec.state == 'open'):
            invoices = promise.invoice_ids
            if not invoices:
                raise ValidationError(_(
                    "A promise to pay needs at least one invoice."))
            not_open = invoices.filtered(
                lambda inv: inv.type != 'out_invoice' or inv.state != 'open')
            if not_open:
                raise ValidationError(_(
                    "Only posted, open customer invoices can be promised: "
                    "%s") % ', '.join(
                        not_open.mapped(lambda inv: inv.number or _('draft'))))
            if invoices.mapped('commercial_partner_id') \
                    != promise.partner_id:
                raise ValidationError(_(
                    "The invoices of a promise must all be of one customer, "
                    "%s.") % promise.partner_id.display_name)
            if invoices.mapped('company_id') != promise.company_id:
                raise ValidationError(_(
                    "The invoices of a promise must all be of one company, "
                    "%s.") % promise.company_id.name)
            if invoices.mapped('currency_id') != promise.currency_id:
                raise ValidationError(_(
                    "The invoices of a promise must all be in one currency, "
                    "the promise's."))
        others = self.search([('invoice_ids', 'in', self.mapped(
            'invoice_ids').ids), ('state', '=', promises.OPEN),
            ('id', 'not in', self.ids)])
        for promise in self.filtered(lambda rec: rec.state == 'open'):
            taken = others.filtered(
                lambda rec, own=promise: rec.invoice_ids & own.invoice_ids)
            if taken:
                raise ValidationError(_(
                    "Invoice %s is already under an open promise to pay.")
                    % ', '.join((taken[0].invoice_ids & promise.invoice_ids)
                                .mapped('number')))

    @api.multi
    def name_get(self):
        return [(promise.id, _("Promise of %(partner)s for %(date)s") % {
            'partner': promise.partner_id.name,
            'date': format_date(self.env, promise.promised_date)})
            for promise in self]

    @api.model
    def create(self, vals):
        """The customer, company, currency, amount (the invoices' residual)
        and grace days (their policy's) from the invoices when not
        given."""
        invoices = self.env['account.invoice'].browse(
            self._m2m_ids(vals.get('invoice_ids')))
        if invoices:
            vals = dict(vals)
            vals.setdefault('partner_id',
                            invoices[0].commercial_partner_id.id)
            vals.setdefault('company_id', invoices[0].company_id.id)
            vals.setdefault('currency_id', invoices[0].currency_id.id)
            if 'amount' not in vals:
                vals['amount'] = sum(invoices.mapped('residual'))
            vals.setdefault('grace_days', max(invoices.mapped(
                'late_payment_policy_id.promise_grace_days') or [0]) if any(
                    invoices.mapped('late_payment_policy_id')) else 2)
        if not vals.get('currency_id'):
            vals['currency_id'] = self.env.user.company_id.currency_id.id
        return super(PaymentPromise, self).create(vals)

    @api.model
    def _m2m_ids(self, commands):
        """The ids a many2many's write commands set (6 and 4)."""
        ids = []
        for command in commands or []:
            if command[0] == 6:
                ids = list(command[2])
            elif command[0] == 4:
                ids.append(command[1])
        return ids

    @api.multi
    def _format_amount(self, amount):
        return formatLang(self.env, amount, currency_obj=self.currency_id)

    @api.multi
    def action_cancel(self):
        """Cancel open promises: the run chases their invoices again."""
        if self.filtered(lambda rec: rec.state != promises.OPEN):
            raise UserError(_("Only an open promise can be cancelled."))
        self.write({'state': promises.CANCELLED})
        for promise in self:
            promise.message_post(body=_("Promise cancelled."))
        return True

    @api.multi
    def _settle(self, outcome, as_of, paid):
        """Write the outcome of the promise ``self`` found by the run of
        ``as_of``, ``paid`` having been paid towards it: the invoices
        paid in full noted; broken, an activity for the user who took it
        and a message on each invoice still open, whose reminders
        resume."""
        self.ensure_one()
        paid_invoices = self.invoice_ids.filtered(
            lambda inv: inv.state == 'paid')
        self.write({'state': outcome, 'date_settled': as_of,
                    'paid_amount': paid,
                    'paid_invoice_ids': [(6, 0, paid_invoices.ids)]})
        values = {
            'paid': self._format_amount(paid),
            'amount': self._format_amount(self.amount),
            'date': format_date(self.env, self.promised_date),
        }
        if outcome == promises.KEPT:
            self.message_post(body=_(
                "Promise kept: %(paid)s paid of the %(amount)s promised "
                "for %(date)s.") % values)
            return
        unpaid = self.invoice_ids - paid_invoices
        values['invoices'] = ', '.join(unpaid.mapped('number'))
        values['paid_invoices'] = ', '.join(
            paid_invoices.mapped('number')) or _('none')
        body = _(
            "Promise broken: %(paid)s paid of the %(amount)s promised for "
            "%(date)s. Invoices paid: %(paid_invoices)s. The reminders of "
            "%(invoices)s resume.") % values
        self.message_post(body=body)
        for invoice in unpaid:
            invoice.message_post(body=body)
        self.env['mail.activity'].create({
            'res_model_id': self.env.ref(
                'customer_invoicing_flow.model_payment_promise').id,
            'res_id': self.id,
            'activity_type_id': self.env.ref(
                'mail.mail_activity_data_todo').id,
            'user_id': self.user_id.id,
            'date_deadline': as_of,
            'summary': _("Promise broken"),
            'note': body,
        })
