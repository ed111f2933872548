# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What became of a reminder's email after the run queued it: sent, still
queued (also when the mail server refused it and the queue retries it,
see mail_mail.py), or failed, with the server's answer."""
from odoo import fields, models


class PaymentReminderLog(models.Model):
    _inherit = 'payment.reminder.log'

    mail_state = fields.Selection(
        related='mail_id.state', string='Email Status', readonly=True,
        help="Outgoing: in the mail queue, also when the mail server "
             "refused it and the queue retries it (see the delivery "
             "error); Sent: accepted by the mail server.")
    mail_failure_reason = fields.Text(
        related='mail_id.failure_reason', string='Email Delivery Error',
        readonly=True,
        help="The mail server's last answer when it refused the email.")
