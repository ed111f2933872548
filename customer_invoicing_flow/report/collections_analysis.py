# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools


class CollectionsAnalysis(models.Model):
    """One row per validated customer invoice or credit note, for the
    collections pivot and graph. Amounts are in the company currency and
    signed (credit notes negative). "Overdue" is judged today: paid after
    the due date, or still open past it (not "late", which is past the
    grace period of the late-payment policy, see late_fees.STATE_SELECTION).
    The column keeps its technical name ``late`` (saved filters use it)."""
    _name = 'collections.analysis'
    _description = 'Collections analysis'
    _auto = False
    _rec_name = 'number'
    _order = 'date_invoice desc, id desc'

    invoice_id = fields.Many2one('account.invoice', readonly=True)
    number = fields.Char(readonly=True)
    type = fields.Selection([
        ('out_invoice', 'Customer Invoice'),
        ('out_refund', 'Customer Credit Note'),
    ], readonly=True)
    state = fields.Selection([
        ('open', 'Open'),
        ('paid', 'Paid'),
    ], string='Status', readonly=True)
    partner_id = fields.Many2one(
        'res.partner', string='Customer', readonly=True,
        help="The commercial partner (the company of a contact).")
    user_id = fields.Many2one('res.users', string='Salesperson',
                              readonly=True)
    company_id = fields.Many2one('res.company', readonly=True)
    currency_id = fields.Many2one(
        'res.currency', string='Company Currency', readonly=True)
    late_payment_policy_id = fields.Many2one(
        'late.payment.policy', string='Late-Payment Policy', readonly=True)
    date_invoice = fields.Date(string='Invoice Date', readonly=True)
    date_due = fields.Date(string='Due Date', readonly=True)
    paid_date = fields.Date(string='Paid on', readonly=True)
    amount_total = fields.Monetary(
        string='Total', readonly=True, currency_field='currency_id')
    amount_residual = fields.Monetary(
        string='Amount Due', readonly=True, currency_field='currency_id')
    amount_paid = fields.Monetary(
        readonly=True, currency_field='currency_id')
    days_to_pay = fields.Float(
        string='Days to Pay', group_operator='avg', readonly=True,
        help="From the invoice date to the paid date; empty (not averaged) "
             "while unpaid.")
    delivery_to_invoice_hours = fields.Float(
        string='Hours Delivery to Invoice', group_operator='avg',
        readonly=True,
        help="From the delivery to the validation; empty (not averaged) "
             "without a delivery.")
    days_past_due = fields.Integer(
        group_operator='max', readonly=True,
        help="Days from the due date to today for open invoices past due.")
    paid_on_time = fields.Boolean(readonly=True)
    late = fields.Boolean(
        string='Overdue', readonly=True,
        help="Paid after the due date, or open and past due today.")
    is_fee = fields.Boolean(string='Late Fee', readonly=True)
    nbr = fields.Integer(string='# Invoices', readonly=True)
    on_time_count = fields.Integer(string='# Paid on Time', readonly=True)
    late_count = fields.Integer(string='# Overdue', readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute("""
            CREATE OR REPLACE VIEW collections_analysis AS (
                SELECT inv.id AS id,
                       inv.id AS invoice_id,
                       inv.number AS number,
                       inv.type AS type,
                       inv.state AS state,
                       inv.commercial_partner_id AS partner_id,
                       inv.user_id AS user_id,
                       inv.company_id AS company_id,
                       company.currency_id AS currency_id,
                       inv.late_payment_policy_id AS late_payment_policy_id,
                       inv.date_invoice AS date_invoice,
                       inv.date_due AS date_due,
                       inv.paid_date AS paid_date,
                       inv.amount_total_company_signed AS amount_total,
                       inv.residual_company_signed AS amount_residual,
                       inv.amount_total_company_signed
                           - inv.residual_company_signed AS amount_paid,
                       CASE WHEN inv.type = 'out_invoice'
                                 AND inv.paid_date IS NOT NULL
                            THEN inv.paid_date - inv.date_invoice
                       END AS days_to_pay,
                       CASE WHEN inv.delivery_date IS NOT NULL
                                 AND inv.validated_date IS NOT NULL
                            THEN EXTRACT(EPOCH FROM inv.validated_date
                                         - inv.delivery_date) / 3600.0
                       END AS delivery_to_invoice_hours,
                       CASE WHEN inv.state = 'open'
                                 AND inv.date_due < CURRENT_DATE
                            THEN CURRENT_DATE - inv.date_due
                            ELSE 0
                       END AS days_past_due,
                       inv.type = 'out_invoice'
                           AND inv.paid_date IS NOT NULL
                           AND inv.paid_date <= inv.date_due
                           AS paid_on_time,
                       inv.type = 'out_invoice'
                           AND COALESCE(inv.paid_date > inv.date_due,
                                        inv.date_due < CURRENT_DATE)
                           AS late,
                       inv.late_fee_origin_id IS NOT NULL AS is_fee,
                       1 AS nbr,
                       CASE WHEN inv.type = 'out_invoice'
                                 AND inv.paid_date <= inv.date_due
                            THEN 1 ELSE 0 END AS on_time_count,
                       CASE WHEN inv.type = 'out_invoice'
                                 AND COALESCE(inv.paid_date > inv.date_due,
                                              inv.date_due < CURRENT_DATE)
                            THEN 1 ELSE 0 END AS late_count
                  FROM account_invoice inv
                  JOIN res_company company ON company.id = inv.company_id
                 WHERE inv.type IN ('out_invoice', 'out_refund')
                   AND inv.state IN ('open', 'paid')
            )""")
