"""Browser steps of the early-payment discount (loaded by bin/browser_test.py).

A payment term "2 % within 10 days, net 30" and an invoice on it dated today
are made; then, in the web client, the collections user:

- opens the invoice from Customer Invoices and reads the discount's offer
  under the due date ("2 % discount if paid by ...: pay ..."), which the
  invoice's printable page (the PDF's HTML) states too;
- clicks Register Payment, finds the discounted amount proposed and the
  note that the discount will be booked, picks the bank journal and
  validates: the invoice is paid, the discount booked as
  a credit note linked to it.
"""
import datetime

from browser_test import TEST_CUSTOMER, StepFailed, header_button

TERM = 'Browser test: 2% 10 days, net 30'
OFFER = 'discount if paid by'


def discount_setup(test):
    """The term, and an invoice of 1,000.00 on it dated today."""
    admin = test.session('admin')
    terms = admin.rpc('account.payment.term', 'search', [[('name', '=', TERM)]])
    if terms:
        term = terms[0]
    else:
        term = admin.rpc('account.payment.term', 'create', [{
            'name': TERM, 'early_discount': True, 'discount_percentage': 2.0, 'discount_days': 10,
            'line_ids': [(0, 0, {'value': 'balance', 'days': 30})]}])
    partner = admin.rpc('res.partner', 'search', [[('name', '=', TEST_CUSTOMER)]])
    partner = partner and partner[0] or admin.rpc('res.partner', 'create', [{
        'name': TEST_CUSTOMER, 'is_company': True, 'customer': True,
        'email': 'ap@browser-test.example.com'}])
    revenue = admin.rpc('ir.model.data', 'xmlid_to_res_id', ['account.data_account_type_revenue'])
    account = admin.rpc('account.account', 'search', [[('user_type_id', '=', revenue)]], {'limit': 1})[0]
    invoice = admin.rpc('account.invoice', 'create', [{
        'partner_id': partner, 'type': 'out_invoice', 'payment_term_id': term,
        'date_invoice': str(datetime.date.today()),
        'invoice_line_ids': [(0, 0, {'name': 'Browser test: early payment discount', 'quantity': 1,
                                     'price_unit': 1000.0, 'account_id': account,
                                     'invoice_line_tax_ids': [(5, 0, 0)]})]}])
    admin.rpc('account.invoice', 'action_invoice_open', [[invoice]])
    facts = admin.rpc('account.invoice', 'read', [[invoice], [
        'number', 'early_discount_offer', 'amount_total']])[0]
    if not facts['early_discount_offer']:
        raise StepFailed('invoice %s on %s offers no discount' % (facts['number'], TERM))
    test.data['discount_invoice'] = facts
    print('  %s: %s' % (facts['number'], facts['early_discount_offer']))


def discount_offer(test):
    """The offer on the invoice form and on its printable page."""
    clerk = test.session('collections user')
    if not clerk.logged_in:
        clerk.login()
    facts = test.data['discount_invoice']
    clerk.menu('Invoicing', 'Sales', 'Documents', 'Customer Invoices')
    clerk.search(facts['number'])
    clerk.open_row(facts['number'])
    clerk.clicked('Customer Invoices: open an invoice on a discount term')
    text = ' '.join(clerk.text('.o_form_view').split())
    if facts['early_discount_offer'] not in text:
        raise StepFailed('the invoice form does not show "%s"' % facts['early_discount_offer'])
    response = clerk.page.request.get('%s/report/html/account.report_invoice/%d' % (test.base, facts['id']))
    if response.status != 200:
        raise StepFailed('the invoice report failed: HTTP %s' % response.status)
    clerk.clicked('printable invoice of %s' % facts['number'])
    if OFFER not in ' '.join(response.text().split()):
        raise StepFailed('the invoice PDF does not state the discount')


def discount_register_payment(test):
    """Register Payment proposes the discounted amount; validated, the
    invoice is paid with the discount credit note."""
    clerk = test.session('collections user')
    admin = test.session('admin')
    facts = test.data['discount_invoice']
    discounted = facts['amount_total'] * 0.98
    clerk.click(header_button('Register Payment'), 'Register Payment (discount term)')
    page = clerk.page
    modal = page.locator('.modal:visible').last
    modal.wait_for()
    amount_input = modal.locator('[name="amount"]').locator(
        'xpath=self::input | .//input').first
    proposed = float(amount_input.input_value().replace(',', ''))
    if abs(proposed - discounted) > 0.005:
        raise StepFailed('Register Payment proposes %s, not the discounted %.2f' % (proposed, discounted))
    if 'early payment discount window' not in ' '.join(modal.inner_text().split()):
        raise StepFailed('Register Payment does not say that the discount will be booked')
    journal = admin.rpc('account.journal', 'search_read', [[('type', '=', 'bank')], ['name']], {'limit': 1})[0]
    select = modal.locator('select[name="journal_id"]').locator('visible=true')
    if select.count():
        labels = [label.strip() for label in select.first.locator('option').all_inner_texts()]
        wanted = [label for label in labels if journal['name'] in label] or [label for label in labels if label]
        if not wanted:
            raise StepFailed('Register Payment offers no journal: %s' % labels)
        select.first.select_option(label=wanted[0])
        clerk.settle()
    clerk.modal_flow(prefer=('Validate',), label='Register Payment')
    state = admin.rpc('account.invoice', 'read', [[facts['id']], [
        'state', 'residual', 'early_discount_granted', 'refund_invoice_ids']])[0]
    if state['state'] != 'paid' or not state['early_discount_granted'] or not state['refund_invoice_ids']:
        raise StepFailed('the discounted payment did not settle %s: %s' % (facts['number'], state))
    print('  %s paid %.2f, discount %.2f' % (facts['number'], proposed, state['early_discount_granted']))


STEPS = [
    ('discount-set-up', discount_setup),
    ('discount-offer-on-invoice', discount_offer),
    ('discount-register-payment', discount_register_payment),
]
NEEDS = {
    'discount-set-up': ['users'],
    'discount-offer-on-invoice': ['discount-set-up'],
    'discount-register-payment': ['discount-offer-on-invoice'],
}
