# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Several workers and Odoo's gap-free invoice sequence (issue 15). A worker
posting fee invoices holds the sequence that numbers them until its batch
commits. Each batch in a transaction of its own runs in READ COMMITTED and
takes the sequence waiting, as late as it can (the groups charging fees
last, see payment_reminder_run_stage.py): the others go on with their own
work meanwhile and with their next number afterwards. Where it cannot (a
repeatable-read snapshot older than the holder's commit, Odoo's own NOWAIT
lock), the batch waits for that commit and is replayed (see _run_batch)."""
import logging

import psycopg2
import psycopg2.extensions

from odoo import api, models

from .payment_reminder_run import SEQUENCE_WAIT

_logger = logging.getLogger(__name__)


class PaymentReminderRun(models.Model):
    _inherit = 'payment.reminder.run'  # pylint: disable=R8180

    @api.model
    def _read_committed(self):
        """Run the transaction about to begin (none begun yet) in READ
        COMMITTED instead of Odoo's REPEATABLE READ: a batch then waits for
        the gap-free sequence another worker numbers fee invoices with and
        goes on with its next number (``_lock_fee_sequences``), where a
        repeatable-read snapshot older than that worker's commit could only
        fail and replay the whole batch. The claim (``FOR UPDATE SKIP
        LOCKED``), the logs' unique key and the fee's invoice lock keep the
        batch exactly-once; its reads see what other workers committed.
        Nothing when a transaction is already open (the first batch runs in
        its candidates' snapshot)."""
        # pylint: disable=protected-access
        cnx = self.env.cr._cnx
        if cnx.get_transaction_status() \
                == psycopg2.extensions.TRANSACTION_STATUS_IDLE:
            self.env.cr.execute(
                "SET TRANSACTION ISOLATION LEVEL READ COMMITTED")

    @api.model
    def _lock_fee_sequences(self, invoices, as_of):
        """Take, waiting, the gap-free sequences that number fee invoices
        charged on ``invoices`` on ``as_of`` (their journals' sequence, or
        its range for that day), which Odoo locks NOWAIT when it posts
        them: a second worker waits here for the first one's commit
        instead of failing (the lock is the transaction's until it ends).
        In a repeatable-read transaction older than that commit the wait
        ends in a serialization failure, and the batch is replayed."""
        sequences = invoices.mapped('journal_id.sequence_id').filtered(
            lambda sequence: sequence.implementation == 'no_gap')
        ranged = sequences.filtered('use_date_range')
        cr = self.env.cr
        covered = set()
        if ranged:
            cr.execute("""
                SELECT id, sequence_id FROM ir_sequence_date_range
                 WHERE sequence_id IN %s AND date_from <= %s
                   AND date_to >= %s
                 ORDER BY id FOR UPDATE
            """, (tuple(ranged.ids), as_of, as_of))
            covered = {row[1] for row in cr.fetchall()}
        # numbered by the sequence itself, or by a range of that day still
        # to be made: the sequence, so that two workers do not each make
        # one (and number the same invoice numbers twice)
        plain = sequences.filtered(lambda sequence: sequence.id not in covered)
        if plain:
            cr.execute(
                "SELECT id FROM ir_sequence WHERE id IN %s ORDER BY id "
                "FOR UPDATE", (tuple(plain.ids),))

    @api.model
    def _wait_for_sequences(self, invoice_ids):
        """Wait until the worker holding the gap-free sequences of these
        invoices' journals (the fee invoices' numbering, which Odoo locks
        NOWAIT until the transaction ends) commits, then end this
        transaction: the replay takes a snapshot after that commit."""
        cr = self.env.cr
        cr.execute("SET LOCAL lock_timeout = %s", (SEQUENCE_WAIT,))
        cr.execute("""
            SELECT DISTINCT journal.sequence_id
              FROM account_journal journal
              JOIN account_invoice inv ON inv.journal_id = journal.id
             WHERE inv.id IN %s AND journal.sequence_id IS NOT NULL
        """, (tuple(invoice_ids),))
        sequence_ids = tuple(row[0] for row in cr.fetchall())
        try:
            # numbered by date range, or by the sequence itself
            for query in ("SELECT 1 FROM ir_sequence_date_range WHERE "
                          "sequence_id IN %s FOR KEY SHARE",
                          "SELECT 1 FROM ir_sequence WHERE id IN %s "
                          "FOR KEY SHARE"):
                if sequence_ids:
                    cr.execute(query, (sequence_ids,), log_exceptions=False)
        except psycopg2.Error as error:
            # the holder committed after our snapshot (a serialization
            # failure), or is still at it: replay all the same
            _logger.info("Late-payment run: waited for the invoice "
                         "sequences (%s)", error.__class__.__name__)
        cr.rollback()
