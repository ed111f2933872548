# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a reminder says about the customer's promises to pay: it never
asks for money promised and not yet due (those invoices leave the table of
what is owed and its totals), and it mentions the open promise."""
from odoo import _, api, fields, models
from odoo.tools.misc import format_date, formatLang

from .. import promises


class AccountInvoice(models.Model):
    _inherit = 'account.invoice'  # pylint: disable=R8180

    @api.multi
    def get_reminder_mail_facts(self):
        """The facts of account_invoice_reminder_mail.py, and
        ``promises``: sentences on the customer's open promises. The
        invoices whose payment is promised and not yet due are left out of
        ``owed`` and ``totals``. One query more for the email."""
        facts = super(AccountInvoice, self).get_reminder_mail_facts()
        day = fields.Date.from_string(facts['as_of'])
        rows = self._reminder_promise_rows()
        not_due = set()
        sentences = []
        for state, taken, promised_date, amount, currency_id, invoice_ids \
                in rows:
            promised_date = fields.Date.from_string(promised_date)
            if promises.promised_not_due(
                    state, fields.Date.from_string(taken), promised_date,
                    day):
                not_due.update(invoice_ids)
            if state != promises.OPEN:
                continue
            values = {
                'amount': formatLang(
                    self.env, amount,
                    currency_obj=self.env['res.currency'].browse(
                        currency_id)),
                'date': format_date(self.env, promised_date),
                'invoices': self._reminder_invoices_text(self.browse(
                    invoice_ids).mapped('number')),
            }
            if promised_date >= day:
                sentences.append(_(
                    "Thank you for your promise to pay %(amount)s for "
                    "%(invoices)s by %(date)s: we do not ask for it "
                    "here.") % values)
            else:
                sentences.append(_(
                    "We have not yet received the %(amount)s you promised "
                    "to pay for %(invoices)s by %(date)s.") % values)
        if not_due:
            facts['owed'] = [row for row in facts['owed']
                             if row['invoice'].id not in not_due]
            facts['totals'] = self._reminder_totals(self.browse(
                [row['invoice'].id for row in facts['owed']]))
        facts['promises'] = sentences
        return facts

    @api.multi
    def _reminder_promise_rows(self):
        """The customer's open or kept promises in the invoice's company,
        in one query: (state, taken, promised date, amount, currency id,
        invoice ids)."""
        self.ensure_one()
        self.env.cr.execute("""
            SELECT promise.state, promise.date, promise.promised_date,
                   promise.amount, promise.currency_id,
                   array_agg(rel.invoice_id ORDER BY rel.invoice_id)
              FROM payment_promise promise
              JOIN payment_promise_invoice_rel rel
                ON rel.promise_id = promise.id
             WHERE promise.partner_id = %s AND promise.company_id = %s
               AND promise.state IN %s
             GROUP BY promise.id
             ORDER BY promise.promised_date, promise.id
        """, (self.commercial_partner_id.id, self.company_id.id,
              promises.COVERING))
        return self.env.cr.fetchall()
