"""bin/check_odoo_test_log.py: the verdict on a log of Odoo's own test
runner, against the baseline of tests allowed to fail.

Pure Python, no Odoo and no database:
    .venv/bin/pytest -p no:odoo tests/test_check_odoo_test_log.py
"""
import os

from pure_module import ROOT, load

check = load('bin/check_odoo_test_log.py')

BASELINE = os.path.join(ROOT, 'tests', 'odoo_core_baseline.txt')
PREFIX = '2026-12-03 20:34:16,184 24130 %s cif_test_odoo %s: %s'
TAX = ('account.test_templates_consistency.AccountingTestTemplConsistency'
       '.test_account_tax_fields')


def line(level, logger, text):
    return PREFIX % (level, logger, text) + '\n'


def ran(addon, test_module, count):
    return line('INFO', 'odoo.addons.%s.tests.%s' % (addon, test_module),
                'Ran %d tests in 1.234s' % count)


def failure(kind, addon, test_module, cls, method):
    return line('ERROR', 'odoo.addons.%s.tests.%s' % (addon, test_module),
                '%s: %s (odoo.addons.%s.tests.%s.%s)'
                % (kind, method, addon, test_module, cls))


GREEN_WITH_BASELINE = [
    line('INFO', 'odoo.modules.module',
         'odoo.addons.account.tests.test_tax running tests.'),
    ran('account', 'test_tax', 12),
    ran('account', 'test_templates_consistency', 1),
    failure('FAIL', 'account', 'test_templates_consistency',
            'AccountingTestTemplConsistency', 'test_account_tax_fields'),
    line('ERROR', 'odoo.addons.account.tests.test_templates_consistency',
         'Traceback (most recent call last):'),
    line('ERROR', 'odoo.modules.module', 'Module account: 1 failures, '
         '0 errors'),
    line('ERROR', 'odoo.modules.loading',
         'At least one test failed when loading the modules.'),
    ran('customer_invoicing_flow', 'test_i18n', 8),
    # a test's own expected error, logged by the code under test
    line('ERROR', 'odoo.addons.customer_invoicing_flow.models.x',
         'Late-payment run: invoice 7 failed'),
]


def run(lines, modules='account,customer_invoicing_flow', baseline=BASELINE):
    return check.verdict(check.parse(lines), modules.split(','),
                         check.read_baseline(baseline))


def test_baseline_failure_tolerated():
    ok, report = run(GREEN_WITH_BASELINE)
    assert ok, report
    assert 'known failure (baseline): FAIL %s' % TAX in report
    assert any(r.startswith('account ') and '13 tests' in r for r in report)
    # the other baseline test did not run here: said, not failed
    assert any(r.startswith('baseline failure that passed this time: stock.')
               for r in report)


def test_new_failure_and_error_fail():
    for kind in ('FAIL', 'ERROR'):
        lines = GREEN_WITH_BASELINE + [failure(
            kind, 'sale_stock', 'test_sale_stock', 'TestSaleStock',
            'test_00_sale_stock_invoice')]
        ok, report = run(lines, 'account,sale_stock,customer_invoicing_flow')
        assert not ok
        assert ('NEW FAILURE: %s sale_stock.test_sale_stock.TestSaleStock.'
                'test_00_sale_stock_invoice' % kind) in report


def test_error_in_set_up_class_fails():
    lines = GREEN_WITH_BASELINE + [failure(
        'ERROR', 'customer_invoicing_flow', 'test_i18n',
        'TestFrenchTranslation', 'setUpClass')]
    ok, report = run(lines)
    assert not ok
    assert ('NEW FAILURE: ERROR customer_invoicing_flow.test_i18n.'
            'TestFrenchTranslation.setUpClass') in report


def test_module_without_tests_run_fails():
    ok, report = run(GREEN_WITH_BASELINE, 'account,stock')
    assert not ok
    assert any(r.startswith('stock ') and 'no test ran' in r
               for r in report)


def test_loading_error_fails():
    lines = GREEN_WITH_BASELINE + [line(
        'ERROR', 'odoo.modules.loading',
        'Failed to load module customer_invoicing_flow')]
    ok, report = run(lines)
    assert not ok
    assert any(r.startswith('RUN ERROR: ') for r in report)


def test_without_baseline_every_failure_counts():
    ok, report = run(GREEN_WITH_BASELINE, baseline=None)
    assert not ok
    assert 'NEW FAILURE: FAIL %s' % TAX in report


def test_baseline_file_lists_the_two_known_failures():
    assert check.read_baseline(BASELINE) == {
        TAX,
        'stock.test_stock_flow.TestStockFlow.'
        'test_10_pickings_transfer_with_different_uom'}


def test_main_exit_code(tmp_path):
    log = tmp_path / 'runner.log'
    log.write_text(''.join(GREEN_WITH_BASELINE))
    assert check.main([str(log), '--modules', 'account',
                       '--baseline', BASELINE]) == 0
    assert check.main([str(log), '--modules', 'account']) == 1


def test_failure_summary_without_failures_listed_fails():
    """Odoo's summaries of failures are no problem when the failures are
    listed, and one when none is (the log lost them)."""
    summaries = [text for text in GREEN_WITH_BASELINE
                 if 'failures,' in text or 'At least one' in text]
    assert len(summaries) == 2
    ok, report = run([ran('account', 'test_tax', 3)] + summaries, 'account')
    assert not ok
    assert len([r for r in report if r.startswith('RUN ERROR: ')]) == 2
