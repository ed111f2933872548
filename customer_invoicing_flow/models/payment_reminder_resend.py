# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class PaymentReminderResend(models.Model):
    """A reminder email sent again by hand (Send Reminder Now when no stage
    is due). The stage's ``payment.reminder.log`` stays the one row of its
    (invoice, stage): a resend is a row of its own, with nothing but the
    email (no fee, activity or credit hold)."""
    _name = 'payment.reminder.resend'
    _description = 'Payment reminder sent again'
    _order = 'date desc, id desc'
    _rec_name = 'stage_id'

    log_id = fields.Many2one(
        'payment.reminder.log', string='Reminder', required=True,
        index=True, ondelete='cascade', readonly=True)
    invoice_id = fields.Many2one(
        related='log_id.invoice_id', store=True, readonly=True)
    stage_id = fields.Many2one(
        related='log_id.stage_id', store=True, readonly=True)
    partner_id = fields.Many2one(
        related='log_id.partner_id', store=True, readonly=True)
    date = fields.Date(required=True, readonly=True)
    user_id = fields.Many2one(
        'res.users', string='Sent by', readonly=True)
    mail_id = fields.Many2one(
        'mail.mail', string='Email', readonly=True, ondelete='set null')
    mail_message_id = fields.Many2one(
        'mail.message', string='Email Message', readonly=True,
        ondelete='set null')
