# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The tests' fixtures, in one place: users by role (each with exactly the
groups its role needs), a second company, invoices and payments, the PDF
stub, and a real PDF rendered and read back. Plain functions of an
environment, so that test classes of any base (a savepoint case, a test on
committed data in its own cursor) share them; ``common.py`` puts them on
the base classes."""
import io
import os
import shutil
import subprocess
import tempfile
from unittest.mock import patch

from odoo.tools import config

# Test users' logins start with this, apart from the browser test's users
# (cif_collections_user, cif_salesman, ...) and the demo's (slowpay, ...).
LOGIN_PREFIX = 'cif_t_'

# role: the groups a user of that role has (and nothing else); an employee
# role gets base.group_user as well.
ROLES = {
    'salesman': ['sales_team.group_sale_salesman'],
    'invoicing': ['account.group_account_invoice'],
    'collections': ['customer_invoicing_flow.group_collections_user'],
    'collections_manager': [
        'customer_invoicing_flow.group_collections_manager'],
    'accounting_manager': ['account.group_account_manager'],
    'portal': ['base.group_portal'],
}

STUB_PDF = b'%PDF-1.4 stub'


def create_user(env, role, name, login=None, **vals):
    """A user of ``role`` (a key of ``ROLES``) named ``name``, logging in
    as ``cif_t_<login>`` (the role by default), with an email of
    example.com unless it is a given partner's. ``vals`` go to ``res.users.create`` (company_id,
    company_ids, partner_id, ...)."""
    groups = ROLES[role] if role == 'portal' else (
        ['base.group_user'] + ROLES[role])
    login = LOGIN_PREFIX + (login or role)
    values = {
        'name': name,
        'login': login,
        'groups_id': [(6, 0, [env.ref(xmlid).id for xmlid in groups])],
    }
    if 'partner_id' not in vals:
        values['email'] = '%s@example.com' % login
    values.update(vals)
    return env['res.users'].with_context(no_reset_password=True).create(
        values)


def create_company(env, name='CIF Other Company', currency='base.EUR',
                   tz='Europe/Brussels', **vals):
    """A second company, in ``currency`` (an external id), whose partner
    lives in ``tz``."""
    values = {'name': name, 'currency_id': env.ref(currency).id}
    values.update(vals)
    company = env['res.company'].create(values)
    company.partner_id.tz = tz
    return company


def create_invoice(env, partner, amount, receivable, income, journal,
                   date_invoice='2023-03-01', date_due='2023-03-31',
                   currency=None, validate=True, name='Consulting'):
    """A customer invoice of one line of ``amount`` (no tax) on the
    accounts and journal given, validated unless ``validate`` is False."""
    values = {
        'type': 'out_invoice',
        'partner_id': partner.id,
        'account_id': receivable.id,
        'journal_id': journal.id,
        'company_id': journal.company_id.id,
        'date_invoice': date_invoice,
        'date_due': date_due,
        'invoice_line_ids': [(0, 0, {
            'name': name,
            'quantity': 1.0,
            'price_unit': amount,
            'account_id': income.id,
        })],
    }
    if currency:
        values['currency_id'] = currency.id
    invoice = env['account.invoice'].create(values)
    if validate:
        invoice.action_invoice_open()
    return invoice


def create_payment(env, journal, amount, date, invoice=None, partner=None,
                   currency=None):
    """A posted customer payment of ``amount``: of ``invoice`` (in its
    currency), or unapplied, from ``partner``."""
    values = {
        'payment_type': 'inbound',
        'partner_type': 'customer',
        'partner_id': (partner or invoice.partner_id).id,
        'amount': amount,
        'payment_date': date,
        'journal_id': journal.id,
        'payment_method_id': env.ref(
            'account.account_payment_method_manual_in').id,
    }
    if invoice:
        values.update(currency_id=invoice.currency_id.id,
                      invoice_ids=[(6, 0, invoice.ids)],
                      communication=invoice.number)
    elif currency:
        values['currency_id'] = currency.id
    payment = env['account.payment'].create(values)
    payment.post()
    return payment


def reminder_stage(env, name, offset, key, **vals):
    """A policy stage's (0, 0, values) sending the addon's reminder template
    ``key`` (due, late, final, credit_hold, before_due) ``offset`` days
    after the due date."""
    values = {'name': name, 'day_offset': offset, 'send_email': True,
              'mail_template_id': env.ref(
                  'customer_invoicing_flow.mail_template_reminder_%s'
                  % key).id}
    values.update(vals)
    return (0, 0, values)


def reminder_logs_and_mails(env, invoice_ids):
    """The reminder logs of ``invoice_ids`` and the emails queued on them
    (tests of committed runs read them in a cursor of their own)."""
    logs = env['payment.reminder.log'].search(
        [('invoice_id', 'in', invoice_ids)])
    mails = env['mail.mail'].search([
        ('model', '=', 'account.invoice'), ('res_id', 'in', invoice_ids)])
    return logs, mails


def stub_pdf(env):
    """A patch rendering reports as production does, without wkhtmltopdf
    (under test Odoo renders HTML and saves nothing): the PDF saved as an
    attachment of each record when the report says so (``_post_pdf``),
    created in the caller's context, where an action's ``default_type``
    breaks it. Use as a context manager, or start() and stop() it."""
    def render(report, res_ids=None, data=None):
        for record in report.env[report.model].browse(res_ids or []):
            if report.attachment and not report.retrieve_attachment(record):
                report.postprocess_pdf_report(record, io.BytesIO(STUB_PDF))
        return STUB_PDF, 'pdf'
    return patch.object(type(env['ir.actions.report']), 'render_qweb_pdf',
                        render)


def use_stub_pdf(test):
    """``stub_pdf`` for the rest of ``test`` (a test case, in its setUp or
    a test)."""
    stub = stub_pdf(test.env)
    stub.start()
    test.addCleanup(stub.stop)


def render_real_pdf(test, report, records,
                    styles_url='http://127.0.0.1:9'):
    """Render ``report`` of ``records`` for real with wkhtmltopdf, in
    ``test`` (a test case, for its cleanups and assertions); returns the
    PDF (bytes). Under test Odoo returns the HTML instead, unless a test
    report directory is configured (``--test-report-directory``): one is
    set for this test only. wkhtmltopdf loads the report's style sheets
    from ``report.url``: no server serves this transaction's assets, so by
    default a closed local port (the text prints all the same, unstyled);
    ``styles_url`` for a server of the test's own."""
    directory = tempfile.mkdtemp(prefix='cif_reports_')
    test.addCleanup(shutil.rmtree, directory)
    test.addCleanup(config.__setitem__, 'test_report_directory',
                    config['test_report_directory'])
    config['test_report_directory'] = directory
    report.env['ir.config_parameter'].set_param('report.url', styles_url)
    pdf, report_format = report.render_qweb_pdf(records.ids)
    test.assertEqual(report_format, 'pdf')
    test.assertTrue(pdf.startswith(b'%PDF-'))
    return pdf


def pdf_text(pdf):
    """The text of ``pdf`` (bytes), read back with pdftotext, whitespace
    collapsed."""
    fd, path = tempfile.mkstemp(suffix='.pdf', prefix='cif_invoice_')
    try:
        with os.fdopen(fd, 'wb') as pdf_file:
            pdf_file.write(pdf)
        text = subprocess.check_output(['pdftotext', path, '-'])
    finally:
        os.unlink(path)
    return ' '.join(text.decode('utf-8').split())
