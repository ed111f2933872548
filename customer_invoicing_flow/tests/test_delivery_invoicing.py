# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Delivery-confirmed invoicing: the validated delivery invoices
the order, in the customer's mode, exactly once, after a check."""
from unittest.mock import patch

from odoo import fields

from .common import CustomerInvoicingFlowCase, create_company


class TestDeliveryInvoicing(CustomerInvoicingFlowCase):

    @classmethod
    def setUpClass(cls):
        super(TestDeliveryInvoicing, cls).setUpClass()
        cls.company.auto_invoice_on_delivery = 'posted'
        cls.customer = cls.create_customer('Delivery Customer')
        cls.widget = cls.create_product('Widget', price=100.0)
        cls.gadget = cls.create_product('Gadget', price=40.0)
        cls.install_service = cls.create_product(
            'Installation', invoice_policy='order', product_type='service',
            price=250.0)

    # helpers -------------------------------------------------------------
    def invoice_lines(self, invoice):
        """{product: (quantity, price_unit)} of an invoice."""
        return {line.product_id: (line.quantity, line.price_unit)
                for line in invoice.invoice_line_ids}

    def activities(self, record):
        return self.env['mail.activity'].search([
            ('res_model', '=', record._name), ('res_id', '=', record.id)])

    # delivery flows --------------------------------------------------------
    def test_partial_delivery_then_backorder(self):
        order = self.create_sale_order(
            self.customer, [(self.widget, 10), (self.gadget, 4)],
            client_order_ref='PO-778', client_order_date='2023-03-01')
        first = self.deliver(order, {self.widget: 3, self.gadget: 4})
        self.assertEqual(first.state, 'done')
        invoice = order.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.state, 'open')
        self.assertEqual(invoice.type, 'out_invoice')
        self.assertEqual(self.invoice_lines(invoice), {
            self.widget: (3.0, 100.0), self.gadget: (4.0, 40.0)})
        self.assertAlmostEqual(invoice.amount_untaxed, 460.0)
        self.assertAlmostEqual(invoice.amount_total, 529.0)
        self.assertEqual(invoice.picking_ids, first)
        self.assertEqual(first.invoice_ids, invoice)
        self.assertEqual(first.invoice_count, 1)
        self.assertEqual(invoice.picking_count, 1)
        self.assertEqual(invoice.delivery_date, first.date_done)
        self.assertEqual(invoice.client_order_ref, 'PO-778')
        self.assertEqual(invoice.name, 'PO-778')
        self.assertEqual(invoice.client_order_date, '2023-03-01')
        self.assertEqual(invoice.origin, order.name)

        backorder = self.open_picking(order)
        self.assertEqual(backorder.backorder_id, first)
        self.deliver(order)
        self.assertEqual(backorder.state, 'done')
        second = order.invoice_ids - invoice
        self.assertEqual(len(second), 1)
        self.assertEqual(second.state, 'open')
        self.assertEqual(self.invoice_lines(second),
                         {self.widget: (7.0, 100.0)})
        self.assertEqual(second.picking_ids, backorder)
        self.assertEqual(order.invoice_status, 'invoiced')
        for line in order.order_line:
            self.assertEqual(line.qty_invoiced, line.product_uom_qty)

    def test_service_on_order_and_goods_on_delivery(self):
        order = self.create_sale_order(
            self.customer, [(self.install_service, 1), (self.widget, 5)])
        self.assertEqual(order.invoice_ids.ids, [],
                         "confirming the order invoices nothing")
        self.deliver(order, {self.widget: 2})
        invoice = order.invoice_ids
        self.assertEqual(self.invoice_lines(invoice), {
            self.install_service: (1.0, 250.0), self.widget: (2.0, 100.0)})
        self.deliver(order)
        second = order.invoice_ids - invoice
        self.assertEqual(self.invoice_lines(second),
                         {self.widget: (3.0, 100.0)})

    def test_return_with_refund_gives_credit_note(self):
        order = self.create_sale_order(self.customer, [(self.widget, 5)])
        delivery = self.deliver(order)
        invoice = order.invoice_ids
        self.assertEqual(self.invoice_lines(invoice),
                         {self.widget: (5.0, 100.0)})
        returned = self.return_picking(delivery, {self.widget: 2})
        self.assertEqual(returned.state, 'done')
        self.assertEqual(returned.picking_type_code, 'incoming')
        refund = order.invoice_ids - invoice
        self.assertEqual(len(refund), 1)
        self.assertEqual(refund.type, 'out_refund')
        self.assertEqual(refund.state, 'open')
        self.assertEqual(self.invoice_lines(refund),
                         {self.widget: (2.0, 100.0)})
        self.assertAlmostEqual(refund.amount_total, 230.0)
        self.assertEqual(refund.picking_ids, returned)
        self.assertEqual(order.order_line.qty_delivered, 3.0)
        self.assertEqual(order.order_line.qty_invoiced, 3.0)

    def test_return_without_refund_invoices_nothing(self):
        order = self.create_sale_order(self.customer, [(self.widget, 5)])
        delivery = self.deliver(order)
        self.return_picking(delivery, {self.widget: 2}, to_refund=False)
        self.assertEqual(len(order.invoice_ids), 1)

    # modes ----------------------------------------------------------------
    def test_mode_off_creates_nothing(self):
        customer = self.create_customer('Off Customer',
                                        auto_invoice_on_delivery='off')
        order = self.create_sale_order(customer, [(self.widget, 2)])
        picking = self.deliver(order)
        self.assertEqual(picking.state, 'done')
        self.assertFalse(order.invoice_ids)
        self.assertEqual(order.invoice_status, 'to invoice')

    def test_company_off_by_default(self):
        company = create_company(self.env)
        self.assertEqual(company.auto_invoice_on_delivery, 'off')

    def test_mode_draft(self):
        customer = self.create_customer('Draft Customer',
                                        auto_invoice_on_delivery='draft')
        order = self.create_sale_order(customer, [(self.widget, 2)])
        self.deliver(order)
        invoice = order.invoice_ids
        self.assertEqual(invoice.state, 'draft')
        self.assertEqual(self.invoice_lines(invoice),
                         {self.widget: (2.0, 100.0)})
        self.assertFalse(self.activities(invoice))

    def test_mode_sent_queues_mail_with_pdf(self):
        customer = self.create_customer('Sent Customer',
                                        auto_invoice_on_delivery='sent')
        order = self.create_sale_order(customer, [(self.widget, 2)])
        self.deliver(order)
        invoice = order.invoice_ids
        self.assertEqual(invoice.state, 'open')
        self.assertTrue(invoice.sent)
        mails = self.env['mail.mail'].search([
            ('model', '=', 'account.invoice'), ('res_id', '=', invoice.id)])
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.state, 'outgoing')
        self.assertEqual(mails.recipient_ids, customer)
        self.assertIn(invoice.number, mails.subject)
        self.assertEqual(len(mails.attachment_ids), 1)
        # the invoice report (Odoo renders it as HTML instead of PDF in
        # test mode, hence no check on the extension)
        self.assertTrue(mails.attachment_ids.name.startswith(
            'Invoice_%s' % invoice.number.replace('/', '_')))
        self.assertIn(mails.mail_message_id, invoice.message_ids,
                      "the email is recorded in the invoice's chatter")

    def test_partner_override_on_commercial_partner(self):
        self.company.auto_invoice_on_delivery = 'off'
        company_customer = self.create_customer(
            'Override Co', auto_invoice_on_delivery='draft')
        contact = self.env['res.partner'].create({
            'name': 'Olga Override', 'parent_id': company_customer.id,
            'type': 'contact'})
        self.assertEqual(contact.auto_invoice_on_delivery, 'draft',
                         "a commercial field, synced on contacts")
        self.assertEqual(contact._get_auto_invoice_mode(self.company),
                         'draft')
        order = self.create_sale_order(contact, [(self.widget, 1)])
        self.deliver(order)
        self.assertEqual(order.invoice_ids.state, 'draft')
        plain = self.create_customer('Plain Co')
        order2 = self.create_sale_order(plain, [(self.widget, 1)])
        self.deliver(order2)
        self.assertFalse(order2.invoice_ids, "follows the company: off")

    def test_invoice_date_in_company_timezone(self):
        customer = self.create_customer('Tz Customer',
                                        auto_invoice_on_delivery='draft')
        order = self.create_sale_order(customer, [(self.widget, 1)])
        picking = self.deliver(order)
        invoice = order.invoice_ids
        self.assertEqual(invoice.date_invoice, fields.Date.to_string(
            fields.Datetime.context_timestamp(
                invoice.with_context(tz='Europe/Brussels'),
                fields.Datetime.from_string(picking.date_done)).date()))
        # 23:30 UTC on March 31st is already April 1st in Brussels
        picking.date_done = '2023-03-31 23:30:00'
        vals = invoice._auto_invoice_delivery_values(picking, self.company)
        self.assertEqual(vals, {
            'picking_ids': [(6, 0, picking.ids)],
            'date_invoice': '2023-04-01',
            'delivery_date': '2023-03-31 23:30:00'})

    # discrepancy guard ---------------------------------------------------
    def test_guard_price_changed_after_delivery(self):
        order = self.create_sale_order(self.customer, [(self.widget, 10)])
        self.deliver(order, {self.widget: 4})
        first = order.invoice_ids
        self.assertEqual(first.state, 'open')
        order.order_line.price_unit = 90.0
        self.deliver(order)
        second = order.invoice_ids - first
        self.assertEqual(second.state, 'draft')
        self.assertEqual(self.invoice_lines(second),
                         {self.widget: (6.0, 90.0)})
        self.assertEqual(second._get_delivery_discrepancies(), [
            "Widget: the price changed on the sales order after an earlier "
            "delivery; invoiced before at 100.0, now at 90.0."])
        self.assertIn('invoiced before at 100.0, now at 90.0',
                      second.message_ids[0].body)
        activity = self.activities(second)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertEqual(activity.activity_type_id,
                         self.env.ref('mail.mail_activity_data_todo'))

    def test_guard_invoice_line_differs_from_order(self):
        customer = self.create_customer('Guard Draft',
                                        auto_invoice_on_delivery='draft')
        order = self.create_sale_order(customer, [(self.widget, 3)])
        self.deliver(order)
        invoice = order.invoice_ids
        self.assertEqual(invoice._get_delivery_discrepancies(), [])
        invoice.invoice_line_ids.write({'price_unit': 95.0, 'quantity': 4,
                                        'discount': 5.0})
        invoice.compute_taxes()
        self.assertEqual(invoice._get_delivery_discrepancies(), [
            "Widget: the unit price on the invoice (95.0) differs from the "
            "sales order (100.0).",
            "Widget: the discount on the invoice (5.0%) differs from the "
            "sales order (0.0%).",
            "Widget: 4.0 invoiced, but only 3.0 delivered and not yet "
            "invoiced."])

    def test_guard_tax_mismatch(self):
        order = self.create_sale_order(self.customer, [(self.widget, 2)],
                                       confirm=False)
        # fiscal position set after the lines: their taxes were not mapped
        order.fiscal_position_id = self.fiscal_position_export
        order.action_confirm()
        self.deliver(order)
        invoice = order.invoice_ids
        self.assertEqual(invoice.state, 'draft')
        self.assertEqual(invoice._get_delivery_discrepancies(), [
            "Widget: the taxes on the invoice (CIF VAT 15%) differ from the "
            "sales order after fiscal position (CIF VAT 0% export)."])
        self.assertIn('CIF VAT 0% export', invoice.message_ids[0].body)
        self.assertEqual(len(self.activities(invoice)), 1)

    def test_guard_missing_po_reference(self):
        customer = self.create_customer('PO Customer', require_po_ref=True)
        order = self.create_sale_order(customer, [(self.widget, 1)],
                                       user_id=False)
        self.deliver(order)
        invoice = order.invoice_ids
        self.assertEqual(invoice.state, 'draft')
        self.assertEqual(invoice._get_delivery_discrepancies(), [
            "%s: the customer requires a purchase order reference and the "
            "order has none." % order.name])
        self.assertIn('purchase order reference',
                      invoice.message_ids[0].body)
        activity = self.activities(invoice)
        self.assertEqual(activity.user_id, self.collections_user,
                         "no salesperson: the collections responsible")
        with_ref = self.create_sale_order(customer, [(self.widget, 1)],
                                          client_order_ref='PO-1')
        self.deliver(with_ref)
        self.assertEqual(with_ref.invoice_ids.state, 'open')

    # failure isolation and idempotence ----------------------------------
    def test_invoicing_error_keeps_delivery_and_retry_invoices_once(self):
        category = self.env['product.category'].create({'name': 'No income'})
        # override the company-wide default income account, if any
        category.property_account_income_categ_id = False
        self.assertFalse(category.property_account_income_categ_id)
        product = self.create_product('Orphan', categ_id=category.id)
        order = self.create_sale_order(self.customer, [(product, 2)])
        other = self.create_sale_order(self.customer, [(self.widget, 1)])
        pickings = self.open_picking(order) | self.open_picking(other)
        pickings.action_assign()
        for move_line in pickings.mapped('move_line_ids'):
            move_line.qty_done = move_line.product_uom_qty
        pickings.action_done()
        self.assertEqual(pickings.mapped('state'), ['done', 'done'])
        self.assertFalse(order.invoice_ids)
        self.assertEqual(other.invoice_ids.state, 'open',
                         "one failing order does not block the others")
        self.assertTrue(order.auto_invoice_pending)
        self.assertIn('income account', order.auto_invoice_error)
        self.assertIn('income account', order.message_ids[0].body)
        self.assertEqual(len(self.activities(order)), 1)
        self.assertFalse(other.auto_invoice_pending)

        # the cron still fails: no duplicate message nor activity
        messages = len(order.message_ids)
        self.env['sale.order']._cron_retry_auto_invoice()
        self.assertTrue(order.auto_invoice_pending)
        self.assertEqual(len(order.message_ids), messages)
        self.assertEqual(len(self.activities(order)), 1)

        category.property_account_income_categ_id = self.account_income
        self.env['sale.order']._cron_retry_auto_invoice()
        self.env['sale.order']._cron_retry_auto_invoice()
        self.assertFalse(order.auto_invoice_pending)
        self.assertFalse(order.auto_invoice_error)
        invoice = order.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.state, 'open')
        self.assertEqual(self.invoice_lines(invoice), {product: (2.0, 100.0)})
        self.assertEqual(invoice.picking_ids,
                         pickings.filtered(lambda p: p.sale_id == order))
        self.assertEqual(len(other.invoice_ids), 1)

    def test_posting_wizard_rolls_back_the_invoice_only(self):
        """A validation answering with a wizard (e.g. a credit limit check)
        instead of posting: the delivery stays done, the order pending."""
        Invoice = type(self.env['account.invoice'])
        wizard = {'type': 'ir.actions.act_window', 'name': 'Credit limit',
                  'res_model': 'res.partner'}
        order = self.create_sale_order(self.customer, [(self.widget, 2)])
        with patch.object(Invoice, 'action_invoice_open',
                          return_value=wizard):
            picking = self.deliver(order)
        self.assertEqual(picking.state, 'done')
        self.assertEqual(order.order_line.qty_delivered, 2.0)
        self.assertFalse(order.invoice_ids)
        self.assertTrue(order.auto_invoice_pending)
        self.assertIn('Credit limit', order.auto_invoice_error)
        self.env['sale.order']._cron_retry_auto_invoice()
        self.env['sale.order']._cron_retry_auto_invoice()
        self.assertEqual(len(order.invoice_ids), 1)
        self.assertEqual(order.invoice_ids.state, 'open')
        self.assertEqual(order.invoice_ids.picking_ids, picking)
        self.assertFalse(order.auto_invoice_pending)

    def test_cron_drops_orders_switched_off(self):
        customer = self.create_customer('Later Off')
        order = self.create_sale_order(customer, [(self.widget, 1)])
        order.write({'auto_invoice_pending': True,
                     'auto_invoice_error': 'No sales journal'})
        customer.auto_invoice_on_delivery = 'off'
        self.env['sale.order']._cron_retry_auto_invoice()
        self.assertFalse(order.auto_invoice_pending)
        self.assertFalse(order.invoice_ids)

    def test_no_double_invoicing(self):
        order = self.create_sale_order(self.customer, [(self.widget, 4)])
        picking = self.deliver(order)
        invoice = order.invoice_ids
        self.assertEqual(len(invoice), 1)
        # a second trigger (re-run, retry) finds nothing left to invoice
        picking._auto_invoice_deliveries()
        order._auto_invoice_delivery()
        self.env['sale.order']._cron_retry_auto_invoice()
        self.assertEqual(order.invoice_ids, invoice)
        # draft invoices count as invoiced too
        customer = self.create_customer('Twice Draft',
                                        auto_invoice_on_delivery='draft')
        order2 = self.create_sale_order(customer, [(self.widget, 4)])
        picking2 = self.deliver(order2)
        picking2._auto_invoice_deliveries()
        self.assertEqual(len(order2.invoice_ids), 1)
        self.assertFalse(order2.auto_invoice_pending)

    # batch and currency ----------------------------------------------------
    def test_batch_of_pickings_in_one_call(self):
        customers = [self.create_customer('Batch %d' % i) for i in range(4)]
        orders = self.env['sale.order']
        for i in range(20):
            orders |= self.create_sale_order(
                customers[i % 4], [(self.widget, 1 + i % 3),
                                   (self.gadget, 2)])
        pickings = orders.mapped('picking_ids')
        self.assertEqual(len(pickings), 20)
        pickings.action_assign()
        for move_line in pickings.mapped('move_line_ids'):
            move_line.qty_done = move_line.product_uom_qty
        pickings.action_done()
        self.assertEqual(set(pickings.mapped('state')), {'done'})
        invoices = orders.mapped('invoice_ids')
        self.assertEqual(len(invoices), 20, "one invoice per order")
        self.assertEqual(set(invoices.mapped('state')), {'open'})
        for i, order in enumerate(orders):
            invoice = order.invoice_ids
            self.assertEqual(self.invoice_lines(invoice), {
                self.widget: (float(1 + i % 3), 100.0),
                self.gadget: (2.0, 40.0)})
            self.assertEqual(invoice.partner_id, order.partner_id)
            self.assertEqual(invoice.picking_ids, order.picking_ids)
            self.assertAlmostEqual(invoice.amount_total,
                                   order.amount_total)

    def test_large_batch_invoiced_in_chunks(self):
        """Pickings of more orders than a chunk, validated in one call
        (issue 15, point 3): Odoo's invoice creation gets a chunk of orders
        at a time (its cost per order grows with the orders of one call),
        each order is invoiced once, the failing one in the middle chunk
        stays pending alone, and each delivery says where it went."""
        from ..models import sale_order as sale_order_module
        category = self.env['product.category'].create({'name': 'No income'})
        category.property_account_income_categ_id = False
        orphan = self.create_product('Orphan', categ_id=category.id)
        customer = self.create_customer('Chunked')
        orders = self.env['sale.order']
        for i in range(7):
            orders |= self.create_sale_order(
                customer, [(orphan if i == 4 else self.widget, 1 + i)])
        failing = orders[4]
        pickings = orders.mapped('picking_ids')
        pickings.action_assign()
        for move_line in pickings.mapped('move_line_ids'):
            move_line.qty_done = move_line.product_uom_qty
        SaleOrder = type(self.env['sale.order'])
        original = SaleOrder.action_invoice_create
        calls = []

        def action_invoice_create(records, *args, **kwargs):
            calls.append(len(records))
            return original(records, *args, **kwargs)
        with patch.object(sale_order_module, 'AUTO_INVOICE_CHUNK', 3), \
                patch.object(SaleOrder, 'action_invoice_create',
                             action_invoice_create):
            pickings.action_done()
        # chunks of 3, 3 (failing: again order by order, 1, 1, 1) and 1
        self.assertEqual(calls, [3, 3, 1, 1, 1, 1])
        self.assertEqual(set(pickings.mapped('state')), {'done'})
        for i, order in enumerate(orders - failing):
            self.assertEqual(len(order.invoice_ids), 1, order.name)
            self.assertEqual(order.invoice_ids.state, 'open')
            self.assertEqual(order.invoice_ids.picking_ids,
                             order.picking_ids)
            self.assertIn('Invoiced in', order.picking_ids.message_ids[0]
                          .body)
        self.assertFalse(failing.invoice_ids)
        self.assertTrue(failing.auto_invoice_pending)
        self.assertIn('Not invoiced yet',
                      failing.picking_ids.message_ids[0].body)
        self.assertFalse((orders - failing).filtered('auto_invoice_pending'))

    def test_foreign_currency_pricelist(self):
        eur = self.env.ref('base.EUR')
        if self.company.currency_id == eur:
            eur = self.env.ref('base.USD')
        eur.active = True
        company_currency = self.company.currency_id
        self.env['res.currency.rate'].search([
            ('currency_id', 'in', (eur | company_currency).ids)]).unlink()
        self.env['res.currency.rate'].create({
            'currency_id': eur.id, 'rate': 2.0, 'name': '2010-01-01'})
        self.env['res.currency.rate'].create({
            'currency_id': company_currency.id, 'rate': 1.0,
            'name': '2010-01-01'})
        pricelist = self.env['product.pricelist'].create({
            'name': 'CIF EUR', 'currency_id': eur.id})
        order = self.create_sale_order(
            self.customer, [(self.widget, 3, 80.0)],
            pricelist_id=pricelist.id)
        self.assertEqual(order.currency_id, eur)
        self.deliver(order)
        invoice = order.invoice_ids
        self.assertEqual(invoice.currency_id, eur)
        self.assertEqual(invoice.state, 'open')
        self.assertAlmostEqual(invoice.amount_untaxed, 240.0)
        self.assertAlmostEqual(invoice.amount_total, 276.0)
        receivable = invoice.move_id.line_ids.filtered(
            lambda aml: aml.account_id == self.account_receivable)
        self.assertEqual(receivable.currency_id, eur)
        self.assertAlmostEqual(receivable.amount_currency, 276.0)
        self.assertAlmostEqual(receivable.debit, 138.0)

    def test_settings_expose_company_mode(self):
        settings = self.env['res.config.settings'].create({
            'auto_invoice_on_delivery': 'sent'})
        settings.execute()
        self.assertEqual(self.company.auto_invoice_on_delivery, 'sent')
