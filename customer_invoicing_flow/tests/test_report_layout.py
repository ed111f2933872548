# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The invoice PDF names the seller: the company's name and address in the
page header and its footer text at the bottom, read back with pdftotext
from a real PDF made by the wkhtmltopdf Odoo finds.

Only the patched-Qt build of wkhtmltopdf (0.12.x "with patched qt", which
the set-up installs into .local/wkhtmltox) prints Odoo's header and footer;
an unpatched build (Debian's 0.12.6) silently drops them, and this test
fails, saying so."""
import base64
import http.server
import os
import re
import subprocess
import tempfile
import threading

from odoo.addons.base.ir.ir_actions_report import _get_wkhtmltopdf_bin

from .common import LatePaymentCase, render_real_pdf

MM = 72 / 25.4  # points per millimetre
STYLESHEET = re.compile(r'<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"')


class PdfPages(object):
    """A PDF read back with pdftotext, by page and by band of a page."""

    def __init__(self, pdf):
        fd, self.path = tempfile.mkstemp(suffix='.pdf', prefix='cif_layout_')
        with os.fdopen(fd, 'wb') as pdf_file:
            pdf_file.write(pdf)
        info = subprocess.check_output(['pdfinfo', self.path]).decode()
        size = re.search(r'^Page size:\s+([\d.]+) x ([\d.]+) pts', info,
                         re.MULTILINE)
        self.width, self.height = float(size.group(1)), float(size.group(2))

    def close(self):
        os.unlink(self.path)

    def text(self, top=0.0, height=None, page=1):
        """The text of ``page`` between ``top`` and ``top + height``
        points from the top of the page, whitespace collapsed."""
        height = self.height - top if height is None else height
        text = subprocess.check_output([
            'pdftotext', '-f', str(page), '-l', str(page), '-x', '0',
            '-y', str(int(top)), '-W', str(int(self.width) + 1),
            '-H', str(int(height)), self.path, '-'])
        return ' '.join(text.decode('utf-8').split())


def serve_files(files):
    """An HTTP server on a free local port serving ``files`` (path:
    bytes) in a thread; returns the server (``shutdown()`` it)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        # wkhtmltopdf may open a connection it never sends on: it must not
        # hold the server (a request waits 10 s at most)
        timeout = 10

        def do_GET(self):  # pylint: disable=invalid-name
            body = files.get(self.path.split('?')[0])
            self.send_response(200 if body is not None else 404)
            self.send_header('Content-Type', 'text/css')
            self.end_headers()
            self.wfile.write(body or b'')

        def log_message(self, *args):
            pass

    # one thread per connection: a connection left idle blocks no other
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class TestInvoicePdfLayout(LatePaymentCase):

    @classmethod
    def setUpClass(cls):
        super(TestInvoicePdfLayout, cls).setUpClass()
        cls.report = cls.env.ref('account.account_invoices')
        cls.company.write({
            'name': 'Seller Tools Ltd',
            'street': '17 Quai des Tanneurs',
            'zip': '69002',
            'city': 'Lyon',
            'country_id': cls.env.ref('base.fr').id,
            'report_footer': 'IBAN FR76 3000 6000 0112 3456 7890 189',
            'external_report_layout': 'standard',
        })
        cls.customer = cls.create_customer('Buyer Bakery')
        cls.invoice = cls.create_invoice(100.0, partner=cls.customer)
        # The report's style sheets, compiled in this transaction, which no
        # Odoo server can see: served as they are by a server of our own.
        # Without them the header is laid out unstyled and taller than its
        # band, and wkhtmltopdf prints it off the page.
        html = cls.report.render_qweb_html(cls.invoice.ids)[0].decode()
        urls = STYLESHEET.findall(html)
        attachments = cls.env['ir.attachment'].search([('url', 'in', urls)])
        assert len(attachments) == len(urls) > 0, (urls, attachments)
        cls.assets = serve_files({
            attachment.url: base64.b64decode(attachment.datas)
            for attachment in attachments})

    @classmethod
    def tearDownClass(cls):
        cls.assets.shutdown()
        cls.assets.server_close()
        super(TestInvoicePdfLayout, cls).tearDownClass()

    def render_pdf(self, invoice):
        """A real PDF, styled by the style sheets served by the class."""
        pdf = render_real_pdf(
            self, self.report, invoice,
            styles_url='http://127.0.0.1:%d' % self.assets.server_port)
        pages = PdfPages(pdf)
        self.addCleanup(pages.close)
        return pages

    def test_wkhtmltopdf_is_the_patched_build(self):
        binary = _get_wkhtmltopdf_bin()
        self.assertTrue(binary, 'wkhtmltopdf not found on PATH')
        version = subprocess.run(
            [binary, '--version'], stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT).stdout.decode()
        self.assertIn(
            'with patched qt', version,
            '%s is not the patched-Qt build of wkhtmltopdf (%s): Odoo '
            'ignores the header and footer of every PDF. The set-up '
            'installs one into .local/wkhtmltox (bin/setup)'
            % (binary, version.strip()))

    def test_header_names_the_company_and_footer_prints(self):
        pages = self.render_pdf(self.invoice)
        paper = (self.report.paperformat_id
                 or self.company.paperformat_id)
        top, bottom = paper.margin_top * MM, paper.margin_bottom * MM
        whole = pages.text()
        header = pages.text(0, top)
        body = pages.text(top, pages.height - top - bottom)
        footer = pages.text(pages.height - bottom, bottom)
        hint = ('(is wkhtmltopdf the patched-Qt build? %s)\nwhole page: %s'
                % (_get_wkhtmltopdf_bin(), whole))
        # the body is the invoice, for the customer
        self.assertIn(self.invoice.number, body, hint)
        self.assertIn('Buyer Bakery', body, hint)
        # the header: the seller's name and address, above the body
        for text in ('Seller Tools Ltd', '17 Quai des Tanneurs',
                     '69002 Lyon', 'France'):
            self.assertIn(text, header, 'not in the header: %r %s'
                          % (text, hint))
            self.assertNotIn(text, body)
        # the footer: the company's footer text and the page number
        self.assertIn('IBAN FR76 3000 6000 0112 3456 7890 189', footer,
                      hint)
        self.assertIn('Page: 1 / 1', footer, hint)
