# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date

from ..button_api import without_defaults


class PaymentPromiseWizard(models.TransientModel):
    """Record a customer's promise to pay some of its open invoices, from
    the invoice form, the Follow-up list (several invoices) or the
    customer form (its late invoices)."""
    _name = 'payment.promise.wizard'
    _description = 'Record a promise to pay'

    invoice_ids = fields.Many2many(
        'account.invoice', string='Invoices',
        default=lambda self: self._default_invoice_ids(),
        help="Open customer invoices of one customer (none: Record Promise "
             "says so).")
    partner_id = fields.Many2one(
        'res.partner', string='Customer', compute='_compute_partner_id')
    currency_id = fields.Many2one(
        'res.currency', compute='_compute_partner_id')
    date = fields.Date(
        string='Taken On', required=True,
        default=lambda self: self.env['account.invoice']
        ._late_payment_as_of(),
        help="Payments from this day on count towards the promise.")
    promised_date = fields.Date(required=True)
    amount = fields.Monetary(
        string='Promised Amount', required=True,
        default=lambda self: self._default_amount(),
        help="By default what remains to pay on the invoices.")
    note = fields.Text()

    @api.model
    def _default_invoice_ids(self):
        if self.env.context.get('active_model') != 'account.invoice':
            return []
        return [(6, 0, self.env.context.get('active_ids') or [])]

    @api.model
    def _default_amount(self):
        if self.env.context.get('active_model') != 'account.invoice':
            return 0.0
        return sum(self.env['account.invoice'].browse(
            self.env.context.get('active_ids') or []).mapped('residual'))

    @api.depends('invoice_ids')
    def _compute_partner_id(self):
        for wizard in self:
            wizard.partner_id = wizard.invoice_ids.mapped(
                'commercial_partner_id')[:1]
            wizard.currency_id = wizard.invoice_ids.mapped('currency_id')[:1]

    @api.onchange('invoice_ids')
    def _onchange_invoice_ids(self):
        self.amount = sum(self.invoice_ids.mapped('residual'))

    @api.multi
    def action_confirm(self):
        """Create the promise (taken by the current user) and say so on
        each invoice; returns the promise's form."""
        self.ensure_one()
        self.env['account.invoice']._check_collections_user()
        invoices = self.invoice_ids
        if not invoices:
            raise UserError(_("Choose the invoices the customer promises "
                              "to pay."))
        promise = without_defaults(self.env['payment.promise']).create({
            'invoice_ids': [(6, 0, invoices.ids)],
            'partner_id': invoices[0].commercial_partner_id.id,
            'company_id': invoices[0].company_id.id,
            'currency_id': invoices[0].currency_id.id,
            'date': self.date,
            'promised_date': self.promised_date,
            'amount': self.amount,
            'note': self.note,
        })
        promise.message_post(body=_(
            "Promise to pay %(amount)s by %(date)s taken.") % {
                'amount': promise._format_amount(promise.amount),
                'date': format_date(self.env, promise.promised_date)})
        return {
            'type': 'ir.actions.act_window',
            'res_model': 'payment.promise',
            'res_id': promise.id,
            'view_mode': 'form',
            'target': 'current',
        }
