# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the customer sees: the late-payment note and grace end on the
invoice PDF (a real PDF from wkhtmltopdf, read back with pdftotext) and
the late-payment status, grace end and note on the portal."""
import os
import shutil
import subprocess
import tempfile

import odoo
from odoo.tests.common import get_db_name
from odoo.tools import config
from odoo.tools.misc import format_date

from .common import LatePaymentCase, http_get

NOTE = 'Overdue amounts bear interest at 8 percent a year.'


def pdf_text(pdf):
    """The text of ``pdf`` (bytes), whitespace collapsed."""
    fd, path = tempfile.mkstemp(suffix='.pdf', prefix='cif_invoice_')
    try:
        with os.fdopen(fd, 'wb') as pdf_file:
            pdf_file.write(pdf)
        text = subprocess.check_output(['pdftotext', path, '-'])
    finally:
        os.unlink(path)
    return ' '.join(text.decode('utf-8').split())


class TestInvoicePdf(LatePaymentCase):

    @classmethod
    def setUpClass(cls):
        super(TestInvoicePdf, cls).setUpClass()
        cls.policy = cls.create_policy(grace_days=10, note=NOTE)
        cls.report = cls.env.ref('account.account_invoices')
        # compile the report's asset bundles once for the class (about
        # 9 s), not again in every test's rolled back savepoint
        cls.report.render_qweb_html(cls.create_invoice(1.0).ids)

    def render_pdf(self, invoice):
        """Render the invoice PDF for real. Under test, Odoo returns the
        HTML instead, unless a test report directory is configured (the
        ``--test-report-directory`` option): set one for this test only.
        wkhtmltopdf loads the report's CSS from ``report.url``; no server
        serves this transaction's assets, so point it to a closed local
        port: the text is printed all the same (unstyled)."""
        directory = tempfile.mkdtemp(prefix='cif_reports_')
        self.addCleanup(shutil.rmtree, directory)
        self.addCleanup(config.__setitem__, 'test_report_directory',
                        config['test_report_directory'])
        config['test_report_directory'] = directory
        self.env['ir.config_parameter'].set_param(
            'report.url', 'http://127.0.0.1:9')
        pdf, report_format = self.report.render_qweb_pdf(invoice.ids)
        self.assertEqual(report_format, 'pdf')
        self.assertTrue(pdf.startswith(b'%PDF-'))
        return pdf_text(pdf)

    def test_pdf_prints_note_and_grace_end_under_payment_terms(self):
        term = self.env['account.payment.term'].create({
            'name': 'CIF 30 days', 'note': 'Payment within 30 days.',
            'line_ids': [(0, 0, {'value': 'balance', 'days': 30})]})
        invoice = self.create_invoice(100.0, policy=self.policy,
                                      validate=False)
        fiscal_position = self.env['account.fiscal.position'].create({
            'name': 'CIF Intra-EU', 'note': 'Reverse charge applies.'})
        invoice.write({'payment_term_id': term.id,
                       'fiscal_position_id': fiscal_position.id})
        invoice.action_invoice_open()
        self.assertEqual(invoice.date_due, '2023-03-31')
        self.assertEqual(invoice.grace_end_date, '2023-04-10')
        text = self.render_pdf(invoice)
        grace_end = format_date(self.env, '2023-04-10',
                                lang_code=invoice.partner_id.lang)
        self.assertIn(invoice.number, text)
        self.assertIn(NOTE, text)
        self.assertIn('Grace period ends on %s.' % grace_end, text)
        # under the payment terms, before the fiscal position's note
        self.assertIn('Payment within 30 days. Late payment Grace period '
                      'ends on %s. %s Reverse charge applies.'
                      % (grace_end, NOTE), text)

    def test_pdf_note_in_customer_language(self):
        self.env['res.lang'].with_context(active_test=False).search([
            ('code', '=', 'fr_FR')]).write({
                'active': True, 'date_format': '%d/%m/%Y'})
        self.policy.with_context(lang='fr_FR').note = (
            'Tout retard de paiement porte des int\u00e9r\u00eats.')
        customer = self.create_customer('CIF Client', lang='fr_FR')
        invoice = self.create_invoice(100.0, partner=customer,
                                      policy=self.policy)
        text = self.render_pdf(invoice)
        self.assertIn('Tout retard de paiement porte des int\u00e9r\u00eats.',
                      text)
        self.assertIn('10/04/2023', text)
        self.assertNotIn(NOTE, text)

    def test_pdf_without_grace_after_payment(self):
        """No grace end once the invoice is paid, nor without grace days;
        no heading without a note."""
        invoice = self.create_invoice(100.0, policy=self.policy)
        self.pay(invoice, 100.0, '2023-03-20')
        text = self.render_pdf(invoice)
        self.assertIn(NOTE, text)
        self.assertNotIn('Grace period ends', text)
        silent = self.create_invoice(
            100.0, policy=self.create_policy('CIF silent', grace_days=10))
        text = self.render_pdf(silent)
        self.assertIn(silent.number, text)
        self.assertNotIn('Late payment', text)


class TestPortalLatePayment(LatePaymentCase):
    """Real HTTP requests through werkzeug's test client on Odoo's WSGI
    application, in-process. The registry's test mode makes the requests
    use the test cursor, so they see the class's data; each test is rolled
    back, and the class's data when the class ends."""

    @classmethod
    def setUpClass(cls):
        registry = odoo.registry(get_db_name())
        registry.enter_test_mode()
        try:
            super(TestPortalLatePayment, cls).setUpClass()
            cls._setup_portal()
        except Exception:
            registry.leave_test_mode()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super(TestPortalLatePayment, cls).tearDownClass()
        finally:
            cls.registry.leave_test_mode()

    @classmethod
    def _setup_portal(cls):
        cls.policy = cls.create_policy(grace_days=10, note=NOTE)
        # due 31 March 2023: late, grace ended 10 April 2023
        cls.late_invoice = cls.create_invoice(100.0, policy=cls.policy)
        cls.held_invoice = cls.create_invoice(200.0, policy=cls.policy)
        cls.held_invoice.sudo(cls.clerk).action_payment_hold(
            'Disputed delivery', '2023-03-15')
        cls.other = cls.create_customer('CIF Other Customer')
        cls.other_invoice = cls.create_invoice(
            300.0, partner=cls.other, policy=cls.policy)
        portal = cls.env.ref('base.group_portal')
        cls.portal_user = cls.env['res.users'].create({
            'name': 'Pat Portal', 'login': 'cif_portal_customer',
            'partner_id': cls.customer.id,
            'groups_id': [(6, 0, portal.ids)]})
        cls.other_portal_user = cls.env['res.users'].create({
            'name': 'Oscar Other', 'login': 'cif_portal_other',
            'partner_id': cls.other.id,
            'groups_id': [(6, 0, portal.ids)]})
        cls.grace_end = format_date(cls.env, '2023-04-10', lang_code='en_US')
        # compile the portal's asset bundles once for the class (about
        # 9 s), not again in every test's rolled back savepoint
        cls.visit('/my/invoices', user=cls.portal_user)

    def setUp(self):
        super(TestPortalLatePayment, self).setUp()
        # A request "commits" the test cursor by releasing and setting again
        # its savepoint ``test_cursor`` (odoo.sql_db.TestCursor), which
        # would release this test's savepoint set after it: set a
        # ``test_cursor`` inside this test's savepoint. The commits stay
        # inside, and the test is rolled back as usual.
        self.cr.execute('SAVEPOINT test_cursor')

    @classmethod
    def visit(cls, url, user=None):
        """GET ``url`` as the public user, or ``user`` logged in."""
        return http_get(cls.env, url, user)

    def invoice_url(self, invoice, token=True):
        url = '/my/invoices/%d' % invoice.id
        if token:
            url += '?access_token=%s' % invoice.access_token
        return url

    def assert_late_payment_shown(self, page):
        self.assertIn(b'o_late_payment_state_late', page)
        self.assertIn(b'label-danger', page)
        self.assertIn(b'Grace Period Ends:', page)
        self.assertIn(self.grace_end.encode(), page)
        self.assertIn(b'<strong>Late payment</strong>', page)
        self.assertIn(NOTE.encode(), page)

    def test_invoice_page_with_token(self):
        self.assertEqual(self.as_of(
            self.late_invoice, '2023-04-11').late_payment_state, 'late')
        # each test is rolled back: the visits of the others are forgotten
        self.assertFalse(self.late_invoice.viewed_date)
        response = self.visit(self.invoice_url(self.late_invoice))
        self.assertEqual(response.status_code, 200)
        self.assert_late_payment_shown(response.data)
        self.assertTrue(self.late_invoice.viewed_date)

    def test_invoice_page_for_its_portal_user(self):
        response = self.visit(self.invoice_url(
            self.late_invoice, token=False), user=self.portal_user)
        self.assertEqual(response.status_code, 200)
        self.assert_late_payment_shown(response.data)
        response = self.visit(self.invoice_url(
            self.held_invoice, token=False), user=self.portal_user)
        self.assertEqual(response.status_code, 200)
        self.assertIn(b'o_late_payment_state_on_hold', response.data)
        self.assertNotIn(b'o_late_payment_state_late', response.data)

    def test_invoice_list_for_its_portal_user(self):
        response = self.visit('/my/invoices', user=self.portal_user)
        self.assertEqual(response.status_code, 200)
        page = response.data
        self.assertIn(self.late_invoice.number.encode(), page)
        self.assertIn(b'o_late_payment_state_late', page)
        self.assertIn(b'o_late_payment_state_on_hold', page)
        self.assertNotIn(self.other_invoice.number.encode(), page)

    def test_invoice_page_refused_to_another_customer(self):
        response = self.visit(self.invoice_url(
            self.late_invoice, token=False), user=self.other_portal_user)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response.headers['Location'].endswith('/my'))
        response = self.visit('/my/invoices', user=self.other_portal_user)
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.other_invoice.number.encode(), response.data)
        self.assertNotIn(self.late_invoice.number.encode(), response.data)
        self.assertNotIn(b'o_late_payment_state_on_hold', response.data)
        self.assertNotIn(NOTE.encode(), response.data)
