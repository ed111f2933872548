# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A salesperson opens the invoices of their orders (the order's Invoices
smart button): the invoice form reads the late-payment records (charges,
holds, reminders, stage), which salespeople may read. Found by the browser
test: "Access Error (Document model: late.fee.charge)"."""
from .common import LatePaymentCase


class TestSalesmanInvoiceAccess(LatePaymentCase):

    def test_salesman_reads_the_late_invoice_form(self):
        policy = self.create_policy(stages=[(1, False), (11, True)],
                                    grace_days=10, fee_fixed=40.0)
        invoice = self.create_invoice(1000.0, policy=policy)
        invoice.action_charge_late_fee(as_of='2023-05-01')
        invoice.action_payment_hold('Disputed', date='2023-05-02')
        self.env['account.invoice']._cron_process_late_payments(
            as_of='2023-05-03', commit=False)
        self.assertTrue(invoice.late_fee_charge_ids)
        self.assertTrue(invoice.payment_hold_ids)
        # what the form reads, as the salesperson
        as_salesman = invoice.sudo(self.salesperson)
        fields = ['late_fee_charge_ids', 'payment_hold_ids', 'reminder_log_ids',
                  'reminder_stage_id', 'late_fee_invoice_ids', 'late_payment_state']
        values = as_salesman.read(fields)[0]
        self.assertEqual(values['late_fee_charge_ids'], invoice.late_fee_charge_ids.ids)
        for name in ('late_fee_charge_ids', 'payment_hold_ids', 'reminder_log_ids'):
            records = as_salesman[name]
            records.read([])


class TestCollectionsManagerMenu(LatePaymentCase):
    """Collections managers configure the late-payment policies: the menu
    Invoicing > Configuration > Late Payment Policies is theirs (Odoo shows
    Configuration to accounting managers only). Found by the browser test."""

    def test_collections_manager_sees_the_policy_menu(self):
        manager = self.collections_manager
        menu = self.env.ref('customer_invoicing_flow.late_payment_policy_menu')
        visible = self.env['ir.ui.menu'].sudo(manager)._visible_menu_ids()
        self.assertIn(menu.id, visible)
        self.assertIn(menu.parent_id.id, visible)
        # a collections user does not configure them
        clerk_visible = self.env['ir.ui.menu'].sudo(self.clerk)._visible_menu_ids()
        self.assertNotIn(menu.id, clerk_visible)
