"""Browser steps of statutory late-payment interest (loaded by
bin/browser_test.py).

- the collections manager opens Invoicing > Configuration > Reference
  Rates, opens the ECB's rate, adds a value in the form and saves it (the
  value is checked in the database, then removed: it is the test's, not a
  published one);
- the collections manager opens the archived German preset policy and sees
  the rate that applies today (or, past the published values, that it is
  unknown: never a guess), and the US preset's fixed 18 %.
"""
from browser_test import StepFailed

ECB = 'customer_invoicing_flow.reference_rate_ecb_mro'
PRESET = 'customer_invoicing_flow.late_payment_policy_preset_%s'
TEST_DATE = ('2031-01-01', '01/01/2031')  # far from any published value
TEST_RATE = 7.77


def interest_reference_rates(test):
    """Configuration > Reference Rates, the ECB's rate, a value added."""
    manager = test.session('collections manager')
    if not manager.logged_in:
        manager.login()
    admin = test.session('admin')
    ecb = admin.rpc('ir.model.data', 'xmlid_to_res_id', [ECB], {'raise_if_not_found': True})
    Line = 'late.payment.reference.rate.line'
    stale = admin.rpc(Line, 'search', [[('reference_rate_id', '=', ecb), ('date_from', '=', TEST_DATE[0])]])
    if stale:
        admin.rpc(Line, 'unlink', [stale])
    manager.menu('Invoicing', 'Configuration', 'Reference Rates')
    page = manager.page
    page.locator('.o_data_row:has-text("ECB")').locator('visible=true').first.click()
    manager.clicked('Reference Rates: open the ECB rate')
    page.wait_for_selector('.o_form_view')
    manager.settle()
    if manager.record_id() != ecb:
        raise StepFailed('the row opened %s, not the ECB rate' % page.url)
    manager.click('.o_form_button_edit', 'Edit (reference rate)')
    manager.click('.o_field_x2many_list_row_add a', 'Reference rate: Add an item')
    row = '.o_field_one2many[name="line_ids"] .o_selected_row'
    manager._fill(page.locator('%s [name="date_from"]' % row).first, TEST_DATE[1])
    manager._fill(page.locator('%s [name="rate"]' % row).first, TEST_RATE)
    manager.click('.o_form_button_save', 'Save (reference rate)')
    page.wait_for_selector('.o_form_view.o_form_readonly')
    manager.check()
    saved = admin.rpc(Line, 'search_read', [[('reference_rate_id', '=', ecb), ('date_from', '=', TEST_DATE[0])],
                                            ['rate']])
    if not saved or abs(saved[0]['rate'] - TEST_RATE) > 1e-9:
        raise StepFailed('the value added in the form was not saved: %s' % saved)
    print('  value saved: %s from %s' % (saved[0]['rate'], TEST_DATE[0]))
    admin.rpc(Line, 'unlink', [[saved[0]['id']]])


def open_policy(test, session, key):
    policy = test.session('admin').rpc('ir.model.data', 'xmlid_to_res_id', [PRESET % key],
                                       {'raise_if_not_found': True})
    session.activate().goto('%s/web#model=late.payment.policy&id=%d&view_type=form' % (test.base, policy))
    session.page.wait_for_selector('.o_form_view')
    session.settle()
    session.clicked('open the preset policy %s' % key)
    return session.text('.o_form_view [name="interest_rate_today_text"]')


def interest_preset_rate_today(test):
    """The German preset shows its rate of the day (or that it is not
    published: the value past the shipped ones is not guessed)."""
    manager = test.session('collections manager')
    if not manager.logged_in:
        manager.login()
    shown = open_policy(test, manager, 'de_b2b')
    print('  German preset, rate today: %s' % shown)
    if not ('% a year' in shown and '+ 9.00 points' in shown) and 'Unknown' not in shown:
        raise StepFailed('the German preset shows no rate of the day: %r' % shown)
    if 'Unknown' in shown and 'Bundesbank' not in shown:
        raise StepFailed('an unknown rate without the reference concerned: %r' % shown)
    shown = open_policy(test, manager, 'us_monthly')
    if '18.00 % a year' not in shown:
        raise StepFailed('the US preset shows no fixed 18 %%: %r' % shown)


STEPS = [
    ('interest-reference-rates', interest_reference_rates),
    ('interest-preset-rate-today', interest_preset_rate_today),
]
NEEDS = {
    'interest-reference-rates': ['users'],
    'interest-preset-rate-today': ['users'],
}
