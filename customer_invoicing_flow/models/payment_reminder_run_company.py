# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The scheduled run without a day: one run per company, each judging the
company's invoices at the company's own local day (its partner's
timezone), so that at 23:30 UTC a company in Auckland is on the next day
while one in New York is not. With an explicit day (the replay tool) the
run stays one run over every company (payment_reminder_run.py)."""
from datetime import datetime

import pytz

from odoo import api, fields, models

# the context key carrying the company a run covers, from _cron_run to
# _start
RUN_COMPANY = 'late_payment_run_company_id'


class PaymentReminderRun(models.Model):
    _inherit = 'payment.reminder.run'  # pylint: disable=R8180

    @api.model
    def _company_days(self, now=None):
        """[(company, its ISO day at ``now``)] for every company, by id.
        ``now``: a naive UTC datetime or its string, default now. The
        day is the company partner's timezone's, else the running user's
        (their own company only), else UTC's."""
        if not now:
            now = datetime.utcnow()
        elif isinstance(now, str):
            now = fields.Datetime.from_string(now)
        now = pytz.utc.localize(now)
        days = []
        # every company: a few rows
        # pylint: disable=no-search-all
        for company in self.env['res.company'].sudo().search([],
                                                             order='id'):
            tz_name = company.partner_id.tz or (
                self.env.user.tz
                if company == self.env.user.company_id else None) or 'UTC'
            try:
                tz = pytz.timezone(tz_name)
            except pytz.UnknownTimeZoneError:
                tz = pytz.utc
            days.append((company,
                         fields.Date.to_string(now.astimezone(tz).date())))
        return days

    @api.model
    def _cron_run(self, as_of=None, batch_size=100, commit=True, now=None):
        """Without ``as_of`` (the scheduled action): a run per company at
        its local day at ``now`` (default now, see :meth:`_company_days`),
        each with its own record and commits. With ``as_of``: one run over
        every company on that day. Returns the logs written."""
        if as_of or self.env.context.get(RUN_COMPANY):
            return super(PaymentReminderRun, self)._cron_run(
                as_of=as_of, batch_size=batch_size, commit=commit)
        logs = self.env['payment.reminder.log'].browse()
        for company, day in self._company_days(now):
            logs |= super(PaymentReminderRun, self.with_context(
                **{RUN_COMPANY: company.id}))._cron_run(
                    as_of=day, batch_size=batch_size, commit=commit)
        return logs

    @api.model
    def _start(self, as_of, trigger='cron', batch_size=0, company=None,
               user=None):
        if company is None and self.env.context.get(RUN_COMPANY):
            company = self.env['res.company'].browse(
                self.env.context[RUN_COMPANY])
        return super(PaymentReminderRun, self.with_context(
            **{RUN_COMPANY: False}))._start(
                as_of, trigger=trigger, batch_size=batch_size,
                company=company, user=user)

    @api.model
    def _candidate_invoice_ids(self, as_of):
        """A run of one company (``self``, a scheduled run per company)
        takes that company's invoices only."""
        invoice_ids = super(PaymentReminderRun,
                            self)._candidate_invoice_ids(as_of)
        if len(self) != 1 or self.trigger != 'cron' \
                or not self.company_id or not invoice_ids:
            return invoice_ids
        self.env.cr.execute("""
            SELECT id FROM account_invoice
             WHERE id IN %s AND company_id = %s
             ORDER BY id
        """, (tuple(invoice_ids), self.company_id.id))
        return [row[0] for row in self.env.cr.fetchall()]
