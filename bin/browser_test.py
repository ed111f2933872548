"""Browser test: every button, list action and smart button of the addon,
clicked in Chromium by the role that sees it, on a database with the addon's
demo data.

Serves DB with Odoo (the Odoo virtualenv's Python, CIF_ODOO_PYTHON), creates
its users through RPC as admin (collections user, collections manager,
salesman, warehouse clerk, portal customer; idempotent) and a few late
invoices of its own, then drives the web client with Playwright, step by
step:

- the salesperson -> warehouse -> invoice flow: a quotation confirmed, its
  delivery validated for part of the quantity, the backorder created through
  the wizard, the invoice of the delivered quantity checked from the order's
  and the picking's smart buttons, the backorder validated and the second
  invoice checked; a quotation of a customer on credit hold refused;
- the collections buttons of a late invoice opened from Follow-up and from
  Customer Invoices (Charge Late Fee, Send Reminder Now, Payment Hold,
  Release Hold, the Late Fees smart button, the Reminders tab), the list
  actions of Follow-up, Reminder History, the dashboard and the analysis;
- the manager's screens (late-payment policy form, Release credit hold);
- the portal (/my/invoices and an invoice page), the invoice PDF and a
  reminder email.

A step fails on a server error dialog, a JavaScript error (page error or
console error), a failed RPC or HTTP request, or a user error it does not
expect (expected user errors are asserted by their text). Each step leaves a
screenshot in CIF_LOGS; a failing step prints its name, its screenshot and
the server log. The list of buttons clicked, per role, is printed at the end.

With --screenshots DIR, the key screens are also saved to DIR at 1280x800,
reduced to 256 colours (the addon's static/description/ screenshots).

Usage (the environment comes from bin/lib.sh; DB: a fresh copy of the demo):
    CIF_ODOO_PYTHON=.venv/bin/python .local/browser-venv/bin/python \\
        bin/browser_test.py DB [--port N] [--screenshots DIR]
"""
import argparse
import datetime
import importlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback

from playwright.sync_api import sync_playwright  # pylint: disable=import-error

from cif_tools import OdooServer

CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
                 '--disable-component-update', '--no-first-run']
VIEWPORT = {'width': 1280, 'height': 800}
TIMEOUT = 30000
PASSWORD = 'cif-browser-test'
# The users the test logs in as: login, name, groups (XML ids), exactly.
USERS = {
    'collections user': ('cif_collections_user', 'Colette Collections',
                         ['base.group_user', 'customer_invoicing_flow.group_collections_user']),
    'collections manager': ('cif_collections_manager', 'Manon Manager',
                            ['base.group_user', 'customer_invoicing_flow.group_collections_manager']),
    'salesman': ('cif_salesman', 'Sam Salesman', ['base.group_user', 'sales_team.group_sale_salesman']),
    'warehouse clerk': ('cif_warehouse', 'Wanda Warehouse', ['base.group_user', 'stock.group_stock_user']),
    'portal customer': ('cif_portal', 'Olivia Outfitters', ['base.group_portal']),
}
# Exceptions the web client shows as a warning: a user error, expected or not.
USER_ERROR_TYPES = ('user_error', 'validation_error', 'warning', 'except_orm')
TEST_CUSTOMER = 'Browser Test Customer'
CREDIT_HOLD_CUSTOMER = 'Overdue Outfitters'
FLOW_CUSTOMER = 'Punctual Parts Ltd'
# The groups of the follow-up list opened for its screenshot.
SCREENSHOT_CUSTOMERS = ['Slowpay Trading', CREDIT_HOLD_CUSTOMER]
FLOW_PRODUCT = 'Ergonomic office chair'
# A portal user of the demo data (login, password, customer), used when the
# demo provides it; else the test's own portal user, a contact of
# CREDIT_HOLD_CUSTOMER.
DEMO_PORTAL = ('slowpay', 'slowpay', 'Slowpay Trading')
# Key screens of --screenshots: file name -> what it shows.
KEY_SCREENS = {
    'follow-up': 'Invoicing > Sales > Follow-up',
    'late-invoice': 'a late invoice with its badge, buttons and reminders',
    'policy-form': 'Invoicing > Configuration > Late Payment Policies',
    'dashboard': 'Invoicing > Reporting > Collections > Dashboard',
    'portal-invoice': 'the invoice page of the portal, as the customer',
    'invoice-pdf': 'the first page of an invoice PDF',
    'reminder-email': 'a reminder email as the customer receives it',
}


class StepFailed(Exception):
    pass


# Odoo 11 renders buttons without their name attribute: they are found by
# their text (the view's string), in the header or the smart-button box.
def header_button(text):
    return '.o_form_view .o_form_statusbar button:text-is("%s")' % text


def smart_button(text):
    return '.o_form_view .oe_button_box button.oe_stat_button:has-text("%s")' % text


def xpath_text(text):
    """An XPath string literal for text (which may hold quotes)."""
    if "'" not in text:
        return "'%s'" % text
    return 'concat(%s)' % ', "\'", '.join("'%s'" % part for part in text.split("'"))


class Session:
    """One user's browser context: the web client as that user."""

    def __init__(self, test, browser, role, login, password):
        self.test, self.role, self.login_name, self.password = test, role, login, password
        self.context = browser.new_context(viewport=VIEWPORT)
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT)
        self.errors = []
        self.user_errors = []
        self.expected = []
        self.inflight = set()
        self.logged_in = False
        self.page.on('pageerror', lambda exc: self.errors.append('JavaScript error: %s' % exc))
        self.page.on('console', self._on_console)
        self.page.on('request', self._on_request)
        self.page.on('requestfinished', self._on_request_done)
        self.page.on('requestfailed', self._on_request_failed)
        self.page.on('response', self._on_response)

    # --- watching the page -------------------------------------------------
    def _on_console(self, msg):
        if msg.type != 'error':
            return
        text = msg.text
        # the web client logs the RPC errors it shows in a dialog: those
        # are judged from the RPC's response (_on_response)
        if any('"exception_type":"%s"' % kind in text.replace(' ', '') for kind in USER_ERROR_TYPES):
            return
        self.errors.append('console error: %s' % text[:2000])

    def _on_request(self, request):
        if '/longpolling/' not in request.url:
            self.inflight.add(request)

    def _on_request_done(self, request):
        self.inflight.discard(request)

    def _on_request_failed(self, request):
        self.inflight.discard(request)
        failure = request.failure or ''
        if '/longpolling/' not in request.url and 'ERR_ABORTED' not in failure:
            self.errors.append('request failed: %s %s' % (request.url, failure))

    def _on_response(self, response):
        url = response.url
        if '/longpolling/' in url:
            return
        if response.status >= 500:
            self.errors.append('HTTP %s on %s' % (response.status, url))
            return
        if response.request.method != 'POST' or 'json' not in response.headers.get('content-type', ''):
            return
        try:
            body = json.loads(response.text())
        except (ValueError, TypeError, AttributeError) as error:  # not JSON, or gone
            body = {'unreadable': str(error)}
        error = body.get('error') if isinstance(body, dict) else None
        if not error:
            return
        data = error.get('data') or {}
        message = data.get('message') or error.get('message') or ''
        if data.get('exception_type') in USER_ERROR_TYPES:
            self.user_errors.append(message)
        else:
            self.errors.append('failed RPC %s: %s: %s\n%s' % (
                url, data.get('name'), message, (data.get('debug') or '')[-1500:]))

    # --- acting ------------------------------------------------------------
    def activate(self):
        self.test.active = self
        self.test.used.add(self)
        if not self.logged_in:
            self.logged_in = True
            self.login()
        return self.page

    def settle(self, quiet_ms=400, timeout=TIMEOUT):
        """Wait until no request (but the long polling) has been pending
        for quiet_ms and the web client shows no loading indicator."""
        deadline = time.time() + timeout / 1000.0
        quiet_since = None
        while time.time() < deadline:
            busy = bool(self.inflight) or self.page.locator('.o_loading:visible, .blockUI:visible').count()
            if busy:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.time()
            elif (time.time() - quiet_since) * 1000 >= quiet_ms:
                return
            self.page.wait_for_timeout(100)
        raise StepFailed('the page did not settle within %ss (pending: %s)' % (
            timeout / 1000, [r.url for r in self.inflight]))

    def check(self):
        """Fail on a server error dialog, an error or an unexpected user
        error seen so far."""
        self.settle()
        dialogs = self.page.locator('.modal:visible .o_dialog_error')
        if dialogs.count():
            raise StepFailed('server error dialog: %s' % dialogs.first.inner_text()[:1500])
        for title in ('Odoo Server Error', 'Odoo Client Error'):
            if self.page.locator('.modal:visible:has-text("%s")' % title).count():
                text = self.page.locator('.modal:visible').last.inner_text()
                raise StepFailed('%s dialog: %s' % (title, text[:1500]))
        if self.errors:
            errors, self.errors = self.errors, []
            raise StepFailed('\n'.join(errors))
        unexpected = []
        for message in self.user_errors:
            match = next((text for text in self.expected if text.lower() in message.lower()), None)
            if match is None:
                unexpected.append(message)
            else:
                self.expected.remove(match)
        self.user_errors = []
        if unexpected:
            raise StepFailed('unexpected user error: %s' % ' | '.join(unexpected))

    def login(self):
        self.logged_in = True
        page = self.activate()
        page.goto(self.test.base + '/web/login?db=' + self.test.db)
        page.fill('input[name=login]', self.login_name)
        page.fill('input[name=password]', self.password)
        page.click('button[type=submit]')
        page.wait_for_load_state()
        if self.role != 'portal customer':
            page.wait_for_selector('.o_web_client .o_main')
        self.check()

    def rpc(self, model, method, args, kwargs=None):
        response = self.page.request.post(self.test.base + '/web/dataset/call_kw', data=json.dumps({
            'jsonrpc': '2.0', 'method': 'call', 'params': {
                'model': model, 'method': method, 'args': args, 'kwargs': kwargs or {}}}),
            headers={'Content-Type': 'application/json'})
        body = response.json()
        if 'error' in body:
            raise StepFailed('RPC %s.%s failed: %s' % (
                model, method, json.dumps(body['error'].get('data', body['error']))[:3000]))
        return body['result']

    def clicked(self, label):
        self.test.clicked.setdefault(self.role, [])
        if label not in self.test.clicked[self.role]:
            self.test.clicked[self.role].append(label)

    def click(self, selector, label, settle=True):
        """Click the first visible match of selector; label goes into the
        list of buttons clicked."""
        page = self.activate()
        target = page.locator(selector).locator('visible=true').first
        more = page.locator('.o_form_view .oe_button_box .o_button_more').locator('visible=true')
        if 'oe_button_box' in selector and not target.count() and more.count():
            more.first.click()  # smart buttons folded under "More"
        target.wait_for(state='visible')
        target.click()
        self.clicked(label)
        if settle:
            self.settle()
        return target

    def menu(self, app, *path):
        """Open a menu by its texts: app, then section, (group,) leaf."""
        page = self.activate()
        page.locator('.oe_application_menu_placeholder a[data-menu]').filter(
            has_text=re.compile(r'^\s*%s\s*$' % re.escape(app))).first.click()
        self.settle()
        xpath = ("//div[contains(@class, 'oe_secondary_menu') and @data-menu-parent]"
                 "/div[contains(@class, 'oe_secondary_menu_section') and normalize-space(.)=%s]"
                 % xpath_text(path[0]))
        if len(path) == 1:
            xpath += "/a[contains(@class, 'oe_menu_leaf')]"
        else:
            xpath += '/following-sibling::ul[1]'
            for group in path[1:-1]:
                # a collapsed group of the side menu: open it
                toggler = page.locator('xpath=%s/li/a[normalize-space(.)=%s]' % (xpath, xpath_text(group))).locator(
                    'visible=true').first
                xpath += '/li[a[normalize-space(.)=%s]]/ul' % xpath_text(group)
                if not page.locator('xpath=' + xpath).locator('visible=true').count():
                    toggler.click()
            xpath += "/li/a[contains(@class, 'oe_menu_leaf') and normalize-space(.)=%s]" % xpath_text(path[-1])
        page.locator('xpath=' + xpath).locator('visible=true').first.click()
        self.clicked('menu %s' % ' > '.join((app,) + path))
        self.settle()
        page.wait_for_selector('.o_content > *')
        self.check()

    def modal_flow(self, expect=None, fill=None, label='', prefer=(), rounds=5):
        """Go through the dialogs a click opened: confirmations and wizards
        (required fields filled, then the button captioned as one of prefer,
        else the primary button clicked), an expected user error (asserted by
        its text, then closed). Returns the texts of the dialogs seen."""
        page = self.activate()
        seen = []
        if expect:
            self.expected.append(expect)
        for _round in range(rounds):
            self.settle()
            modals = page.locator('.modal:visible')
            if not modals.count():
                break
            modal = modals.last
            text = modal.inner_text()
            seen.append(text)
            if modal.locator('.o_dialog_error').count():
                raise StepFailed('server error dialog: %s' % text[:1500])
            if modal.locator('.o_dialog_warning').count():
                if not expect or expect.lower() not in text.lower():
                    raise StepFailed('unexpected user error dialog: %s' % text[:1500])
                self.test.shot('user-error')
                modal.locator('.modal-footer button').locator('visible=true').first.click()
                self.clicked('%s: %s dialog closed' % (label, 'user error'))
                continue
            for name, value in (fill or {}).items():
                field = modal.locator('[name="%s"]' % name).locator('visible=true')
                if field.count():
                    self._fill(field.first, value)
            for required in modal.locator('.o_required_modifier').locator('visible=true').all():
                self._fill(required, 'Browser test: %s' % label, only_empty=True)
            self.test.shot('dialog')
            buttons = modal.locator('.modal-footer button').filter(
                has_text=re.compile(r'^\s*(%s)\s*$' % '|'.join(map(re.escape, prefer)))).locator('visible=true')
            if not prefer or not buttons.count():
                buttons = modal.locator('.modal-footer button.btn-primary').locator('visible=true')
            if not buttons.count():
                buttons = modal.locator('.modal-footer button').locator('visible=true')
            button = buttons.first
            caption = ' '.join(button.inner_text().split()) or button.get_attribute('name') or '?'
            button.click()
            self.clicked('%s: dialog "%s"' % (label, caption))
        else:
            raise StepFailed('dialogs keep opening: %s' % seen)
        self.check()
        if expect and not any(expect.lower() in text.lower() for text in seen):
            raise StepFailed('expected the user error "%s"; dialogs seen: %s' % (expect, seen))
        return seen

    @staticmethod
    def _fill(field, value, only_empty=False):
        inputs = field.locator('xpath=self::input | self::textarea | .//input | .//textarea')
        if not inputs.count():
            return
        target = inputs.first
        if only_empty and target.input_value():
            return
        target.fill(str(value))

    def field(self, name, value, scope='.o_form_view'):
        self._fill(self.page.locator('%s [name="%s"]' % (scope, name)).locator('visible=true').first, value)

    def many2one(self, name, text, scope='.o_form_view'):
        page = self.activate()
        field = page.locator('%s .o_field_many2one[name="%s"] input' % (scope, name)).locator('visible=true').first
        field.click()
        field.fill(text)
        option = page.locator('ul.ui-autocomplete li a').filter(has_text=text).locator('visible=true').first
        option.wait_for()
        option.click()
        self.settle()

    def search(self, text):
        """Type text in the search view and pick the first proposal."""
        page = self.activate()
        box = page.locator('.o_searchview_input').locator('visible=true').first
        box.click()
        box.press_sequentially(text, delay=20)
        page.locator('.o_searchview_autocomplete li').locator('visible=true').first.wait_for()
        box.press('Enter')
        self.settle()

    def expand_groups(self, wanted='.o_data_row', clicks=12):
        """Open the list's groups until a row matching wanted shows."""
        page = self.activate()
        for _click in range(clicks):
            if page.locator(wanted).locator('visible=true').count():
                return
            closed = page.locator('.o_group_header:not(.o_group_open)').locator('visible=true')
            if not closed.count():
                break
            closed.first.click()
            self.settle()
        if not page.locator(wanted).locator('visible=true').count():
            raise StepFailed('no row %s in the list' % wanted)

    def open_row(self, text):
        page = self.activate()
        self.expand_groups('.o_data_row:has-text("%s")' % text)
        page.locator('.o_data_row:has-text("%s")' % text).locator('visible=true').first.click()
        page.wait_for_selector('.o_form_view .o_form_statusbar')
        self.settle()

    def action_menu(self, item):
        page = self.activate()
        page.locator('.o_cp_sidebar .o_dropdown_toggler_btn:has-text("Action")').locator(
            'visible=true').first.click()
        page.locator('.o_cp_sidebar .dropdown-menu a').filter(
            has_text=re.compile(r'^\s*%s\s*$' % re.escape(item))).locator('visible=true').first.click()
        self.clicked('list action %s' % item)
        self.settle()

    def back(self):
        """Back to the previous breadcrumb."""
        self.activate().locator('.o_control_panel .breadcrumb li a').last.click()
        self.settle()

    def record_id(self):
        match = re.search(r'[#&]id=(\d+)', self.page.url)
        if not match:
            raise StepFailed('no record id in %s' % self.page.url)
        return int(match.group(1))

    def text(self, selector='.o_content'):
        return self.page.locator(selector).locator('visible=true').first.inner_text()


class BrowserTest:
    def __init__(self, base, db, logs, log_path, screenshots=None):
        self.base, self.db, self.logs, self.log_path = base, db, logs, log_path
        self.screenshots = screenshots
        self.sessions = {}
        self.active = None
        self.used = set()
        self.current = None
        self.number = 0
        self.shots_taken = 0
        self.clicked = {}
        self.failures = []
        self.data = {}

    # --- steps -------------------------------------------------------------
    def shot(self, suffix=''):
        if self.active is None:
            return None
        self.shots_taken += 1
        path = os.path.join(self.logs, 'browser-%02d-%s%s.png' % (
            self.number, self.current, '-%d-%s' % (self.shots_taken, suffix) if suffix else ''))
        try:
            self.active.page.screenshot(path=path, full_page=True)
        except Exception as error:  # pylint: disable=broad-except
            print('  (no screenshot: %s)' % error)
            return None
        return path

    def key_screen(self, name, path=None):
        """Save a key screen for the addon's description (--screenshots)."""
        if not self.screenshots:
            return
        target = os.path.join(self.screenshots, '%s.png' % name)
        if path is None:
            self.active.page.screenshot(path=target)
        else:
            os.replace(path, target)
        reduce_png(target)
        print('  key screen %s (%d KB)' % (target, os.path.getsize(target) // 1024))

    def reset(self):
        """After a failure: the pages of the sessions the step used back
        to their start, without the dialogs left open."""
        for session in self.used:
            try:
                session.page.goto(self.base + ('/my' if session.role == 'portal customer' else '/web'))
                session.settle()
            except Exception as error:  # pylint: disable=broad-except
                print('  (could not reset the %s page: %s)' % (session.role, error))
            session.errors, session.user_errors, session.expected = [], [], []

    def step(self, name, function, *args):
        self.used = set()
        self.number += 1
        self.current = name
        self.shots_taken = 0
        started = time.time()
        print('[%02d] %s' % (self.number, name), flush=True)
        try:
            function(self, *args)
            for session in list(self.used):
                session.check()
        except Exception as error:  # pylint: disable=broad-except
            path = self.shot('FAILED')
            detail = error if isinstance(error, StepFailed) else traceback.format_exc()
            print('  FAILED step %s (%.1fs): %s\n  screenshot: %s\n  server log: %s' % (
                name, time.time() - started, detail, path, self.log_path), flush=True)
            self.failures.append((name, str(error).splitlines()[0] if str(error) else repr(error)))
            self.reset()
            return False
        self.shots_taken = 0
        path = self.shot()
        print('  ok (%.1fs) %s' % (time.time() - started, path or ''), flush=True)
        return True

    def session(self, role):
        return self.sessions[role]


def reduce_png(path):
    """Quantize a screenshot to 256 colours (Pillow of the Odoo virtualenv)."""
    script = ('import sys; from PIL import Image; image = Image.open(sys.argv[1]).convert("RGB"); '
              'image.quantize(colors=256, method=2).save(sys.argv[1], optimize=True)')
    subprocess.run([os.environ['CIF_ODOO_PYTHON'], '-c', script, path], check=True)


# --- set-up through RPC as admin ---------------------------------------------
def setup_users(test):
    admin = test.session('admin')
    ref = {}
    for _role, (_login, _name, groups) in USERS.items():
        for xmlid in groups:
            if xmlid not in ref:
                ref[xmlid] = admin.rpc('ir.model.data', 'xmlid_to_res_id', [xmlid], {'raise_if_not_found': True})
    outfitters = admin.rpc('res.partner', 'search', [[('name', '=', CREDIT_HOLD_CUSTOMER), ('is_company', '=', True)]])
    if not outfitters:
        raise StepFailed('no demo customer %s' % CREDIT_HOLD_CUSTOMER)
    for role, (login, name, groups) in USERS.items():
        values = {'groups_id': [(6, 0, [ref[xmlid] for xmlid in groups])], 'password': PASSWORD,
                  'active': True}
        found = admin.rpc('res.users', 'search', [[('login', '=', login), ('active', 'in', (True, False))]])
        if found:
            admin.rpc('res.users', 'write', [found, values])
            uid = found[0]
        else:
            values.update({'login': login, 'name': name, 'email': '%s@example.com' % login})
            if role == 'portal customer':
                values['partner_id'] = admin.rpc('res.partner', 'create', [{
                    'name': name, 'parent_id': outfitters[0], 'email': values['email']}])
            uid = admin.rpc('res.users', 'create', [values])
        test.data.setdefault('uids', {})[role] = uid
    test.data['portal customer'] = CREDIT_HOLD_CUSTOMER
    login, password, customer = DEMO_PORTAL
    if admin.rpc('res.users', 'search', [[('login', '=', login), ('share', '=', True)]]):
        portal = test.session('portal customer')
        portal.login_name, portal.password = login, password
        test.data['portal customer'] = customer
        print('  portal customer: the demo\'s %s (%s)' % (login, customer))
    print('  users: %s' % ', '.join('%s (%s)' % (role, spec[0]) for role, spec in USERS.items()))


def create_late_invoices(admin, customer, email, city, label, prices):
    """Validated invoices of ``customer`` (a company, created when missing),
    one per (quantity, unit price) of ``prices``, dated 61 days ago and due
    31 days ago. Returns (the customer's id, the invoices' ids)."""
    partner = admin.rpc('res.partner', 'search', [[('name', '=', customer)]])
    if partner:
        partner = partner[0]
    else:
        partner = admin.rpc('res.partner', 'create', [{
            'name': customer, 'is_company': True, 'customer': True, 'email': email, 'city': city}])
    product = admin.rpc('product.product', 'search', [[('name', '=', FLOW_PRODUCT)]])[0]
    revenue = admin.rpc('ir.model.data', 'xmlid_to_res_id', ['account.data_account_type_revenue'])
    account = admin.rpc('account.account', 'search', [[('user_type_id', '=', revenue)]], {'limit': 1})[0]
    today = datetime.date.today()
    ids = []
    for index, (quantity, price) in enumerate(prices):
        ids.append(admin.rpc('account.invoice', 'create', [{
            'partner_id': partner, 'type': 'out_invoice',
            'date_invoice': str(today - datetime.timedelta(days=61)),
            'date_due': str(today - datetime.timedelta(days=31)),
            'invoice_line_ids': [(0, 0, {
                'product_id': product, 'name': '%s %d' % (label, index + 1),
                'quantity': quantity, 'price_unit': price, 'account_id': account})]}]))
    admin.rpc('account.invoice', 'action_invoice_open', [ids])
    return partner, ids


def setup_late_invoices(test):
    """Four invoices of the test's own customer, due 31 days ago and never
    reminded: the collections buttons act on them, whatever earlier runs
    left in the database."""
    admin = test.session('admin')
    _partner, ids = create_late_invoices(
        admin, TEST_CUSTOMER, 'ap@browser-test.example.com', 'Leeds', 'Browser test chair', [(2, 249.0)] * 4)
    invoices = admin.rpc('account.invoice', 'read', [ids, [
        'number', 'late_payment_state', 'late_fee_accrued', 'late_payment_policy_id']])
    for invoice in invoices:
        if invoice['late_payment_state'] != 'late' or not invoice['late_fee_accrued']:
            raise StepFailed('invoice %s is not late with a fee due: %s' % (invoice['number'], invoice))
    test.data['invoices'] = {invoice['number']: invoice['id'] for invoice in invoices}
    test.data['late'] = [invoice['number'] for invoice in invoices]
    print('  late invoices of %s: %s' % (TEST_CUSTOMER, ', '.join(test.data['late'])))


# --- helpers reading the database ---------------------------------------------
def invoice_facts(test, number):
    admin = test.session('admin')
    invoice_id = test.data['invoices'][number]
    facts = admin.rpc('account.invoice', 'read', [[invoice_id], [
        'payment_hold', 'late_payment_state', 'late_fee_invoice_count', 'reminder_log_ids',
        'date_due', 'late_fee_charged', 'late_payment_policy_id']])[0]
    facts['mails'] = admin.rpc('mail.mail', 'search_count', [[]])
    return facts


def check_new_reminders(test, number, before):
    """After Send Reminder Now: something was sent or logged, and no stage
    whose day has not come fired (issue 11, defect 3)."""
    after = invoice_facts(test, number)
    new_logs = sorted(set(after['reminder_log_ids']) - set(before['reminder_log_ids']))
    if not new_logs and after['mails'] == before['mails']:
        raise StepFailed('Send Reminder Now on %s sent and logged nothing' % number)
    admin = test.session('admin')
    days_past_due = (datetime.date.today() - datetime.date(*map(int, after['date_due'].split('-')))).days
    for log in admin.rpc('payment.reminder.log', 'read', [new_logs, ['stage_id', 'state']]):
        stage = admin.rpc('late.payment.policy.stage', 'read', [[log['stage_id'][0]], ['day_offset', 'name']])[0]
        if stage['day_offset'] > days_past_due + 1:
            raise StepFailed('Send Reminder Now on %s fired the stage "%s" (day %s) %s days after the due '
                             'date' % (number, stage['name'], stage['day_offset'], days_past_due))
    print('  %s: %d reminder log(s), %d new mail(s)' % (
        number, len(new_logs), after['mails'] - before['mails']))


# --- the salesperson -> warehouse -> invoice flow -----------------------------
def new_quotation(session, customer, quantity):
    session.menu('Sales', 'Orders', 'Quotations')
    session.click('.o_list_button_add', 'Create (quotation)')
    session.many2one('partner_id', customer)
    session.click('.o_field_x2many_list_row_add a', 'Add an item (order line)')
    session.many2one('product_id', FLOW_PRODUCT, scope='.o_field_one2many[name="order_line"]')
    session.field('product_uom_qty', quantity, scope='.o_field_one2many[name="order_line"]')
    session.click('.o_form_button_save', 'Save (quotation)')
    session.page.wait_for_selector('.o_form_view.o_form_readonly')
    session.check()
    return session.record_id()


def salesman_credit_hold_refused(test):
    salesman = test.session('salesman')
    order = new_quotation(salesman, CREDIT_HOLD_CUSTOMER, 1)
    warning = salesman.text('.o_form_view')
    if 'credit hold' not in warning:
        raise StepFailed('no credit-hold warning on the quotation of %s' % CREDIT_HOLD_CUSTOMER)
    salesman.click(header_button('Confirm Sale'), 'Confirm Sale (customer on credit hold)')
    salesman.modal_flow(expect='%s is on credit hold' % CREDIT_HOLD_CUSTOMER, label='Confirm Sale')
    state = test.session('admin').rpc('sale.order', 'read', [[order], ['state']])[0]['state']
    if state != 'draft':
        raise StepFailed('the quotation of a customer on credit hold was confirmed: %s' % state)


def salesman_quotation_confirmed(test):
    salesman = test.session('salesman')
    order = new_quotation(salesman, FLOW_CUSTOMER, 5)
    salesman.click(header_button('Confirm Sale'), 'Confirm Sale')
    salesman.modal_flow(label='Confirm Sale')
    order_data = test.session('admin').rpc('sale.order', 'read', [[order], ['state', 'name', 'picking_ids']])[0]
    if order_data['state'] != 'sale' or len(order_data['picking_ids']) != 1:
        raise StepFailed('order not confirmed with one delivery: %s' % order_data)
    test.data['order'] = order_data
    print('  %s confirmed for %s: 5 x %s' % (order_data['name'], FLOW_CUSTOMER, FLOW_PRODUCT))


def open_delivery(clerk, origin, state_text):
    clerk.menu('Inventory', 'Operations', 'Transfers')
    clerk.search(origin)
    rows = clerk.page.locator('.o_data_row:has-text("%s")' % origin).filter(has_text=state_text)
    clerk.expand_groups('.o_data_row:has-text("%s")' % origin)
    rows.locator('visible=true').first.click()
    clerk.clicked('Transfers: open the delivery')
    clerk.page.wait_for_selector('.o_form_view .o_form_statusbar')
    clerk.settle()
    return clerk.record_id()


def warehouse_partial_delivery(test):
    clerk = test.session('warehouse clerk')
    picking = open_delivery(clerk, test.data['order']['name'], 'Ready')
    clerk.click('.o_form_button_edit', 'Edit (delivery)')
    moves = clerk.page.locator('.o_field_one2many[name="move_lines"] .o_data_row')
    moves.first.locator('td.o_data_cell').last.click()
    clerk.settle()
    clerk.field('quantity_done', 2, scope='.o_field_one2many[name="move_lines"]')
    clerk.click('.o_form_button_save', 'Save (delivery, 2 of 5 done)')
    clerk.click(header_button('Validate'), 'Validate (partial delivery)')
    seen = clerk.modal_flow(label='Validate', prefer=['Create Backorder'])
    if not any('backorder' in text.lower() for text in seen):
        raise StepFailed('no backorder wizard after a partial validation: %s' % seen)
    state = test.session('admin').rpc('stock.picking', 'read', [[picking], ['state']])[0]['state']
    if state != 'done':
        raise StepFailed('delivery not done: %s' % state)
    test.data['picking'] = picking


def order_invoices(test, expected_quantities):
    admin = test.session('admin')
    order = admin.rpc('sale.order', 'read', [[test.data['order']['id']], ['invoice_ids']])[0]
    lines = admin.rpc('account.invoice.line', 'search_read', [
        [('invoice_id', 'in', order['invoice_ids'])], ['quantity', 'invoice_id']])
    quantities = sorted(line['quantity'] for line in lines)
    if quantities != sorted(expected_quantities):
        raise StepFailed('invoiced quantities %s, expected %s' % (quantities, expected_quantities))
    return order['invoice_ids']


def first_invoice_from_smart_buttons(test):
    invoices = order_invoices(test, [2])
    salesman = test.session('salesman')
    salesman.activate().goto('%s/web#model=sale.order&id=%d&view_type=form' % (test.base, test.data['order']['id']))
    salesman.page.wait_for_selector('.o_form_view .o_form_statusbar')
    salesman.settle()
    salesman.click(smart_button('Invoices'), 'Invoices smart button (order)')
    salesman.page.wait_for_selector('.o_form_view .o_form_statusbar')
    if '2.000' not in salesman.text('.o_form_view'):
        raise StepFailed('the invoice opened from the order does not show the 2 delivered')
    admin = test.session('admin')
    admin.activate().goto('%s/web#model=stock.picking&id=%d&view_type=form' % (test.base, test.data['picking']))
    admin.page.wait_for_selector('.o_form_view .o_form_statusbar')
    admin.settle()
    admin.click(smart_button('Invoices'), 'Invoices smart button (delivery)')
    admin.page.wait_for_selector('.o_form_view .o_form_statusbar, .o_list_view')
    admin.check()
    print('  invoice %s for the 2 delivered' % invoices)


def warehouse_backorder(test):
    clerk = test.session('warehouse clerk')
    picking = open_delivery(clerk, test.data['order']['name'], 'Ready')
    if picking == test.data['picking']:
        raise StepFailed('the backorder was not found')
    clerk.click(header_button('Validate'), 'Validate (backorder)')
    clerk.modal_flow(label='Validate backorder')
    state = test.session('admin').rpc('stock.picking', 'read', [[picking], ['state']])[0]['state']
    if state != 'done':
        raise StepFailed('backorder not done: %s' % state)


def second_invoice(test):
    invoices = order_invoices(test, [2, 3])
    salesman = test.session('salesman')
    salesman.activate().goto('%s/web#model=sale.order&id=%d&view_type=form' % (test.base, test.data['order']['id']))
    salesman.page.wait_for_selector('.o_form_view .o_form_statusbar')
    salesman.settle()
    if '2' not in salesman.text(smart_button('Invoices')):
        raise StepFailed('the order does not show 2 invoices')
    salesman.click(smart_button('Invoices'), 'Invoices smart button (order, 2 invoices)')
    salesman.page.wait_for_selector('.o_list_view .o_data_row')
    print('  invoices %s for 2 and 3' % invoices)


# --- collections --------------------------------------------------------------
def open_follow_up(session):
    session.menu('Invoicing', 'Sales', 'Follow-up', 'Follow-up')


def follow_up_list(test):
    clerk = test.session('collections user')
    open_follow_up(clerk)
    clerk.page.wait_for_selector('.o_list_view')
    # the demo's customers rather than the test's own
    for customer in SCREENSHOT_CUSTOMERS:
        header = clerk.page.locator('.o_group_header:not(.o_group_open)').filter(has_text=customer)
        if header.count():
            header.first.click()
            clerk.settle()
    clerk.expand_groups()
    clerk.page.wait_for_timeout(300)
    test.key_screen('follow-up')
    if test.screenshots:
        customer = SCREENSHOT_CUSTOMERS[0]
        rows = clerk.page.locator('.o_data_row').filter(has_text=customer).locator('visible=true').all()
        # a row whose status cell says Late (not In grace period)
        late = [row for row in rows if 'Late' in [cell.strip() for cell in row.inner_text().split('\t')]]
        (late or rows)[0].click()
        clerk.clicked('Follow-up: open a late invoice of %s' % customer)
        clerk.page.wait_for_selector('.o_form_view .o_form_statusbar')
        clerk.settle()
        test.key_screen('late-invoice')


def invoice_buttons(test, number, opened_from):
    """The collections buttons of a late invoice, from its form."""
    clerk = test.session('collections user')
    if opened_from == 'Follow-up':
        open_follow_up(clerk)
    else:
        clerk.menu('Invoicing', 'Sales', 'Documents', 'Customer Invoices')
    clerk.search(number)
    clerk.open_row(number)
    clerk.clicked('%s: open a late invoice' % opened_from)
    before = invoice_facts(test, number)
    clerk.click(header_button('Charge Late Fee'), 'Charge Late Fee (%s)' % opened_from)
    clerk.modal_flow(label='Charge Late Fee')
    after = invoice_facts(test, number)
    if after['late_fee_invoice_count'] != before['late_fee_invoice_count'] + 1:
        raise StepFailed('Charge Late Fee created no fee invoice on %s' % number)
    back_to_invoice(test, clerk, number)
    clerk.click(smart_button('Late Fees'), 'Late Fees smart button (%s)' % opened_from)
    clerk.page.wait_for_selector('.o_list_view .o_data_row, .o_form_view .o_form_statusbar')
    back_to_invoice(test, clerk, number)

    before = invoice_facts(test, number)
    clerk.click(header_button('Send Reminder Now'), 'Send Reminder Now (%s)' % opened_from)
    clerk.modal_flow(label='Send Reminder Now')
    check_new_reminders(test, number, before)
    back_to_invoice(test, clerk, number)

    clerk.click(header_button('Payment Hold'), 'Payment Hold (%s)' % opened_from)
    clerk.modal_flow(label='Payment Hold', fill={'reason': 'Customer disputes the delivery (browser test)'})
    facts = invoice_facts(test, number)
    if not facts['payment_hold'] or facts['late_payment_state'] != 'on_hold':
        raise StepFailed('Payment Hold did not put %s on hold: %s' % (number, facts))
    clerk.settle()
    clerk.click(header_button('Release Hold'), 'Release Hold (%s)' % opened_from)
    clerk.modal_flow(label='Release Hold', fill={'reason': 'Dispute settled (browser test)'})
    facts = invoice_facts(test, number)
    if facts['payment_hold'] or facts['late_payment_state'] == 'on_hold':
        raise StepFailed('Release Hold left %s on hold: payment_hold=%s, status %s' % (
            number, facts['payment_hold'], facts['late_payment_state']))
    clerk.page.locator('.o_notebook a:has-text("Reminders")').first.click()
    clerk.clicked('Reminders tab (%s)' % opened_from)
    rows = clerk.page.locator('.o_notebook .tab-pane.active .o_data_row')
    rows.first.wait_for()


def back_to_invoice(test, clerk, number):
    """Back through the breadcrumbs to the invoice's form."""
    for _level in range(3):
        statusbar = clerk.page.locator('.o_form_view .o_form_statusbar').locator('visible=true')
        title = clerk.page.locator('.o_form_view .oe_title, .o_form_view h1').locator('visible=true')
        if statusbar.count() and title.count() and number in title.first.inner_text():
            return
        clerk.back()
    raise StepFailed('could not get back to invoice %s' % number)


def follow_up_invoice(test):
    invoice_buttons(test, test.data['late'][0], 'Follow-up')


def customer_invoices_invoice(test):
    invoice_buttons(test, test.data['late'][1], 'Customer Invoices')


def select_rows(clerk, numbers):
    open_follow_up(clerk)
    for number in numbers:
        clerk.search(number)
    for number in numbers:
        clerk.expand_groups('.o_data_row:has-text("%s")' % number)
    for number in numbers:
        clerk.page.locator('.o_data_row:has-text("%s") .o_list_record_selector input' % number).first.check()
    clerk.settle()


def follow_up_list_actions(test):
    clerk = test.session('collections user')
    numbers = test.data['late'][2:4]
    before = {number: invoice_facts(test, number) for number in numbers}
    select_rows(clerk, numbers)
    clerk.action_menu('Charge Late Fees Due')
    clerk.modal_flow(label='Charge Late Fees Due')
    for number in numbers:
        if invoice_facts(test, number)['late_fee_invoice_count'] != before[number]['late_fee_invoice_count'] + 1:
            raise StepFailed('Charge Late Fees Due charged no fee on %s' % number)
    before = {number: invoice_facts(test, number) for number in numbers}
    select_rows(clerk, numbers)
    clerk.action_menu('Send Reminder Now')
    clerk.modal_flow(label='Send Reminder Now (list)')
    for number in numbers:
        check_new_reminders(test, number, before[number])
    select_rows(clerk, numbers)
    clerk.action_menu('Put on Payment Hold')
    clerk.modal_flow(label='Put on Payment Hold (list)', fill={'reason': 'Held from the list (browser test)'})
    for number in numbers:
        if not invoice_facts(test, number)['payment_hold']:
            raise StepFailed('Put on Payment Hold left %s off hold' % number)


def reminder_history(test):
    clerk = test.session('collections user')
    clerk.menu('Invoicing', 'Sales', 'Follow-up', 'Reminder History')
    clerk.page.wait_for_selector('.o_list_view')
    for view in ('pivot', 'graph', 'list'):
        clerk.click('.o_cp_switch_buttons button[data-view-type="%s"]' % view, 'Reminder History: %s view' % view)
        clerk.page.wait_for_selector('.o_content .o_%s' % ('list_view' if view == 'list' else view))


def dashboard(test):
    clerk = test.session('collections user')
    clerk.menu('Invoicing', 'Reporting', 'Collections', 'Dashboard')
    text = clerk.text('.o_content')
    for label in ('Aging', 'Days Sales Outstanding'):
        if label.lower() not in text.lower():
            raise StepFailed('the dashboard does not show %s' % label)
    clerk.page.wait_for_timeout(500)
    test.key_screen('dashboard')
    shown = 0
    for label in ('Analysis of the Period', 'Overdue Invoices of the Period'):
        button = clerk.page.locator(header_button(label)).locator('visible=true')
        if button.count():
            clerk.click(header_button(label), 'Dashboard: %s' % label)
            clerk.page.wait_for_selector('.o_content .o_pivot, .o_content .o_graph, .o_content .o_list_view')
            clerk.back()
            shown += 1
    print('  dashboard buttons clicked: %d' % shown)


def collections_analysis(test):
    clerk = test.session('collections user')
    clerk.menu('Invoicing', 'Reporting', 'Collections', 'Analysis')
    for view in ('graph', 'pivot'):
        button = clerk.page.locator('.o_cp_switch_buttons button[data-view-type="%s"]' % view)
        if button.count():
            clerk.click('.o_cp_switch_buttons button[data-view-type="%s"]' % view,
                        'Collections Analysis: %s view' % view)


def open_customer(session, name):
    session.menu('Invoicing', 'Sales', 'Master Data', 'Customers')
    session.search(name)
    session.page.locator('.o_kanban_record:has-text("%s"), .o_data_row:has-text("%s")' % (name, name)).first.click()
    session.clicked('Customers: open %s' % name)
    session.page.wait_for_selector('.o_form_view')
    session.settle()
    session.page.locator('.o_notebook a:has-text("Invoicing")').first.click()
    session.clicked('customer form: Invoicing tab')
    session.settle()
    return session.text('.o_notebook .tab-pane.active')


def customer_form_user(test):
    clerk = test.session('collections user')
    block = open_customer(clerk, CREDIT_HOLD_CUSTOMER)
    for label in ('Invoicing & Collections', 'Credit Hold', 'Overdue'):
        if label.lower() not in block.lower():
            raise StepFailed('the collections block lacks %s' % label)
    release = clerk.page.locator('.o_form_view .o_notebook button[name="action_release_credit_hold"]')
    if release.locator('visible=true').count():
        raise StepFailed('a collections user sees Release credit hold')


def policy_form(test):
    manager = test.session('collections manager')
    manager.menu('Invoicing', 'Configuration', 'Late Payment Policies')
    rows = manager.page.locator('.o_data_row')
    standard = rows.filter(has_text='Standard')  # the company default, for the screenshot
    (standard if standard.count() else rows).first.click()
    manager.clicked('Late Payment Policies: open a policy')
    manager.page.wait_for_selector('.o_form_view')
    manager.settle()
    test.key_screen('policy-form')
    policy = manager.record_id()
    grace = test.session('admin').rpc('late.payment.policy', 'read', [[policy], ['grace_days']])[0]['grace_days']
    # one day of grace less (a policy's checks refuse a grace period that
    # covers a fee stage), then back
    for value in (max(grace - 1, 0), grace):
        manager.click('.o_form_button_edit', 'Edit (policy)')
        manager.field('grace_days', value)
        manager.click('.o_form_button_save', 'Save (policy)')
        manager.page.wait_for_selector('.o_form_view.o_form_readonly')
        manager.check()
        saved = test.session('admin').rpc('late.payment.policy', 'read', [[policy], ['grace_days']])[0]
        if saved['grace_days'] != value:
            raise StepFailed('the policy was not saved: %s' % saved)


def release_credit_hold(test):
    manager = test.session('collections manager')
    open_customer(manager, CREDIT_HOLD_CUSTOMER)
    manager.click('.o_form_view .o_notebook button[name="action_release_credit_hold"]', 'Release (credit hold)')
    manager.modal_flow(label='Release credit hold')
    partner = test.session('admin').rpc('res.partner', 'search_read', [
        [('name', '=', CREDIT_HOLD_CUSTOMER), ('is_company', '=', True)], ['credit_hold']])[0]
    if partner['credit_hold']:
        raise StepFailed('Release left %s on credit hold' % CREDIT_HOLD_CUSTOMER)


# --- what the customer sees -----------------------------------------------------
def customer_invoice(test):
    """The portal customer's oldest open invoice, which the portal and PDF
    screens show."""
    admin = test.session('admin')
    customer = test.data.get('portal customer', CREDIT_HOLD_CUSTOMER)
    found = admin.rpc('account.invoice', 'search_read', [[
        ('commercial_partner_id.name', '=', customer), ('type', '=', 'out_invoice'), ('state', '=', 'open'),
        ('late_fee_origin_id', '=', False)], ['number']], {'order': 'date_due asc', 'limit': 1})
    if not found:
        raise StepFailed('no open invoice of %s' % customer)
    return found[0]


def portal(test):
    customer = test.session('portal customer')
    invoice = customer_invoice(test)
    page = customer.activate()
    page.goto(test.base + '/my/invoices')
    customer.clicked('portal: /my/invoices')
    customer.settle()
    link = page.locator('a:has-text("%s")' % invoice['number']).first
    link.click()
    customer.clicked('portal: open invoice %s' % invoice['number'])
    page.wait_for_load_state()
    customer.settle()
    if invoice['number'] not in page.inner_text('body'):
        raise StepFailed('the portal page does not show %s' % invoice['number'])
    test.key_screen('portal-invoice')


def invoice_pdf(test):
    admin = test.session('admin')
    invoice = customer_invoice(test)
    response = admin.page.request.get('%s/report/pdf/account.report_invoice/%d' % (test.base, invoice['id']))
    if response.status != 200 or not response.body().startswith(b'%PDF'):
        raise StepFailed('the invoice PDF failed: HTTP %s %s' % (response.status, response.body()[:300]))
    admin.clicked('PDF of %s' % invoice['number'])
    with tempfile.TemporaryDirectory() as folder:
        pdf = os.path.join(folder, 'invoice.pdf')
        with open(pdf, 'wb') as output:
            output.write(response.body())
        subprocess.run(['pdftoppm', '-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile',
                        pdf, os.path.join(folder, 'page')], check=True)
        page_png = os.path.join(folder, 'page.png')
        admin.activate().goto('file://' + page_png)
        test.key_screen('invoice-pdf', path=page_png)


def reminder_email(test):
    """A reminder as the customer receives it: the mail.mail's body."""
    admin = test.session('admin')
    mails = []
    for subject in ('credit hold', 'final', 'late', 'reminder'):
        # the newest: rendered by the code under test (the test's own
        # Send Reminder Now), not by the version that built the database
        mails = admin.rpc('mail.mail', 'search_read', [[('subject', 'ilike', subject)], [
            'subject', 'email_from', 'email_to', 'recipient_ids', 'body_html']],
            {'limit': 1, 'order': 'id desc'})
        if mails:
            break
    if not mails:
        raise StepFailed('no reminder email in mail.mail')
    mail = mails[0]
    recipients = mail['email_to'] or ''
    if mail['recipient_ids']:
        recipients += ' '.join(partner['display_name'] for partner in admin.rpc(
            'res.partner', 'read', [mail['recipient_ids'], ['display_name']]))
    body = mail['body_html'] or ''
    # images from elsewhere than the served Odoo left out (no network here)
    body = re.sub(r'src="(?!%s)[^"]*"' % re.escape(test.base), 'src=""', body)
    html = ('<html><head><meta charset="utf-8"><style>body{font-family:sans-serif;margin:0;background:#eee}'
            '.head{background:#fff;padding:12px 24px;border-bottom:1px solid #ccc;font-size:14px}'
            '.body{background:#fff;margin:16px 24px;padding:16px 24px}</style></head><body>'
            '<div class="head"><b>Subject:</b> %s<br><b>From:</b> %s<br><b>To:</b> %s</div>'
            '<div class="body">%s</div></body></html>' % (
                escape(mail['subject']), escape(mail['email_from']), escape(recipients), body))
    page = admin.activate()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, 'reminder.html')
        with open(path, 'w') as output:
            output.write(html)
        page.goto('file://' + path, wait_until='domcontentloaded')
        page.wait_for_timeout(500)
        test.key_screen('reminder-email')
    admin.clicked('reminder email: %s' % mail['subject'])


def escape(text):
    return (text or '').replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')


STEPS = [
    ('users', setup_users),
    ('late-invoices', setup_late_invoices),
    ('salesman-credit-hold-refused', salesman_credit_hold_refused),
    ('salesman-quotation-confirmed', salesman_quotation_confirmed),
    ('warehouse-partial-delivery-backorder', warehouse_partial_delivery),
    ('invoice-of-the-delivered-quantity', first_invoice_from_smart_buttons),
    ('warehouse-backorder-validated', warehouse_backorder),
    ('second-invoice', second_invoice),
    ('follow-up-list', follow_up_list),
    ('late-invoice-from-follow-up', follow_up_invoice),
    ('late-invoice-from-customer-invoices', customer_invoices_invoice),
    ('follow-up-list-actions', follow_up_list_actions),
    ('reminder-history', reminder_history),
    ('dashboard', dashboard),
    ('collections-analysis', collections_analysis),
    ('customer-form-collections-user', customer_form_user),
    ('policy-form-manager', policy_form),
    ('release-credit-hold-manager', release_credit_hold),
    ('portal', portal),
    ('invoice-pdf', invoice_pdf),
    ('reminder-email', reminder_email),
]
# Steps that need an earlier one: skipped when it failed.
NEEDS = {
    'salesman-quotation-confirmed': ['users'],
    'warehouse-partial-delivery-backorder': ['salesman-quotation-confirmed'],
    'invoice-of-the-delivered-quantity': ['warehouse-partial-delivery-backorder'],
    'warehouse-backorder-validated': ['warehouse-partial-delivery-backorder'],
    'second-invoice': ['warehouse-backorder-validated'],
    'late-invoice-from-follow-up': ['late-invoices'],
    'late-invoice-from-customer-invoices': ['late-invoices'],
    'follow-up-list-actions': ['late-invoices'],
}
# Features whose steps live in a module of their own, bin/browser_steps_<feature>.py,
# each with STEPS and NEEDS like the above; they run after these, in this order.
FEATURE_STEPS = ['health', 'interest', 'discount', 'promise']


def load_feature_steps():
    """Append each feature module's steps; the modules import this one's helpers."""
    sys.modules.setdefault('browser_test', sys.modules[__name__])
    for feature in FEATURE_STEPS:
        module = importlib.import_module('browser_steps_%s' % feature)
        STEPS.extend(module.STEPS)
        NEEDS.update(module.NEEDS)


def run(test, browser, only=None):
    if only:  # with the steps they need
        only = set(only) | {'users', 'late-invoices'}
        while any(need not in only for name in list(only) for need in NEEDS.get(name, [])):
            only |= {need for name in list(only) for need in NEEDS.get(name, [])}
    test.browser = browser  # for the sessions of the feature steps' own users
    admin = Session(test, browser, 'admin', 'admin', 'admin')
    test.sessions['admin'] = admin
    admin.login()
    for role, (login, _name, _groups) in USERS.items():
        test.sessions[role] = Session(test, browser, role, login, PASSWORD)
    failed = set()
    for name, function in STEPS:
        if only and name not in only:
            continue
        missing = [need for need in NEEDS.get(name, []) if need in failed]
        if missing:
            print('[--] %s skipped: %s failed' % (name, ', '.join(missing)))
            test.failures.append((name, 'skipped: %s failed' % ', '.join(missing)))
            failed.add(name)
            continue
        if not test.step(name, function):
            failed.add(name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('db')
    parser.add_argument('--port', type=int, default=int(os.environ.get('CIF_HTTP_PORT', 0)) or None,
                        help='HTTP port of the Odoo server the test starts (default: a free one)')
    parser.add_argument('--screenshots', metavar='DIR',
                        help='also save the key screens (%s) to DIR' % ', '.join(KEY_SCREENS))
    parser.add_argument('--only', action='append', help='run only this step (and the set-up); repeatable')
    args = parser.parse_args()
    load_feature_steps()
    logs = os.environ.get('CIF_LOGS', '/tmp')
    os.makedirs(logs, exist_ok=True)
    if args.screenshots:
        os.makedirs(args.screenshots, exist_ok=True)
    log_path = os.path.abspath(os.path.join(logs, 'browser-%s.log' % args.db))
    started = time.time()
    with OdooServer(args.db, log_path, port=args.port, args=['--workers=0'],
                    python=os.environ['CIF_ODOO_PYTHON']) as server:
        test = BrowserTest(server.url, args.db, logs, log_path, screenshots=args.screenshots)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path='/usr/bin/chromium', args=CHROMIUM_ARGS)
            try:
                run(test, browser, only=args.only)
            finally:
                browser.close()
    print('\nButtons and actions clicked, per role:')
    for role, labels in test.clicked.items():
        print('- %s: %s' % (role, '; '.join(labels)))
    print('\n%d steps in %.0fs; server log: %s' % (len(STEPS), time.time() - started, log_path))
    if test.failures:
        print('FAILED steps:')
        for name, reason in test.failures:
            print('- %s: %s' % (name, reason))
        sys.exit(1)
    print('browser test passed')


if __name__ == '__main__':
    main()
