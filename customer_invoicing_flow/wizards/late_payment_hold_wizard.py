# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.tools.misc import format_date

from ..button_api import without_defaults


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
        required=True,
        default=lambda self: self.env['account.invoice']
        ._late_payment_as_of(),
        help="Putting on hold: the first day on hold, no interest accrues "
             "from this day on. Releasing: the first day no longer on "
             "hold.")
    reason = fields.Char(required=True)

    @api.model
    def _default_invoice_ids(self):
        if self.env.context.get('active_model') != 'account.invoice':
            return []
        return [(6, 0, self.env.context.get('active_ids') or [])]

    @api.model
    def create(self, vals):
        return super(LatePaymentHoldWizard, self).create(
            self._checked_date(vals))

    @api.multi
    def write(self, vals):
        return super(LatePaymentHoldWizard, self).write(
            self._checked_date(vals))

    @api.multi
    def action_confirm(self):
        """Hold or release. Several invoices (the list action): those
        already on hold or not open are left alone, and the answer says
        what was done."""
        self.ensure_one()
        self.env['account.invoice']._check_collections_user()
        invoices = without_defaults(self.invoice_ids)
        if self.release:
            invoices.action_payment_release(date=self.date,
                                            reason=self.reason)
            return {'type': 'ir.actions.act_window_close'}
        if len(invoices) == 1:
            invoices.action_payment_hold(self.reason, date=self.date)
            return {'type': 'ir.actions.act_window_close'}
        skipped = []
        to_hold = invoices.browse()
        for invoice in invoices:
            if invoice.payment_hold:
                skipped.append(_("%s: already on payment hold")
                               % invoice.number)
            elif invoice.type != 'out_invoice' or invoice.state != 'open':
                skipped.append(_("%s: not an open customer invoice") % (
                    invoice.number or invoice.display_name))
            else:
                to_hold |= invoice
        if to_hold:
            to_hold.action_payment_hold(self.reason, date=self.date)
        lines = [_("%(count)d invoice(s) put on payment hold from %(date)s: "
                   "%(invoices)s.") % {
                       'count': len(to_hold),
                       'date': format_date(self.env, self.date),
                       'invoices': ', '.join(to_hold.mapped('number'))
                       or '-'}]
        if skipped:
            lines.append(_("%d invoice(s) left alone:") % len(skipped))
            lines.extend('- %s' % reason for reason in skipped)
        return self.env['collections.result.wizard']._show(
            _("Put on Payment Hold"), lines)

    @api.model
    def _checked_date(self, vals):
        """``vals`` with its date checked: a value that is no date is
        refused with a clear message (Odoo's would be a bare ValueError, or
        the database's for a day out of range)."""
        if vals.get('date'):
            vals = dict(vals, date=self.env['account.invoice']._button_date(
                vals['date']))
        return vals
