# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A reminder email the mail server refuses (or cannot be reached for)
stays in Odoo's mail queue and is retried by it, instead of ending in
'Delivery Failed' where the queue never looks again: the run logged the
stage as done and will not send a second reminder, so the queue is the
only one left to deliver it."""
from datetime import timedelta

from odoo import api, fields, models

# a refused reminder email is retried for this long after its creation;
# then it fails as any other email
REMINDER_MAIL_RETRY_DAYS = 3
# the first retry waits this long, later ones half the email's age
REMINDER_MAIL_RETRY_DELAY = timedelta(minutes=15)


class MailMail(models.Model):
    _inherit = 'mail.mail'

    @api.multi
    def write(self, vals):
        if vals.get('state') != 'exception':
            return super(MailMail, self).write(vals)
        retry = self._reminder_mails_to_retry()
        by_date = {}
        for mail in retry:
            by_date.setdefault(mail._reminder_retry_date(), []).append(
                mail.id)
        for retry_date, mail_ids in by_date.items():
            super(MailMail, self.browse(mail_ids)).write(dict(
                vals, state='outgoing', scheduled_date=retry_date,
                failure_reason=str(vals.get('failure_reason') or '')))
        others = self - retry
        if others:
            return super(MailMail, others).write(vals)
        return True

    @api.multi
    def _reminder_mails_to_retry(self):
        """The emails among these that a payment reminder log sends,
        created less than ``REMINDER_MAIL_RETRY_DAYS`` ago."""
        if not self.ids:
            return self.browse()
        oldest = fields.Datetime.to_string(
            fields.Datetime.from_string(fields.Datetime.now())
            - timedelta(days=REMINDER_MAIL_RETRY_DAYS))
        self.env.cr.execute("""
            SELECT DISTINCT mail.id
              FROM mail_mail mail
              JOIN payment_reminder_log log ON log.mail_id = mail.id
             WHERE mail.id IN %s AND mail.create_date >= %s
        """, (tuple(self.ids), oldest))
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.multi
    def _reminder_retry_date(self):
        """When the queue tries this email again: after
        ``REMINDER_MAIL_RETRY_DELAY``, or half the email's age when longer
        (fewer tries the longer the server refuses)."""
        self.ensure_one()
        now = fields.Datetime.from_string(fields.Datetime.now())
        age = now - fields.Datetime.from_string(self.create_date or
                                                fields.Datetime.now())
        return fields.Datetime.to_string(
            now + max(REMINDER_MAIL_RETRY_DELAY, age / 2))
