# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .res_company import AUTO_INVOICE_MODES


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
        string='No Payment Reminders',
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

    @api.model
    def _commercial_fields(self):
        return super(ResPartner, self)._commercial_fields() + [
            'auto_invoice_on_delivery', 'require_po_ref',
            'no_payment_reminders', 'credit_hold', 'credit_hold_date',
            'credit_hold_reason']

    @api.multi
    def _get_auto_invoice_mode(self, company):
        """Delivery invoicing mode of this customer in ``company``."""
        self.ensure_one()
        partner = self.commercial_partner_id
        return partner.auto_invoice_on_delivery \
            or company.auto_invoice_on_delivery or 'off'
