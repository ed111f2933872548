# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The reminder log: one row per invoice and stage processed. The run that
writes it is ``payment.reminder.run``."""
from odoo import fields, models

# The unique key that makes a stage fire once per invoice (see the class).
LOG_UNIQUE_KEY = 'payment_reminder_log_invoice_stage_unique'

REMINDER_LOG_STATES = [
    ('done', 'Done'),
    ('skipped', 'Skipped (caught up)'),
    ('suppressed', 'Suppressed (unapplied credit)'),
    ('error', 'Error'),
]


class PaymentReminderLog(models.Model):
    """One row per invoice and policy stage: the stage fired (or was
    skipped) exactly once. The row is written before the stage's side
    effects, in the same transaction, and the unique key on (invoice, stage)
    stops a second worker or a rerun from repeating them. The run
    (``payment.reminder.run``) writes it."""
    _name = 'payment.reminder.log'
    _description = 'Payment reminder log'
    _order = 'date desc, id desc'
    _rec_name = 'stage_id'

    run_id = fields.Many2one(
        'payment.reminder.run', index=True, readonly=True,
        ondelete='set null',
        help="The run that wrote the log last (a stage in error is "
             "rewritten by the run that retries it).")
    invoice_id = fields.Many2one(
        'account.invoice', required=True, index=True, ondelete='cascade',
        readonly=True)
    partner_id = fields.Many2one(
        'res.partner', string='Customer', index=True, readonly=True,
        help="The invoice's commercial partner.")
    user_id = fields.Many2one(
        'res.users', string='Salesperson', readonly=True)
    company_id = fields.Many2one(
        'res.company', index=True, readonly=True)
    currency_id = fields.Many2one(
        related='invoice_id.currency_id', readonly=True)
    stage_id = fields.Many2one(
        'late.payment.policy.stage', required=True, index=True,
        ondelete='restrict', readonly=True)
    policy_id = fields.Many2one(
        related='stage_id.policy_id', store=True, readonly=True)
    day_offset = fields.Integer(
        related='stage_id.day_offset', readonly=True)
    date = fields.Date(
        required=True, index=True, readonly=True,
        help="The day of the run (as of) that processed the stage.")
    due_date = fields.Date(
        string='Stage Due On', readonly=True,
        help="Due date of the invoice plus the stage's day offset.")
    state = fields.Selection(
        REMINDER_LOG_STATES, required=True, default='done', readonly=True)
    email_sent = fields.Boolean(readonly=True)
    mail_id = fields.Many2one(
        'mail.mail', string='Email', readonly=True, ondelete='set null')
    mail_message_id = fields.Many2one(
        'mail.message', string='Email Message', readonly=True,
        ondelete='set null',
        help="The message of the email, also when the email left the "
             "queue; shared by the invoices of one statement.")
    statement_count = fields.Integer(
        string='Invoices in Email', readonly=True,
        help="How many invoices the email listed (one email per customer "
             "and stage and day).")
    activity_id = fields.Many2one(
        'mail.activity', readonly=True, ondelete='set null')
    activity_created = fields.Boolean(readonly=True)
    fee_invoice_id = fields.Many2one(
        'account.invoice', readonly=True,
        ondelete='set null')
    fee_amount = fields.Monetary(readonly=True)
    credit_hold = fields.Boolean(
        string='Credit Hold Set', readonly=True,
        help="The stage puts the customer on credit hold.")
    amount_residual = fields.Monetary(
        string='Amount Due', readonly=True,
        help="What remained to pay on the invoice when the stage fired.")
    note = fields.Text(readonly=True)
    error = fields.Text(readonly=True)
    resend_ids = fields.One2many(
        'payment.reminder.resend', 'log_id', string='Sent Again',
        readonly=True,
        help="The times the email was sent again by hand.")

    _sql_constraints = [
        ('invoice_stage_unique', 'UNIQUE (invoice_id, stage_id)',
         'A reminder stage is processed only once per invoice.'),
    ]
