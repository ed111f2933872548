"""Browser steps of the promises to pay (loaded by bin/browser_test.py).

Four late invoices of a customer of the steps' own are planted; then, in
the web client, the collections user:

- selects two of them in the Follow-up list and records a promise to pay
  through the list's Action menu (Promise to Pay);
- opens the third from the Follow-up list and records a promise with the
  invoice form's Promise to Pay button;
- opens the customer's form: the Invoicing tab counts the promises kept
  and broken, Record a Promise to Pay preselects the fourth (the late
  invoice not promised yet) and records it, the Promises smart button
  lists the three, and one is cancelled from its form (Cancel Promise).
"""
import datetime

from browser_test import StepFailed, create_late_invoices, header_button, open_customer, open_follow_up, select_rows, \
    smart_button

PROMISE_CUSTOMER = 'Browser Promise Customer'


def promise_day(days=7):
    """A promised date ``days`` ahead, as the (en_US) date field takes it."""
    return (datetime.date.today() + datetime.timedelta(days=days)).strftime('%m/%d/%Y')


def promises_of(test, numbers):
    """The open promises of the invoices ``numbers``, as the database has
    them."""
    admin = test.session('admin')
    ids = [test.data['promise_invoices'][number] for number in numbers]
    return admin.rpc('payment.promise', 'search_read', [[
        ('invoice_ids', 'in', ids), ('state', '=', 'open')],
        ['invoice_ids', 'user_id', 'amount', 'promised_date']])


def check_promise(test, numbers, label, exact=True):
    """The one open promise on ``numbers`` (on those only, if ``exact``:
    the customer form's also preselects the late invoices of earlier runs
    of the steps left without a promise)."""
    found = promises_of(test, numbers)
    ids = sorted(test.data['promise_invoices'][number] for number in numbers)
    if len(found) != 1 or (sorted(found[0]['invoice_ids']) != ids if exact
                           else not set(ids) <= set(found[0]['invoice_ids'])):
        raise StepFailed('%s: no one open promise on %s: %s' % (label, ', '.join(numbers), found))
    if found[0]['user_id'][0] != test.data['uids']['collections user']:
        raise StepFailed('%s: the promise was not taken by the collections user: %s' % (label, found[0]))
    print('  %s: promise of %s by %s on %s' % (
        label, found[0]['amount'], found[0]['promised_date'], ', '.join(numbers)))
    return found[0]


def promise_setup(test):
    """Four invoices of the steps' own customer, due 31 days ago (late)."""
    admin = test.session('admin')
    partner, ids = create_late_invoices(
        admin, PROMISE_CUSTOMER, 'ap@browser-promise.example.com', 'York', 'Browser promise chair',
        [(1, 150.0 + index) for index in range(4)])
    invoices = admin.rpc('account.invoice', 'read', [ids, ['number', 'late_payment_state']])
    for invoice in invoices:
        if invoice['late_payment_state'] != 'late':
            raise StepFailed('invoice %s is not late: %s' % (invoice['number'], invoice))
    test.data['promise_invoices'] = {invoice['number']: invoice['id'] for invoice in invoices}
    test.data['promise_numbers'] = [invoice['number'] for invoice in invoices]
    test.data['promise_partner'] = partner
    print('  late invoices of %s: %s' % (PROMISE_CUSTOMER, ', '.join(test.data['promise_numbers'])))


def promise_from_follow_up_list(test):
    """Two invoices selected in the Follow-up list, Action > Promise to Pay."""
    clerk = test.session('collections user')
    numbers = test.data['promise_numbers'][:2]
    select_rows(clerk, numbers)
    clerk.action_menu('Promise to Pay')
    clerk.modal_flow(label='Promise to Pay (list)', prefer=('Record Promise',), fill={
        'promised_date': promise_day(), 'note': 'Will pay both next week (browser test)'})
    clerk.page.wait_for_selector('.o_form_view')
    check_promise(test, numbers, 'Follow-up list')


def promise_from_invoice_form(test):
    """The third invoice opened from the Follow-up list: Promise to Pay."""
    clerk = test.session('collections user')
    number = test.data['promise_numbers'][2]
    open_follow_up(clerk)
    clerk.search(number)
    clerk.open_row(number)
    clerk.click(header_button('Promise to Pay'), 'Promise to Pay (invoice form)')
    clerk.modal_flow(label='Promise to Pay (invoice form)', prefer=('Record Promise',), fill={
        'promised_date': promise_day(10)})
    clerk.page.wait_for_selector('.o_form_view')
    check_promise(test, [number], 'invoice form')


def promise_on_customer_form(test):
    """The customer's form: the counts, Record a Promise to Pay (the fourth
    invoice preselected), the Promises smart button, Cancel Promise."""
    clerk = test.session('collections user')
    block = open_customer(clerk, PROMISE_CUSTOMER)
    for label in ('Promises Kept', 'Promises Broken'):
        if label.lower() not in block.lower():
            raise StepFailed('the customer form does not show %s' % label)
    clerk.click('.o_form_view .o_notebook button:has-text("Record a Promise to Pay")',
                'Record a Promise to Pay (customer form)')
    clerk.modal_flow(label='Record a Promise to Pay (customer form)', prefer=('Record Promise',), fill={
        'promised_date': promise_day(14)})
    clerk.page.wait_for_selector('.o_form_view')
    check_promise(test, [test.data['promise_numbers'][3]], 'customer form', exact=False)
    open_customer(clerk, PROMISE_CUSTOMER)
    clerk.click(smart_button('Promises'), 'Promises smart button (customer form)')
    clerk.page.wait_for_selector('.o_list_view .o_data_row')
    rows = clerk.page.locator('.o_list_view .o_data_row').locator('visible=true').count()
    if rows < 3:
        raise StepFailed('the Promises smart button lists %d promises, not 3' % rows)
    number = test.data['promise_numbers'][3]
    clerk.page.locator('.o_data_row:has-text("%s")' % number).locator('visible=true').first.click()
    clerk.page.wait_for_selector('.o_form_view .o_form_statusbar')
    clerk.settle()
    clerk.click(header_button('Cancel Promise'), 'Cancel Promise')
    clerk.modal_flow(label='Cancel Promise')
    if promises_of(test, [number]):
        raise StepFailed('Cancel Promise left the promise of %s open' % number)


STEPS = [
    ('promise-set-up', promise_setup),
    ('promise-from-follow-up-list', promise_from_follow_up_list),
    ('promise-from-invoice-form', promise_from_invoice_form),
    ('promise-on-customer-form', promise_on_customer_form),
]
NEEDS = {
    'promise-set-up': ['users'],
    'promise-from-follow-up-list': ['promise-set-up'],
    'promise-from-invoice-form': ['promise-set-up'],
    'promise-on-customer-form': ['promise-from-follow-up-list', 'promise-from-invoice-form'],
}
