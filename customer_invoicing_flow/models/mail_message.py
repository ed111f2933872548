# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class MailMessage(models.Model):
    """Every way an invoice is emailed ends in a message on the invoice: the
    Send & Print wizard posts one (``message_post``), a template sent
    directly (the delivery auto-send mode, reminders) creates a ``mail.mail``
    whose message gets the PDF right after its creation. Watching the
    messages catches them all, whoever wrote the sending code. A sender
    that marks its invoices itself says so with the context key
    ``mark_invoices_sent=False`` (the reminder run, for a whole batch)."""
    _inherit = 'mail.message'

    @api.model
    def create(self, values):
        message = super(MailMessage, self).create(values)
        if values.get('model') == 'account.invoice' \
                and values.get('attachment_ids') \
                and self.env.context.get('mark_invoices_sent', True):
            message._mark_invoices_sent()
        return message

    @api.multi
    def write(self, vals):
        result = super(MailMessage, self).write(vals)
        if vals.get('attachment_ids') \
                and self.env.context.get('mark_invoices_sent', True):
            self.filtered(
                lambda message: message.model == 'account.invoice'
            )._mark_invoices_sent()
        return result

    @api.multi
    def _is_invoice_sent_to_customer(self):
        """Whether this message emails a PDF to the customer: an email or
        comment (not an internal note) written by an internal user (not
        an incoming email), with a PDF attached."""
        self.ensure_one()
        if self.message_type not in ('email', 'comment') \
                or self.subtype_id.internal:
            return False
        if not self.attachment_ids.filtered(
                lambda att: att.mimetype == 'application/pdf'):
            return False
        # its recipients are not checked: a template's mail keeps them on
        # the mail.mail only, deleted once sent
        return bool(self.author_id.user_ids.filtered(
            lambda user: not user.share))

    @api.multi
    def _mark_invoices_sent(self):
        """Mark the invoices of the messages that send them as sent, at the
        earliest such message's date."""
        # sudo: the sender may not read the attachments or the partners'
        # users; only the facts of his own messages are read
        first = {}
        for message in self.sudo():
            if message.model != 'account.invoice' or not message.res_id \
                    or not message._is_invoice_sent_to_customer():
                continue
            date = message.date
            if message.res_id not in first or date < first[message.res_id]:
                first[message.res_id] = date
        invoices = self.env['account.invoice'].browse(list(first))
        for invoice in invoices.exists():
            invoice._mark_sent(first[invoice.id])
        return True
