# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The invoice's promises to pay: the open one shown on the form, and the
button recording one (see payment_promise.py)."""
from odoo import api, fields, models

from ..button_api import clean_context


class AccountInvoice(models.Model):
    _inherit = 'account.invoice'  # pylint: disable=R8180

    promise_ids = fields.Many2many(
        'payment.promise', 'payment_promise_invoice_rel', 'invoice_id',
        'promise_id', string='Promises to Pay', readonly=True, copy=False)
    promise_id = fields.Many2one(
        'payment.promise', string='Promise to Pay',
        compute='_compute_promise_id',
        help="The customer's open promise to pay this invoice.")

    @api.depends('promise_ids.state')
    def _compute_promise_id(self):
        for invoice in self:
            invoice.promise_id = invoice.promise_ids.filtered(
                lambda promise: promise.state == 'open')[:1]

    @api.multi
    def action_promise_to_pay(self):
        """Open the dialog recording a promise to pay these invoices (the
        invoice form's button, the Follow-up list's action)."""
        self._check_collections_user()
        return self._promise_wizard_action(self)

    @api.model
    def _promise_wizard_action(self, invoices):
        """The promise dialog on ``invoices``, in a context without the
        opening action's defaults."""
        context = clean_context(self.env.context)
        context.update(active_model='account.invoice',
                       active_ids=invoices.ids,
                       active_id=invoices[:1].id)
        return {
            'type': 'ir.actions.act_window',
            'name': self.env['payment.promise.wizard']._description,
            'res_model': 'payment.promise.wizard',
            'view_mode': 'form',
            'target': 'new',
            'context': context,
        }
