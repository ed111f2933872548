# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared test base: accounting set-up that works on a database with or
without a chart of accounts, the users of each role, and factories for
customers, products, sales orders, deliveries, invoices and payments (the
plain functions are in ``fixtures.py``, re-exported here)."""
from werkzeug.test import Client
from werkzeug.wrappers import BaseResponse

import odoo
from odoo.service import security
from odoo.tests.common import SavepointCase, get_db_name

from .fixtures import (  # noqa: F401 pylint: disable=unused-import
    LOGIN_PREFIX, ROLES, STUB_PDF, create_company, create_invoice,
    create_payment, create_user, pdf_text, reminder_logs_and_mails,
    reminder_stage, render_real_pdf, stub_pdf, use_stub_pdf)

# the reminder tests' due date
DUE = '2023-03-31'


def http_get(env, url, user=None, lang='en_US'):
    """GET ``url`` through Odoo's WSGI application, as the public user or
    ``user`` logged in (with the session in ``lang``), on the test's cursor
    (the registry must be in test mode). Returns the werkzeug response."""
    store = odoo.http.root.session_store
    session = store.new()
    session.db = env.cr.dbname
    if user:
        session.uid = user.id
        session.login = user.login
        session.session_token = security.compute_session_token(session, env)
        session.context = {'uid': user.id, 'lang': lang}
    store.save(session)
    # a request ends by rolling back to the test cursor's last commit:
    # commit what the test prepared (a savepoint only in test mode, the
    # test is rolled back as usual)
    env.cr.commit()  # pylint: disable=invalid-commit
    client = Client(odoo.http.root, BaseResponse)
    client.set_cookie('localhost', 'session_id', session.sid)
    try:
        return client.get(url)
    finally:
        store.delete(session)
        env['account.invoice'].invalidate_cache()


class WsgiTestModeMixin(object):
    """For test classes whose tests send requests through Odoo's WSGI
    application (:func:`http_get`): the registry's test mode makes the
    requests use the test cursor, so they see the class's data; each test
    is rolled back, and the class's data when the class ends. Put it before
    the SavepointCase base; the class's own data goes in
    ``_setup_test_mode_class``, run in test mode."""

    @classmethod
    def setUpClass(cls):
        registry = odoo.registry(get_db_name())
        registry.enter_test_mode()
        try:
            super(WsgiTestModeMixin, cls).setUpClass()
            cls._setup_test_mode_class()
        except Exception:
            registry.leave_test_mode()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super(WsgiTestModeMixin, cls).tearDownClass()
        finally:
            cls.registry.leave_test_mode()

    def setUp(self):
        super(WsgiTestModeMixin, self).setUp()
        # A request "commits" the test cursor by releasing and setting again
        # its savepoint ``test_cursor`` (odoo.sql_db.TestCursor), which
        # would release this test's savepoint set after it: set a
        # ``test_cursor`` inside this test's savepoint. The commits stay
        # inside, and the test is rolled back as usual.
        self.cr.execute('SAVEPOINT test_cursor')

    @classmethod
    def _setup_test_mode_class(cls):
        """The class's data, created in test mode (nothing by default)."""


class CustomerInvoicingFlowCase(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(CustomerInvoicingFlowCase, cls).setUpClass()
        cls.env = cls.env(context=dict(
            cls.env.context, tracking_disable=True,
            mail_notify_force_send=False))
        cls.company = cls.env.user.company_id
        cls.company.partner_id.tz = 'Europe/Brussels'
        cls._setup_accounting()
        cls.warehouse = cls.env['stock.warehouse'].search(
            [('company_id', '=', cls.company.id)], limit=1)
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.salesperson = create_user(cls.env, 'salesman', 'Sam Salesperson')
        # the company's collections responsible (activities nobody else
        # owns go to them)
        cls.collections_user = create_user(
            cls.env, 'collections', 'Colin Collections',
            login='collections_responsible')
        cls.company.collections_user_id = cls.collections_user

    @classmethod
    def _setup_accounting(cls):
        """Accounts, a sales journal and taxes of our own, so the tests do
        not depend on the chart of accounts installed (a fresh database
        without localisation has none)."""
        Account = cls.env['account.account']
        cls.account_receivable = Account.create({
            'code': 'CIF1100',
            'name': 'CIF Receivable',
            'user_type_id': cls.env.ref(
                'account.data_account_type_receivable').id,
            'reconcile': True,
            'company_id': cls.company.id,
        })
        cls.account_income = Account.create({
            'code': 'CIF7000',
            'name': 'CIF Product sales',
            'user_type_id': cls.env.ref('account.data_account_type_revenue').id,
            'company_id': cls.company.id,
        })
        cls.account_tax = Account.create({
            'code': 'CIF4510',
            'name': 'CIF VAT collected',
            'user_type_id': cls.env.ref(
                'account.data_account_type_current_liabilities').id,
            'company_id': cls.company.id,
        })
        cls.sale_journal = cls.env['account.journal'].search([
            ('type', '=', 'sale'), ('company_id', '=', cls.company.id)],
            limit=1)
        if not cls.sale_journal:
            cls.sale_journal = cls.env['account.journal'].create({
                'name': 'CIF Customer invoices',
                'code': 'CIFS',
                'type': 'sale',
                'company_id': cls.company.id,
                'update_posted': True,
            })
        cls.tax_15 = cls.env['account.tax'].create({
            'name': 'CIF VAT 15%',
            'amount': 15.0,
            'amount_type': 'percent',
            'type_tax_use': 'sale',
            'account_id': cls.account_tax.id,
            'refund_account_id': cls.account_tax.id,
            'company_id': cls.company.id,
        })
        cls.tax_0 = cls.env['account.tax'].create({
            'name': 'CIF VAT 0% export',
            'amount': 0.0,
            'amount_type': 'percent',
            'type_tax_use': 'sale',
            'company_id': cls.company.id,
        })
        cls.fiscal_position_export = cls.env[
            'account.fiscal.position'].create({
                'name': 'CIF Export',
                'tax_ids': [(0, 0, {'tax_src_id': cls.tax_15.id,
                                    'tax_dest_id': cls.tax_0.id})],
            })
        cls.category = cls.env['product.category'].create({
            'name': 'CIF Goods',
            'property_account_income_categ_id': cls.account_income.id,
        })

    # factories ----------------------------------------------------------
    @classmethod
    def create_customer(cls, name='CIF Customer', **vals):
        values = {
            'name': name,
            'email': '%s@example.com' % name.lower().replace(' ', '.'),
            'customer': True,
            'is_company': True,
            'property_account_receivable_id': cls.account_receivable.id,
        }
        values.update(vals)
        return cls.env['res.partner'].create(values)

    @classmethod
    def create_product(cls, name, invoice_policy='delivery', product_type='product',
                       price=100.0, qty_available=1000.0, **vals):
        values = {
            'name': name,
            'type': product_type,
            'invoice_policy': invoice_policy,
            'list_price': price,
            'categ_id': cls.category.id,
            'taxes_id': [(6, 0, cls.tax_15.ids)],
            'uom_id': cls.env.ref('product.product_uom_unit').id,
            'uom_po_id': cls.env.ref('product.product_uom_unit').id,
        }
        values.update(vals)
        product = cls.env['product.product'].create(values)
        if product_type == 'product' and qty_available:
            cls.env['stock.quant']._update_available_quantity(
                product, cls.stock_location, qty_available)
        return product

    @classmethod
    def create_sale_order(cls, partner, lines, confirm=True, **vals):
        """``lines``: (product, qty) or (product, qty, price_unit) tuples."""
        order_lines = []
        for line in lines:
            product, qty = line[0], line[1]
            price = line[2] if len(line) > 2 else product.list_price
            order_lines.append((0, 0, {
                'name': product.name,
                'product_id': product.id,
                'product_uom_qty': qty,
                'product_uom': product.uom_id.id,
                'price_unit': price,
                'tax_id': [(6, 0, product.taxes_id.ids)],
            }))
        values = {
            'partner_id': partner.id,
            'partner_invoice_id': partner.id,
            'partner_shipping_id': partner.id,
            'user_id': cls.salesperson.id,
            'warehouse_id': cls.warehouse.id,
            'order_line': order_lines,
        }
        values.update(vals)
        order = cls.env['sale.order'].create(values)
        if confirm:
            order.action_confirm()
        return order

    @classmethod
    def process_wizards(cls, result):
        """Answer the wizards that validating a picking opens, as a user
        clicking their main button would."""
        while isinstance(result, dict) and result.get('res_model') in (
                'stock.immediate.transfer', 'stock.backorder.confirmation'):
            wizard = cls.env[result['res_model']].browse(result['res_id'])
            result = wizard.process()
        return result

    @classmethod
    def open_picking(cls, order):
        return order.picking_ids.filtered(
            lambda p: p.state not in ('done', 'cancel')
            and p.picking_type_code == 'outgoing')

    @classmethod
    def deliver(cls, order, qties=None):
        """Validate the open delivery of ``order`` as the UI does.

        ``qties``: {product: quantity done}; None delivers everything
        (through the immediate transfer wizard); a partial quantity creates
        a backorder (through the backorder wizard).
        :return: the validated picking
        """
        picking = cls.open_picking(order)
        picking.ensure_one()
        if picking.state != 'assigned':
            picking.action_assign()
        if qties is not None:
            for product, qty in qties.items():
                move_line = picking.move_line_ids.filtered(
                    lambda ml: ml.product_id == product)
                move_line.ensure_one()
                move_line.qty_done = qty
        cls.process_wizards(picking.button_validate())
        return picking

    @classmethod
    def return_picking(cls, picking, qties, to_refund=True):
        """Return ``qties`` ({product: quantity}) of a done delivery."""
        Wizard = cls.env['stock.return.picking'].with_context(
            active_id=picking.id, active_ids=picking.ids)
        wizard = Wizard.create(Wizard.default_get(list(Wizard._fields)))
        for line in wizard.product_return_moves:
            line.quantity = qties.get(line.product_id, 0.0)
            line.to_refund = to_refund
        result = wizard.create_returns()
        returned = cls.env['stock.picking'].browse(result['res_id'])
        returned.action_assign()
        for move in returned.move_lines:
            for move_line in move.move_line_ids:
                move_line.qty_done = move_line.product_uom_qty
        cls.process_wizards(returned.button_validate())
        return returned


class LatePaymentCase(CustomerInvoicingFlowCase):
    """Late payment: a bank journal, a fee product, a customer with its own
    policy, and factories for policies, invoices, payments and credit
    notes. Dates are fixed (2023); nothing depends on today."""

    @classmethod
    def setUpClass(cls):
        super(LatePaymentCase, cls).setUpClass()
        cls.currency = cls.company.currency_id
        cls.account_bank = cls.env['account.account'].create({
            'code': 'CIF5500',
            'name': 'CIF Bank',
            'user_type_id': cls.env.ref(
                'account.data_account_type_liquidity').id,
            'company_id': cls.company.id,
        })
        cls.bank_journal = cls.env['account.journal'].create({
            'name': 'CIF Bank',
            'code': 'CIFB',
            'type': 'bank',
            'company_id': cls.company.id,
            'default_debit_account_id': cls.account_bank.id,
            'default_credit_account_id': cls.account_bank.id,
        })
        cls.fee_product = cls.env['product.product'].create({
            'name': 'CIF Late fee',
            'type': 'service',
            'invoice_policy': 'order',
            'categ_id': cls.category.id,
            'taxes_id': [(5, 0, 0)],
        })
        # collections staff working the invoices; an invoicing user
        # without collections rights; a collections manager
        cls.clerk = create_user(cls.env, 'collections', 'Clara Collections')
        cls.billing_user = create_user(cls.env, 'invoicing', 'Bill Billing')
        cls.collections_manager = create_user(
            cls.env, 'collections_manager', 'Mona Manager')
        cls.customer = cls.create_customer('CIF Late Payer')
        cls.company.late_payment_policy_id = False

    @classmethod
    def create_policy(cls, name='CIF policy', stages=(), **vals):
        """``stages``: (day_offset, charge_fee) pairs."""
        values = {
            'name': name,
            'company_id': cls.company.id,
            'fee_product_id': cls.fee_product.id,
            'stage_ids': [(0, 0, {'name': 'Day %d' % offset,
                                  'day_offset': offset,
                                  'charge_fee': charge})
                          for offset, charge in stages],
        }
        values.update(vals)
        return cls.env['late.payment.policy'].create(values)

    @classmethod
    def create_invoice(cls, amount, date_invoice='2023-03-01',
                       date_due='2023-03-31', currency=None, partner=None,
                       validate=True, policy=None):
        """A customer invoice of ``amount`` (no tax), validated. With
        ``policy``, the customer's policy is set to it first."""
        partner = partner or cls.customer
        if policy is not None:
            partner.commercial_partner_id.late_payment_policy_id = policy
        return create_invoice(
            cls.env, partner, amount, cls.account_receivable,
            cls.account_income, cls.sale_journal, date_invoice=date_invoice,
            date_due=date_due, currency=currency or cls.currency,
            validate=validate)

    @classmethod
    def pay(cls, invoice, amount, date):
        """Register a real payment of ``amount`` (invoice currency)."""
        return create_payment(cls.env, cls.bank_journal, amount, date,
                              invoice=invoice)

    @classmethod
    def pay_unapplied(cls, partner, amount, date):
        """A posted payment of ``amount`` from ``partner``, reconciled
        with nothing."""
        return create_payment(cls.env, cls.bank_journal, amount, date,
                              partner=partner)

    @classmethod
    def credit_note(cls, invoice, amount, date):
        """A validated credit note of ``amount``, dated ``date`` and
        reconciled with ``invoice``."""
        refund = cls.env['account.invoice'].create({
            'type': 'out_refund',
            'partner_id': invoice.partner_id.id,
            'account_id': invoice.account_id.id,
            'journal_id': cls.sale_journal.id,
            'company_id': cls.company.id,
            'currency_id': invoice.currency_id.id,
            'date_invoice': date,
            'origin': invoice.number,
            'invoice_line_ids': [(0, 0, {
                'name': 'Credit',
                'quantity': 1.0,
                'price_unit': amount,
                'account_id': cls.account_income.id,
            })],
        })
        refund.action_invoice_open()
        credit_line = refund.move_id.line_ids.filtered(
            lambda line: line.account_id == invoice.account_id)
        invoice.assign_outstanding_credit(credit_line.id)
        return refund

    @staticmethod
    def as_of(records, date):
        return records.with_context(late_payment_as_of=date)


class ReminderCase(LatePaymentCase):
    """A policy shaped like the default one: heads-up 3 days before the due
    date, reminders at +1, +11 (with a fixed fee of 40, after 10 days of
    grace), +30 (with a phone call) and +45 (credit hold)."""

    @classmethod
    def setUpClass(cls):
        super(ReminderCase, cls).setUpClass()
        ref = cls.env.ref

        def stage(name, offset, key, **vals):
            return reminder_stage(cls.env, name, offset, key, **vals)

        cls.policy = cls.env['late.payment.policy'].create({
            'name': 'CIF reminders',
            'company_id': cls.company.id,
            'grace_days': 10,
            'fee_fixed': 40.0,
            'fee_product_id': cls.fee_product.id,
            'note': 'Late payment costs 40.00 after ten days of grace.',
            'stage_ids': [
                stage('Heads-up', -3, 'before_due'),
                stage('Due', 1, 'due'),
                stage('Late', 11, 'late', charge_fee=True),
                stage('Final', 30, 'final', create_activity=True,
                      activity_type_id=ref('mail.mail_activity_data_call').id),
                stage('Hold', 45, 'credit_hold', credit_hold=True),
            ],
        })
        cls.stages = {stage.day_offset: stage
                      for stage in cls.policy.stage_ids}
        cls.Invoice = cls.env['account.invoice']
        cls.Log = cls.env['payment.reminder.log']
        cls.call = ref('mail.mail_activity_data_call')
        cls.todo = ref('mail.mail_activity_data_todo')

    def setUp(self):
        super(ReminderCase, self).setUp()
        use_stub_pdf(self)

    def invoice_for(self, name, amount=1000.0, due=DUE, **vals):
        customer = self.create_customer(name)
        return self.create_invoice(amount, date_invoice='2023-03-01',
                                   date_due=due, partner=customer,
                                   policy=self.policy, **vals)

    def run_day(self, as_of, **kwargs):
        return self.Invoice._cron_process_late_payments(as_of, **kwargs)

    def mails(self, invoices):
        return self.env['mail.mail'].search([
            ('model', '=', 'account.invoice'),
            ('res_id', 'in', invoices.ids)], order='id')

    def logs(self, invoices):
        return self.Log.search([('invoice_id', 'in', invoices.ids)],
                               order='id')

    def activities(self, invoices, activity_type=None):
        domain = [('res_model', '=', 'account.invoice'),
                  ('res_id', 'in', invoices.ids)]
        if activity_type:
            domain.append(('activity_type_id', '=', activity_type.id))
        return self.env['mail.activity'].search(domain)

    def snapshot(self, invoices):
        """Everything a run can produce, to compare two runs."""
        return (self.logs(invoices).ids, self.mails(invoices).ids,
                self.activities(invoices).ids,
                invoices.mapped('late_fee_invoice_ids').ids,
                invoices.mapped('commercial_partner_id.credit_hold'))
