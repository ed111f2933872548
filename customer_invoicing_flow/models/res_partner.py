# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import date
from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import format_date, html_escape

from .. import collections_kpis as kpis
from .. import dates
from .res_company import AUTO_INVOICE_MODES

COLLECTIONS_USER = 'customer_invoicing_flow.group_collections_user'
COLLECTIONS_MANAGER = 'customer_invoicing_flow.group_collections_manager'


def _day(value):
    return fields.Date.from_string(value) if value else None


class ResPartner(models.Model):
    _inherit = 'res.partner'

    auto_invoice_on_delivery = fields.Selection(
        AUTO_INVOICE_MODES, string='Invoice on delivery',
        help="Leave empty to follow the company setting. Decided on the "
             "commercial partner (the company of a contact).")
    require_po_ref = fields.Boolean(
        string='Requires a PO reference',
        help="Invoices of this customer are not posted automatically when "
             "the sales order has no customer reference (purchase order).")
    late_payment_policy_id = fields.Many2one(
        'late.payment.policy', string='Late-Payment Policy',
        help="Overrides the company's default policy on this customer's "
             "invoices. Decided on the commercial partner (the company of a "
             "contact).")
    no_payment_reminders = fields.Boolean(
        help="Opt this customer out of the scheduled late-payment "
             "reminders, fees and credit holds. Decided on the commercial "
             "partner.")
    credit_hold = fields.Boolean(
        copy=False, readonly=True, track_visibility='onchange',
        help="Sales orders of this customer cannot be confirmed. Set by a "
             "reminder stage; lifted by a collections manager, or by itself "
             "when no invoice at a credit-hold stage remains open.")
    credit_hold_date = fields.Date(copy=False, readonly=True)
    credit_hold_reason = fields.Char(copy=False, readonly=True)
    # What applies when the fields above are left empty, shown in both
    # modes of the form (an empty field reads as blank in read mode)
    late_payment_policy_in_force = fields.Char(
        string='Late-Payment Policy in Force',
        compute='_compute_in_force_settings',
        help="The policy applied to this customer's invoices in your "
             "company: the customer's own, else the company default.")
    auto_invoice_on_delivery_in_force = fields.Char(
        string='Invoice on Delivery in Force',
        compute='_compute_in_force_settings',
        help="How this customer's deliveries are invoiced in your company: "
             "the customer's own mode, else the company setting.")

    # Collections KPIs of the commercial partner in the user's company
    collections_avg_days_to_pay = fields.Float(
        string='Average Days to Pay', digits=(16, 2),
        compute='_compute_collections_kpis', groups=COLLECTIONS_USER,
        help="Average days from the invoice date to the paid date of the "
             "customer's paid invoices.")
    collections_on_time_rate = fields.Float(
        string='Paid on Time (%)', digits=(16, 2),
        compute='_compute_collections_kpis', groups=COLLECTIONS_USER,
        help="Among the customer's invoices paid or past due today, the "
             "share paid on or before the due date.")
    collections_overdue_amount = fields.Monetary(
        string='Overdue Amount', compute='_compute_collections_kpis',
        groups=COLLECTIONS_USER,
        help="What remains to pay on the customer's invoices past due "
             "today, in the company currency.")
    collections_reminder_count = fields.Integer(
        string='Reminders This Year', compute='_compute_collections_kpis',
        groups=COLLECTIONS_USER,
        help="Reminder emails sent to the customer since January 1st.")

    @api.depends('late_payment_policy_id', 'auto_invoice_on_delivery',
                 'commercial_partner_id.late_payment_policy_id',
                 'commercial_partner_id.auto_invoice_on_delivery')
    def _compute_in_force_settings(self):
        """Decided on the commercial partner, as on invoices, in the user's
        company; the policies' names in one read."""
        company = self.env.user.company_id
        commercials = {
            partner: partner.commercial_partner_id
            if partner.parent_id and not partner.is_company else partner
            for partner in self}
        # sudo: the name of a policy is shown to whoever sees the customer
        policies = (self.env['late.payment.policy'].browse()
                    .union(*[commercial.late_payment_policy_id
                             for commercial in commercials.values()])
                    | company.late_payment_policy_id).sudo()
        policy_names = {policy.id: (policy.name, policy.company_id.id,
                                    policy.limit_to_companies)
                        for policy in policies}
        modes = dict(self._fields['auto_invoice_on_delivery']
                     ._description_selection(self.env))
        default_policy = policy_names.get(
            company.sudo().late_payment_policy_id.id)
        default_policy_text = _("Company default: %s") % (
            default_policy[0] if default_policy else _("none"))
        # a policy limited to business customers is not applied to a
        # private one (see account.invoice._default_late_payment_policy)
        private_default_text = _("Company default: %s") % (
            default_policy[0] if default_policy and not default_policy[2]
            else _("none"))
        default_mode_text = _("Company default: %s") % modes.get(
            company.auto_invoice_on_delivery or 'off', '')
        for partner in self:
            commercial = commercials[partner]
            own = policy_names.get(commercial.late_payment_policy_id.id)
            # a policy of another company is not applied here (see
            # account.invoice._default_late_payment_policy)
            private = not commercial.is_company
            if own and own[1] == company.id and not (private and own[2]):
                partner.late_payment_policy_in_force = own[0]
            else:
                partner.late_payment_policy_in_force = private_default_text \
                    if private else default_policy_text
            mode = commercial.auto_invoice_on_delivery
            partner.auto_invoice_on_delivery_in_force = modes[mode] \
                if mode else default_mode_text

    @api.multi
    def _compute_collections_kpis(self):
        """One invoice query and one reminder query for the whole set;
        a contact shows its company's figures."""
        today = self._collections_as_of()
        commercial = self.mapped('commercial_partner_id').filtered(
            lambda partner: isinstance(partner.id, int))
        stats = commercial._collections_stats(
            self.env.user.company_id, today)
        for partner in self:
            values = stats.get(partner.commercial_partner_id.id, {})
            partner.collections_avg_days_to_pay = values.get(
                'avg_days_to_pay', 0.0)
            partner.collections_on_time_rate = values.get(
                'on_time_rate', 0.0)
            partner.collections_overdue_amount = values.get('overdue', 0.0)
            partner.collections_reminder_count = values.get('reminders', 0)

    @api.model
    def _collections_as_of(self):
        """The date the KPIs are judged at: the ``late_payment_as_of``
        context key (a date or its string) when given, else today."""
        as_of = self.env.context.get('late_payment_as_of') \
            or fields.Date.context_today(self)
        try:
            return dates.to_day(as_of)
        except ValueError:
            raise UserError(_("Not a date: %r") % (as_of,))

    @api.multi
    def _collections_stats(self, company, today):
        """``{commercial partner id: {kpi: value}}`` for ``self`` (commercial
        partners) in ``company`` as of the date ``today``."""
        if not self:
            return {}
        invoices = self.env['account.invoice'].search_read([
            ('commercial_partner_id', 'in', self.ids),
            ('company_id', '=', company.id),
            ('type', '=', 'out_invoice'),
            ('state', 'in', ('open', 'paid')),
        ], ['commercial_partner_id', 'state', 'date_invoice', 'date_due',
            'paid_date', 'residual_company_signed'])
        by_partner = defaultdict(list)
        for row in invoices:
            by_partner[row['commercial_partner_id'][0]].append(row)
        digits = company.currency_id.decimal_places
        stats = {}
        for partner_id, rows in by_partner.items():
            due = [(partner_id, _day(row['date_due']), _day(row['paid_date']))
                   for row in rows]
            days = kpis.average_days([
                (_day(row['date_invoice']), _day(row['paid_date']))
                for row in rows])
            share = kpis.on_time_share(due, None, today)
            overdue = sum((
                kpis.to_decimal(row['residual_company_signed'], digits)
                for row in rows if row['state'] == 'open'
                and _day(row['date_due']) < today), Decimal(0))
            stats[partner_id] = {
                'avg_days_to_pay': float(days or 0),
                'on_time_rate': float((share or 0) * 100),
                'overdue': float(overdue),
            }
        year_start = date(today.year, 1, 1)
        reminders = self.env['payment.reminder.log'].read_group([
            ('partner_id', 'in', self.ids),
            ('email_sent', '=', True),
            ('date', '>=', fields.Date.to_string(year_start)),
            ('date', '<=', fields.Date.to_string(
                date(today.year, 12, 31))),
        ], ['partner_id'], ['partner_id'])
        for group in reminders:
            stats.setdefault(group['partner_id'][0], {})['reminders'] = \
                group['partner_id_count']
        return stats

    @api.model
    def _commercial_fields(self):
        return super(ResPartner, self)._commercial_fields() + [
            'auto_invoice_on_delivery', 'require_po_ref',
            'no_payment_reminders', 'credit_hold', 'credit_hold_date',
            'credit_hold_reason']

    @api.multi
    def action_release_credit_hold(self):
        """Lift the credit hold of the customers (their commercial
        partners), with a note in their chatter. Collections managers
        only."""
        if not self.env.user.has_group(COLLECTIONS_MANAGER):
            raise AccessError(_(
                "Only a collections manager can release a customer from "
                "credit hold."))
        partners = self.mapped('commercial_partner_id').filtered(
            'credit_hold')
        for partner in partners:
            reason = partner.credit_hold_reason
            # sudo: the manager's right is checked above; he may lack the
            # partner-manager right to write on customers
            partner.sudo().write({'credit_hold': False,
                                  'credit_hold_date': False,
                                  'credit_hold_reason': False})
            if reason:
                body = _("Credit hold released by %(user)s (it was set for: "
                         "%(reason)s).") % {
                             'user': html_escape(self.env.user.name),
                             'reason': html_escape(reason)}
            else:
                body = _("Credit hold released by %s.") % html_escape(
                    self.env.user.name)
            partner.sudo().message_post(
                body=body, author_id=self.env.user.partner_id.id)
        return True

    @api.multi
    def _credit_hold_set(self, invoices, as_of):
        """Put the customer (a commercial partner) on credit hold for its
        overdue ``invoices``, with a note; returns the customer if it was
        put on hold now (not already on hold), else an empty set."""
        self.ensure_one()
        if self.credit_hold:
            return self.browse()
        names = ', '.join(invoices.mapped('number'))
        self.write({
            'credit_hold': True, 'credit_hold_date': as_of,
            'credit_hold_reason': _("Overdue invoices: %s") % names})
        self.message_post(body=_(
            "Credit hold from %(date)s: invoices %(invoices)s are overdue "
            "past the credit-hold stage. Sales orders cannot be confirmed "
            "until they are paid or a collections manager releases the "
            "hold.") % {'date': format_date(self.env, as_of),
                        'invoices': names})
        return self

    @api.model
    def _credit_hold_release_paid(self):
        """Lift the credit holds of customers with no open invoice at a
        credit-hold stage any more (paid, or credited); returns them."""
        self.env.cr.execute("""
            SELECT partner.id
              FROM res_partner partner
             WHERE partner.credit_hold
               AND partner.id = partner.commercial_partner_id
               AND NOT EXISTS (
                   SELECT 1
                     FROM payment_reminder_log log
                     JOIN account_invoice inv ON inv.id = log.invoice_id
                    WHERE log.partner_id = partner.id
                      AND log.credit_hold
                      AND log.state IN ('done', 'skipped')
                      AND inv.state = 'open')
        """)
        partners = self.browse([row[0] for row in self.env.cr.fetchall()])
        for partner in partners:
            partner.write({'credit_hold': False, 'credit_hold_date': False,
                           'credit_hold_reason': False})
            partner.message_post(body=_(
                "Credit hold lifted: no overdue invoice at a credit-hold "
                "stage remains open."))
        return partners

    @api.multi
    def _activity_responsible(self, company, salesperson=None,
                              assigned=None):
        """Who gets an activity about this customer's document in
        ``company``, the one rule for the reminder stages, the
        reconciliation to-do and the delivery-invoicing problems: the user
        ``assigned`` to the task (a stage's responsible), else the
        document's ``salesperson`` (invoice or order), else the customer's
        salesperson, else the company's collections responsible, else the
        user running the code. Archived users are passed over."""
        commercial = self[:1].commercial_partner_id
        for user in (assigned, salesperson, commercial.user_id,
                     company.collections_user_id):
            if user and user.active:
                return user
        return self.env.user

    @api.multi
    def _get_auto_invoice_mode(self, company):
        """Delivery invoicing mode of this customer in ``company``."""
        self.ensure_one()
        partner = self.commercial_partner_id
        return partner.auto_invoice_on_delivery \
            or company.auto_invoice_on_delivery or 'off'
