# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class LatePaymentHoldWizard(models.TransientModel):
    """Put invoices on payment hold, or release them, with a reason."""
    _name = 'late.payment.hold.wizard'
    _description = 'Put invoices on payment hold or release them'

    invoice_ids = fields.Many2many(
        'account.invoice', string='Invoices',
        default=lambda self: self._default_invoice_ids())
    release = fields.Boolean(
        help="Release the hold instead of putting the invoices on hold.")
    date = fields.Date(
        required=True, default=fields.Date.context_today,
        help="Putting on hold: the first day on hold, no interest accrues "
             "from this day on. Releasing: the last day on hold.")
    reason = fields.Char(required=True)

    @api.model
    def _default_invoice_ids(self):
        if self.env.context.get('active_model') != 'account.invoice':
            return []
        return [(6, 0, self.env.context.get('active_ids') or [])]

    @api.multi
    def action_confirm(self):
        self.ensure_one()
        if self.release:
            self.invoice_ids.action_payment_release(self.date, self.reason)
        else:
            self.invoice_ids.action_payment_hold(self.reason, self.date)
        return {'type': 'ir.actions.act_window_close'}
