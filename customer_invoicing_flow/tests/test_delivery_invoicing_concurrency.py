# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two transactions invoicing the same order (two backorders validated at the
same time): the second waits for the first's lock on the order and, as the
first wrote on the order, fails with a serialization error, which Odoo
answers by replaying the request; the replay sees the first's invoice lines,
so the same quantity is never invoiced twice.

This test needs committed data, so it commits one draft sales order (without
lines) in its own cursor and deletes it at the end.
"""
from psycopg2 import errorcodes
from psycopg2.extensions import TransactionRollbackError

import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.tests.common import TransactionCase


class TestDeliveryInvoicingConcurrency(TransactionCase):

    def setUp(self):
        super(TestDeliveryInvoicingConcurrency, self).setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.order_id = env['sale.order'].create({
                'name': 'CIF-CONCURRENCY-TEST',
                'partner_id': env.user.company_id.partner_id.id,
            }).id
            # two real transactions must see this order: commit it
            cr.commit()  # pylint: disable=invalid-commit
        self.addCleanup(self._delete_order)

    def _delete_order(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env['sale.order'].browse(self.order_id).unlink()
            # two real transactions must see this order: commit it
            cr.commit()  # pylint: disable=invalid-commit

    def _order(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})['sale.order'].browse(
            self.order_id)

    def test_second_transaction_waits_for_the_lock(self):
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            self._order(cr1)._lock_for_invoicing()
            cr2.execute("SET LOCAL lock_timeout = '200ms'")
            with self.assertRaises(psycopg2.OperationalError) as caught:
                self._order(cr2)._lock_for_invoicing()
            self.assertEqual(caught.exception.pgcode,
                             errorcodes.LOCK_NOT_AVAILABLE)
            cr2.rollback()
            cr1.rollback()

    def test_second_transaction_is_replayed_after_the_first_invoiced(self):
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            # both transactions started (took their snapshot) concurrently
            cr1.execute("SELECT 1")
            self.assertFalse(self._order(cr2).auto_invoice_pending)
            first = self._order(cr1)
            first._lock_for_invoicing()
            first._auto_invoice_create()  # nothing to invoice, still marks
            cr1.commit()
            with self.assertRaises(TransactionRollbackError) as caught:
                self._order(cr2)._lock_for_invoicing()
            self.assertEqual(caught.exception.pgcode,
                             errorcodes.SERIALIZATION_FAILURE)
            cr2.rollback()
            # the replay, in a new snapshot, proceeds
            self._order(cr2)._lock_for_invoicing()
            cr2.rollback()
