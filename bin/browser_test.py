"""Browser test of the collections screens, in Chromium, on a database with
the addon's demo data: what a collections clerk and a salesperson click.

Serves DB with Odoo (the Odoo virtualenv's Python, CIF_ODOO_PYTHON), then
drives the web client with Playwright: the follow-up list grouped by
customer and stage, a late invoice's badge, buttons and reminder history,
the customer's collections block, the KPI dashboard, and a quotation of a
customer on credit hold refused at confirmation. Fails on any JavaScript
error. Screenshots go to CIF_LOGS.

Usage (the environment comes from bin/lib.sh):
    CIF_ODOO_PYTHON=.venv/bin/python .local/browser-venv/bin/python bin/browser_test.py DB
"""
import json
import os
import subprocess
import sys
import time
import urllib.request

from playwright.sync_api import sync_playwright  # pylint: disable=import-error

from free_port import free_port

CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
                 '--disable-component-update', '--no-first-run']
TIMEOUT = 60000
USER_ERROR = '"exception_type":"user_error"'


def wait_for_server(base, log_path, server, timeout=180):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with open(log_path) as log:
            loaded = 'Modules loaded.' in log.read()
        if loaded:
            try:
                urllib.request.urlopen(base + '/web/login', timeout=30)
                return
            except OSError as error:
                print('waiting for the server: %s' % error)
        if server.poll() is not None:
            raise SystemExit('the server stopped; see %s' % log_path)
        time.sleep(1)
    raise SystemExit('the server did not start within %ss; see %s' % (timeout, log_path))


class Clerk:
    """The web client, logged in as the demo's administrator (an accounting
    manager, hence a collections manager)."""

    def __init__(self, page, base, db, shots):
        self.page, self.base, self.db, self.shots = page, base, db, shots

    def rpc(self, model, method, args, kwargs=None):
        response = self.page.request.post(self.base + '/web/dataset/call_kw', data=json.dumps({
            'jsonrpc': '2.0', 'method': 'call', 'params': {
                'model': model, 'method': method, 'args': args, 'kwargs': kwargs or {}}}),
            headers={'Content-Type': 'application/json'})
        body = response.json()
        assert 'error' not in body, body.get('error')
        return body['result']

    def login(self):
        self.page.goto(self.base + '/web/login?db=' + self.db)
        self.page.fill('input[name=login]', 'admin')
        self.page.fill('input[name=password]', 'admin')
        self.page.click('button[type=submit]')
        self.page.wait_for_selector('.o_web_client .o_main', timeout=TIMEOUT)

    def open(self, fragment, selector):
        self.page.goto(self.base + '/web#' + fragment)
        self.page.wait_for_selector(selector, timeout=TIMEOUT)
        self.page.wait_for_timeout(500)

    def shot(self, name):
        self.page.screenshot(path=os.path.join(self.shots, 'browser-%s.png' % name), full_page=True)

    def text(self, selector='.o_content'):
        return self.page.inner_text(selector)


def check_follow_up(clerk):
    clerk.open('action=customer_invoicing_flow.account_invoice_follow_up_action',
               '.o_list_view .o_group_header')
    headers = clerk.page.locator('.o_group_header').all_inner_texts()
    assert any('Overdue Outfitters' in header for header in headers), headers
    clerk.page.click('.o_group_header:has-text("Overdue Outfitters")')
    clerk.page.wait_for_selector('.o_group_header:has-text("Credit hold")', timeout=TIMEOUT)
    clerk.shot('follow-up')
    print('follow-up: %d customers, Overdue Outfitters at the credit-hold stage' % len(headers))


def check_late_invoice(clerk):
    """From the follow-up list (after check_follow_up): the invoice at the
    credit-hold stage, opened the way a clerk does."""
    clerk.page.click('.o_group_header:has-text("Credit hold")')
    clerk.page.locator('.o_data_row').first.click()
    clerk.page.wait_for_selector('.o_form_view .o_form_statusbar', timeout=TIMEOUT)
    clerk.page.wait_for_timeout(500)
    header = clerk.text('.o_form_statusbar')
    assert 'Late' in header, header
    assert 'Send Reminder Now' in header and 'Payment Hold' in header, header
    assert clerk.page.locator('.o_form_statusbar .label-danger:has-text("Late")').count(), 'no red Late badge'
    clerk.page.click('.o_notebook a:has-text("Reminders")')
    rows = clerk.page.locator('.o_notebook .tab-pane.active .o_data_row')
    rows.first.wait_for(timeout=TIMEOUT)
    assert rows.count() >= 4, rows.count()
    clerk.shot('late-invoice')
    print('late invoice: red Late badge, collections buttons, %d reminder rows' % rows.count())


def check_customer(clerk):
    ids = clerk.rpc('res.partner', 'search', [[('name', '=', 'Overdue Outfitters')]])
    clerk.open('model=res.partner&view_type=form&id=%d' % ids[0], '.o_form_view')
    clerk.page.click('.o_notebook a:has-text("Invoicing")')
    block = clerk.text('.o_notebook .tab-pane.active')
    for label in ('Invoicing & Collections', 'Credit Hold', 'Average Days to Pay',
                  'Overdue Amount', 'Reminders This Year'):
        assert label.lower() in block.lower(), (label, block)
    clerk.shot('customer')
    print('customer: collections block with credit hold and KPIs')


def check_dashboard(clerk):
    clerk.open('action=customer_invoicing_flow.collections_dashboard_action', '.o_form_view')
    text = clerk.text()
    for label in ('Aging at the Period End', 'Customers Most Often Late', 'Days Sales Outstanding'):
        assert label.lower() in text.lower(), (label, text[:2000])
    clerk.shot('dashboard')
    print('dashboard: aging, late customers, DSO')


def check_credit_hold_quotation(clerk):
    ids = clerk.rpc('sale.order', 'search', [[
        ('partner_id.name', '=', 'Overdue Outfitters'), ('state', '=', 'draft')]])
    assert ids, 'no quotation of Overdue Outfitters'
    clerk.open('model=sale.order&view_type=form&id=%d' % ids[0], '.o_form_view')
    assert 'on credit hold' in clerk.text('.o_form_view'), 'no credit-hold warning'
    clerk.page.click('.o_form_statusbar button:visible:has-text("Confirm Sale")')
    dialog = clerk.page.wait_for_selector('.modal-dialog:has-text("credit hold")', timeout=TIMEOUT)
    clerk.shot('credit-hold-refused')
    assert 'Overdue Outfitters is on credit hold' in dialog.inner_text()
    state = clerk.rpc('sale.order', 'read', [ids[:1], ['state']])[0]['state']
    assert state == 'draft', state
    print('quotation: credit-hold warning, confirmation refused')


def main(db):
    shots = os.environ.get('CIF_LOGS', '/tmp')
    port = free_port()
    base = 'http://127.0.0.1:%d' % port
    log_path = os.path.join(shots, 'browser-%s.log' % db)
    with open(log_path, 'w') as log:
        server = subprocess.Popen(
            [os.environ['CIF_ODOO_PYTHON'], '-c', 'import odoo; odoo.cli.main()', '-d', db,
             '--db-filter=^%s$' % db, '--http-port=%d' % port, '--max-cron-threads=0'],
            stdout=log, stderr=subprocess.STDOUT)
    errors = []
    try:
        wait_for_server(base, log_path, server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path='/usr/bin/chromium', args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={'width': 1400, 'height': 900})
            page.on('pageerror', lambda exc: errors.append(str(exc)))
            # a refused action is a user error shown in a dialog (checked),
            # which the web client also logs to the console
            page.on('console', lambda msg: msg.type == 'error' and USER_ERROR not in msg.text
                    and errors.append(msg.text))
            clerk = Clerk(page, base, db, shots)
            clerk.login()
            for check in (check_follow_up, check_late_invoice, check_customer, check_dashboard,
                          check_credit_hold_quotation):
                check(clerk)
            browser.close()
    finally:
        server.terminate()
        server.wait(30)
        for error in errors:
            print('JavaScript error: %s' % error[:3000])
    assert not errors, 'JavaScript errors: %s' % errors
    print('browser test passed')


if __name__ == '__main__':
    main(sys.argv[1])
