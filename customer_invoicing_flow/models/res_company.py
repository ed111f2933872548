# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

AUTO_INVOICE_MODES = [
    ('off', 'Off'),
    ('draft', 'Draft invoice'),
    ('posted', 'Posted invoice'),
    ('sent', 'Posted and emailed'),
]


class ResCompany(models.Model):
    _inherit = 'res.company'

    auto_invoice_on_delivery = fields.Selection(
        AUTO_INVOICE_MODES, string='Invoice on delivery', default='off',
        required=True,
        help="When a delivery of a sales order is validated, invoice what "
             "was delivered: not at all (off), as a draft invoice, as a "
             "posted invoice, or posted and emailed to the customer. "
             "A customer can override this on its form.")
    collections_user_id = fields.Many2one(
        'res.users', string='Collections Fallback User',
        help="Receives the collections to-dos nobody else is assigned to: "
             "the phone calls of reminder stages without a responsible on "
             "invoices without a salesperson, the requests to reconcile "
             "unapplied payments before a reminder, and the delivery "
             "invoicing problems of orders without a salesperson.")
    late_payment_policy_id = fields.Many2one(
        'late.payment.policy', string='Default Late-Payment Policy',
        domain="[('company_id', '=', id)]",
        help="Applied to the customer invoices validated in this company, "
             "unless the customer has its own policy.")
