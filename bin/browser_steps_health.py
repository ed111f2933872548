"""Browser steps of Invoicing Health (loaded by bin/browser_test.py).

A numbering gap is planted (the customer-invoice sequence advanced by three,
then an invoice validated); then, in the web client:

- an invoicing user opens Invoicing > Reporting > Invoicing Health > Check
  Now, runs the check, finds the gap among the findings grouped by kind,
  opens it and its record (Open the Record Concerned), and has no
  Acknowledge button;
- an accounting manager opens the finding from the Findings menu, writes the
  reason and clicks Acknowledge: the finding is resolved, acknowledged, kept;
- the collections user sees the Invoicing Health block of the dashboard.
"""
import datetime
import re

from browser_test import PASSWORD, Session, StepFailed, header_button

USERS = {
    'invoicing user': ('cif_invoicing_user', 'Ines Invoicing',
                       ['base.group_user', 'account.group_account_invoice']),
    'accounting manager': ('cif_accounting_manager', 'Arthur Accounting',
                           ['base.group_user', 'account.group_account_manager']),
}


def health_setup(test):
    """The two users, and a gap of three numbers in the sequence of the
    company's customer invoices."""
    admin = test.session('admin')
    for role, (login, name, groups) in USERS.items():
        group_ids = [admin.rpc('ir.model.data', 'xmlid_to_res_id', [xmlid], {'raise_if_not_found': True})
                     for xmlid in groups]
        values = {'groups_id': [(6, 0, group_ids)], 'password': PASSWORD, 'active': True}
        found = admin.rpc('res.users', 'search', [[('login', '=', login), ('active', 'in', (True, False))]])
        if found:
            admin.rpc('res.users', 'write', [found, values])
        else:
            values.update({'login': login, 'name': name, 'email': '%s@example.com' % login})
            admin.rpc('res.users', 'create', [values])
        if role not in test.sessions:
            test.sessions[role] = Session(test, test.browser, role, login, PASSWORD)
    journal = admin.rpc('account.journal', 'search_read', [[('type', '=', 'sale')], ['sequence_id']],
                        {'limit': 1, 'order': 'sequence, id'})[0]
    today = str(datetime.date.today())
    # the journal's numbers come from the sequence's range of the year
    ranges = admin.rpc('ir.sequence.date_range', 'search_read', [[
        ('sequence_id', '=', journal['sequence_id'][0]), ('date_from', '<=', today), ('date_to', '>=', today)],
        ['number_next_actual']])
    model, sequence = ('ir.sequence.date_range', ranges[0]) if ranges else ('ir.sequence', admin.rpc(
        'ir.sequence', 'read', [[journal['sequence_id'][0]], ['number_next_actual']])[0])
    admin.rpc(model, 'write', [[sequence['id']], {'number_next': sequence['number_next_actual'] + 3}])
    partner = admin.rpc('res.partner', 'search', [[('customer', '=', True), ('is_company', '=', True)]],
                        {'limit': 1})[0]
    revenue = admin.rpc('ir.model.data', 'xmlid_to_res_id', ['account.data_account_type_revenue'])
    account = admin.rpc('account.account', 'search', [[('user_type_id', '=', revenue)]], {'limit': 1})[0]
    invoice = admin.rpc('account.invoice', 'create', [{
        'partner_id': partner, 'type': 'out_invoice', 'journal_id': journal['id'],
        'date_invoice': today,
        'invoice_line_ids': [(0, 0, {'name': 'Browser test: after a numbering gap', 'quantity': 1,
                                     'price_unit': 100.0, 'account_id': account})]}])
    admin.rpc('account.invoice', 'action_invoice_open', [[invoice]])
    number = admin.rpc('account.invoice', 'read', [[invoice], ['number']])[0]['number']
    test.data['health_journal'] = journal['id']
    test.data['health_after_gap'] = number
    print('  numbering gap planted before %s' % number)


def number_before(number, count=1):
    """INV/2026/0037 -> INV/2026/0036 (count=1)."""
    prefix, digits, suffix = re.match(r'^(.*?)(\d+)(\D*)$', number).groups()
    return '%s%0*d%s' % (prefix, len(digits), int(digits) - count, suffix)


def health_gap_finding(test, finding_state='open'):
    """The finding of the planted gap (the three numbers before the invoice
    validated after it), as the database has it."""
    after = test.data['health_after_gap']
    found = test.session('admin').rpc('invoicing.health.finding', 'search_read', [[
        ('kind', '=', 'numbering_gap'), ('res_model', '=', 'account.journal'),
        ('res_id', '=', test.data['health_journal']), ('state', '=', finding_state),
        ('key', 'like', '%%:%s-%s' % (number_before(after, 3), number_before(after)))],
        ['message', 'state', 'acknowledged', 'acknowledge_reason']], {'order': 'id desc', 'limit': 1})
    return found and found[0]


def health_check_now(test):
    """The invoicing user runs the check from its menu, finds the gap and
    opens the record concerned."""
    user = test.session('invoicing user')
    if not user.logged_in:
        user.login()
    user.menu('Invoicing', 'Reporting', 'Invoicing Health', 'Check Now')
    user.modal_flow(prefer=('Check Now',), label='Check Now')
    finding = health_gap_finding(test)
    if not finding:
        raise StepFailed('Check Now found no numbering gap before %s' % test.data['health_after_gap'])
    missing = number_before(test.data['health_after_gap'], 3)
    print('  finding: %s' % finding['message'])
    user.page.wait_for_selector('.o_list_view')
    user.open_row(missing)
    if user.page.locator(header_button('Acknowledge')).locator('visible=true').count():
        raise StepFailed('an invoicing user is offered Acknowledge')
    user.click(header_button('Open the Record Concerned'), 'Invoicing Health: Open the Record Concerned')
    user.page.wait_for_selector('.o_form_view')
    if user.record_id() != test.data['health_journal']:
        raise StepFailed('Open the Record Concerned opened %s, not the journal' % user.page.url)
    user.back()


def health_acknowledge(test):
    """The accounting manager acknowledges the gap with a reason."""
    manager = test.session('accounting manager')
    if not manager.logged_in:
        manager.login()
    manager.menu('Invoicing', 'Reporting', 'Invoicing Health', 'Findings')
    missing = number_before(test.data['health_after_gap'], 3)
    manager.open_row(missing)
    manager.click('.o_form_buttons_edit .o_form_button_edit, .o_cp_buttons .o_form_button_edit',
                  'Invoicing Health: Edit')
    manager.field('acknowledge_reason', 'Numbers voided by the browser test on purpose')
    manager.click(header_button('Acknowledge'), 'Invoicing Health: Acknowledge')
    finding = health_gap_finding(test, 'resolved')
    if not finding or not finding['acknowledged'] \
            or finding['acknowledge_reason'] != 'Numbers voided by the browser test on purpose':
        raise StepFailed('Acknowledge did not resolve the finding with its reason: %s' % finding)


def health_dashboard(test):
    clerk = test.session('collections user')
    clerk.menu('Invoicing', 'Reporting', 'Collections', 'Dashboard')
    text = clerk.text('.o_content').lower()
    if 'invoicing accuracy' not in text or 'open findings' not in text:
        raise StepFailed('the dashboard has no Invoicing Health block with its accuracy')


STEPS = [
    ('health-set-up', health_setup),
    ('health-check-now-invoicing-user', health_check_now),
    ('health-acknowledge-accounting-manager', health_acknowledge),
    ('health-dashboard', health_dashboard),
]
NEEDS = {
    'health-set-up': ['users'],
    'health-check-now-invoicing-user': ['health-set-up'],
    'health-acknowledge-accounting-manager': ['health-check-now-invoicing-user'],
    'health-dashboard': ['users'],
}
