# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The daily late-payment run's documented entry point on invoices."""
import logging
import threading

from odoo import api, fields, models

from .payment_reminder_log import _is_concurrency_error

_logger = logging.getLogger(__name__)


class AccountInvoice(models.Model):
    _inherit = 'account.invoice'

    @api.model
    def _cron_process_late_payments(self, as_of=None, batch_size=100,
                                    commit=True):
        """The daily reminder run for ``as_of`` (ISO string or date;
        default today in the company's timezone): fire the stages due.

        Invoices go in batches; outside tests (and unless ``commit`` is
        False: a caller running it inside its own transaction) each batch
        is committed on its own, so a crash loses at most the batch under
        way, which the next run redoes. A batch that collides with another
        worker is replayed once in a fresh transaction."""
        if not as_of:
            company = self.env.user.company_id
            as_of = fields.Date.context_today(self.with_context(
                tz=company.partner_id.tz or self.env.user.tz or 'UTC'))
        elif not isinstance(as_of, str):
            as_of = fields.Date.to_string(as_of)
        else:
            as_of = fields.Date.to_string(fields.Date.from_string(as_of))
        own_transactions = commit and not getattr(
            threading.currentThread(), 'testing', False)
        Log = self.env['payment.reminder.log'].sudo()
        self._ensure_report_assets()
        Log._release_credit_holds()
        if own_transactions:
            # before any PDF: wkhtmltopdf reads the bundles over HTTP
            self.env.cr.commit()  # pylint: disable=invalid-commit
        invoice_ids = Log._candidate_invoice_ids(as_of)
        processed = Log.browse()
        for start in range(0, len(invoice_ids), batch_size):
            batch = invoice_ids[start:start + batch_size]
            for attempt in (1, 2):
                try:
                    processed |= self._process_reminder_batch(batch, as_of)
                    break
                except Exception as error:  # pylint: disable=broad-except
                    if not own_transactions or attempt == 2 \
                            or not _is_concurrency_error(error):
                        raise
                    # another worker committed part of this batch after our
                    # snapshot: replay it in a fresh transaction
                    _logger.info("Late-payment run of %s: batch replayed "
                                 "after a concurrent update (%s)", as_of,
                                 error.__class__.__name__)
                    self.env.cr.rollback()
                    self.env.clear()
            if own_transactions:
                # one transaction per batch: a crash keeps the batches done
                self.env.cr.commit()  # pylint: disable=invalid-commit
        _logger.info("Late-payment run of %s: %d invoices due, %d stage "
                     "logs written", as_of, len(invoice_ids), len(processed))
        return processed

    @api.model
    def _process_reminder_batch(self, invoice_ids, as_of):
        """One batch, all or nothing, like the transaction it is outside
        tests: whatever interrupts it (even a KeyboardInterrupt or
        SystemExit, which Odoo's savepoint lets through) undoes it."""
        cr = self.env.cr
        cr.execute('SAVEPOINT cif_reminder_batch')
        try:
            logs = self.env['payment.reminder.log'].sudo()._process_batch(
                invoice_ids, as_of)
        except BaseException:
            cr.execute('ROLLBACK TO SAVEPOINT cif_reminder_batch')
            self.invalidate_cache()
            raise
        cr.execute('RELEASE SAVEPOINT cif_reminder_batch')
        return logs
