# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class LateFeeCharge(models.Model):
    """One late fee charged on an invoice, with every input of its computation.

    ``evaluation`` and ``terms`` keep the engine's full result and the terms
    used (JSON); the other fields repeat the figures worth filtering on.
    """
    _name = 'late.fee.charge'
    _description = 'Late fee charge'
    _order = 'date desc, id desc'
    _rec_name = 'fee_invoice_id'

    invoice_id = fields.Many2one(
        'account.invoice', required=True, index=True,
        ondelete='cascade', readonly=True)
    fee_invoice_id = fields.Many2one(
        'account.invoice', required=True, index=True,
        ondelete='restrict', readonly=True)
    fee_invoice_state = fields.Selection(
        related='fee_invoice_id.state', string='Fee Invoice Status',
        readonly=True)
    partner_id = fields.Many2one(
        related='invoice_id.commercial_partner_id', store=True,
        readonly=True)
    company_id = fields.Many2one(
        related='invoice_id.company_id', store=True, readonly=True)
    currency_id = fields.Many2one(
        'res.currency', required=True, readonly=True)
    date = fields.Date(string='Charged as of', required=True, readonly=True)
    amount = fields.Monetary(readonly=True)
    user_id = fields.Many2one(
        'res.users', string='Charged by', readonly=True,
        default=lambda self: self.env.user)
    first_charge = fields.Boolean(readonly=True)
    previous_charges = fields.Float(digits=(16, 6), readonly=True)
    open_balance = fields.Float(digits=(16, 6), readonly=True)
    period_start = fields.Date(string='Interest From', readonly=True)
    period_end = fields.Date(string='Interest To', readonly=True)
    interest_days = fields.Integer(readonly=True)
    hold_days = fields.Integer(string='Days on Hold', readonly=True)
    rate = fields.Float(string='Annual Rate (%)', digits=(16, 4), readonly=True)
    fixed_part = fields.Float(digits=(16, 6), readonly=True)
    percent = fields.Float(string='Percentage (%)', digits=(16, 4),
                           readonly=True)
    percent_base = fields.Float(digits=(16, 6), readonly=True)
    percent_part = fields.Float(digits=(16, 6), readonly=True)
    interest_part = fields.Float(digits=(16, 6), readonly=True)
    minimum_applied = fields.Boolean(readonly=True)
    cap_applied = fields.Boolean(readonly=True)
    cap_reduction = fields.Float(digits=(16, 6), readonly=True)
    explanation = fields.Text(readonly=True)
    evaluation = fields.Text(
        string='Computation (JSON)', readonly=True,
        help="The engine's result, exact decimals as strings.")
    terms = fields.Text(
        string='Terms (JSON)', readonly=True,
        help="The policy terms used, in the invoice currency.")
