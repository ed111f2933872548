"""Benchmark of delivery-confirmed invoicing (run through
bin/bench-delivery-invoicing, which sets up the environment): validate N
pickings (N orders, N customers) in one ``action_done`` call:

* with the addon's invoicing on delivery, in 'draft' and in 'posted' mode;
* with the addon off, followed by Odoo's own "Create Invoices" wizard
  (``sale.advance.payment.inv``, "Invoiceable lines") on the N orders, then
  (to compare with 'posted') the validation of those invoices.

Prints the SQL queries (``cr.sql_log_count`` delta) and the wall time, in
total and per picking. Orders, stock and reservations are prepared outside
the measured part.
"""
import argparse
import sys
import time

import odoo
from odoo import SUPERUSER_ID, api

import cif_tools


def setup_data(env, n, tag):
    """N customers each with one confirmed, reserved order of 2 products."""
    company = env.user.company_id
    receivable, income, _journal = cif_tools.bench_accounts(env)
    category = env['product.category'].create({
        'name': 'Bench %s' % tag,
        'property_account_income_categ_id': income.id})
    warehouse = env['stock.warehouse'].search(
        [('company_id', '=', company.id)], limit=1)
    products = env['product.product']
    for name, price in (('Bench widget', 100.0), ('Bench gadget', 40.0)):
        product = env['product.product'].create({
            'name': '%s %s' % (name, tag), 'type': 'product',
            'invoice_policy': 'delivery', 'list_price': price,
            'categ_id': category.id})
        env['stock.quant']._update_available_quantity(
            product, warehouse.lot_stock_id, 10 * n)
        products |= product
    orders = env['sale.order']
    for i in range(n):
        partner = env['res.partner'].create({
            'name': 'Bench customer %s %d' % (tag, i), 'customer': True,
            'email': 'bench%s%d@example.com' % (tag, i),
            'property_account_receivable_id': receivable.id})
        orders |= env['sale.order'].create({
            'partner_id': partner.id,
            'warehouse_id': warehouse.id,
            'order_line': [(0, 0, {
                'name': product.name, 'product_id': product.id,
                'product_uom_qty': 1 + i % 3, 'product_uom': product.uom_id.id,
                'price_unit': product.list_price,
                'tax_id': [(6, 0, product.taxes_id.ids)]})
                for product in products],
        })
    for order in orders:  # action_confirm is per order in 11.0
        order.action_confirm()
    pickings = orders.mapped('picking_ids')
    pickings.action_assign()
    for move_line in pickings.mapped('move_line_ids'):
        move_line.qty_done = move_line.product_uom_qty
    assert len(pickings) == n, len(pickings)
    return orders, pickings


def measure(env, label, n, run):
    env.cache.invalidate()
    cr = env.cr
    queries = cr.sql_log_count
    start = time.time()
    run()
    elapsed = time.time() - start
    queries = cr.sql_log_count - queries
    print("%-48s %7d queries %7.1f/picking %8.0f ms %7.1f ms/picking" % (
        label, queries, queries / n, elapsed * 1000, elapsed * 1000 / n))
    return queries, elapsed


def check(orders, n, state):
    invoices = orders.mapped('invoice_ids')
    assert len(invoices) == n, "%d invoices for %d orders" % (len(invoices), n)
    assert set(invoices.mapped('state')) == {state}, invoices.mapped('state')
    for order in orders:
        assert order.invoice_status == 'invoiced', order.invoice_status


def run_addon(env, n, mode, state):
    env.user.company_id.auto_invoice_on_delivery = mode
    orders, pickings = setup_data(env, n, mode)
    measure(env, "addon, mode %s: action_done" % mode, n, pickings.action_done)
    check(orders, n, state)


def run_manual(env, n):
    env.user.company_id.auto_invoice_on_delivery = 'off'
    orders, pickings = setup_data(env, n, 'off')
    q1, t1 = measure(env, "addon off: action_done", n, pickings.action_done)
    assert not orders.mapped('invoice_ids')

    def create_invoices():
        wizard = env['sale.advance.payment.inv'].with_context(
            active_ids=orders.ids, active_model='sale.order',
            open_invoices=True).create({
                'advance_payment_method': 'delivered'})
        wizard.create_invoices()
    q2, t2 = measure(env, "  then Odoo's Create Invoices (draft)", n,
                     create_invoices)
    check(orders, n, 'draft')
    q3, t3 = measure(env, "  then validating those invoices", n,
                     orders.mapped('invoice_ids').action_invoice_open)
    check(orders, n, 'open')
    print("%-48s %7d queries %7.1f/picking %8.0f ms %7.1f ms/picking"
          % ("manual total, draft (done + Create Invoices)",
             q1 + q2, (q1 + q2) / n, (t1 + t2) * 1000,
             (t1 + t2) * 1000 / n))
    print("%-48s %7d queries %7.1f/picking %8.0f ms %7.1f ms/picking"
          % ("manual total, posted (+ validation)",
             q1 + q2 + q3, (q1 + q2 + q3) / n,
             (t1 + t2 + t3) * 1000, (t1 + t2 + t3) * 1000 / n))


SCENARIOS = {
    'draft': lambda env, n: run_addon(env, n, 'draft', 'draft'),
    'posted': lambda env, n: run_addon(env, n, 'posted', 'open'),
    'manual': run_manual,
}


def main(conf, db, n=200, scenarios=('draft', 'posted', 'manual')):
    sys.stdout.reconfigure(line_buffering=True)
    odoo.tools.config.parse_config(['-c', conf, '-d', db, '--log-level=warn'])
    registry = odoo.registry(db)
    print("%d pickings validated in one action_done call, database %s"
          % (n, db))
    # Each scenario runs in its own transaction, rolled back afterwards, so
    # one scenario's orders and invoices never weigh on the next.
    for name in scenarios:
        with api.Environment.manage(), registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {
                'mail_notify_force_send': False})
            try:
                # warm-up: load the code paths and caches once
                env.user.company_id.auto_invoice_on_delivery = 'posted'
                setup_data(env, 5, 'warmup')[1].action_done()
                SCENARIOS[name](env, n)
            finally:
                cr.rollback()


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog='bin/bench-delivery-invoicing',
        description="Benchmark of delivery-confirmed invoicing: N pickings validated in one "
                    "action_done call, SQL queries and milliseconds per picking, with the "
                    "addon's invoicing on delivery and with Odoo's own Create Invoices. "
                    "Everything is rolled back: DB is left unchanged.")
    parser.add_argument('db', metavar='DB', help='a database with customer_invoicing_flow installed')
    parser.add_argument('n', metavar='N', type=int, nargs='?', default=200,
                        help='the number of pickings (orders, customers); default 200')
    parser.add_argument('scenarios', metavar='SCENARIO', nargs='*',
                        help='%s (default: all, in this order)' % ', '.join(SCENARIOS))
    args = parser.parse_args(argv)
    unknown = [name for name in args.scenarios if name not in SCENARIOS]
    if unknown:
        parser.error('unknown scenario %s (choose from %s)' % (
            ', '.join(unknown), ', '.join(SCENARIOS)))
    return args


if __name__ == '__main__':
    ARGS = parse_args()
    main(cif_tools.ODOO_CONF, ARGS.db, ARGS.n, ARGS.scenarios or tuple(SCENARIOS))
