# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The daily late-payment run's documented entry point on invoices."""
from odoo import api, models


class AccountInvoice(models.Model):
    _inherit = 'account.invoice'

    @api.model
    def _cron_process_late_payments(self, as_of=None, batch_size=100,
                                    commit=True):
        """The daily reminder run for ``as_of`` (ISO string or date: one
        run, that day for every company; default: a run per company, on
        its own today in its timezone): fire the stages due.
        Returns the ``payment.reminder.log`` records written.

        A ``payment.reminder.run`` records the run (see
        :meth:`payment.reminder.run._cron_run`). Invoices go in batches;
        outside tests (and unless ``commit`` is False: a caller running it
        inside its own transaction) each batch is committed on its own, so
        a crash loses at most the batch under way, which the next run
        redoes. A batch that collides with another worker is replayed in
        a fresh transaction (see payment.reminder.run._run_batch)."""
        return self.env['payment.reminder.run']._cron_run(
            as_of=as_of, batch_size=batch_size, commit=commit)
