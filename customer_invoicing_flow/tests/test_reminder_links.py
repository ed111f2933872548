# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every link of the reminder emails opens the right invoice on the server
the customer can reach.

The reminders are the ones the daily run renders from the current mail
templates, one run per stage of a policy built on them (heads-up, due,
late with a fee, final, credit hold). Each link of each email must point
to Odoo's ``web.base.url`` (what ``make demo`` sets to the port it serves,
and production to its public address), and, opened as a visitor without a
session (real HTTP requests through Odoo's WSGI application, in-process),
show the invoice the link names. Dates are fixed (2023)."""
import re

from lxml import html


from .common import DUE, ReminderCase, WsgiTestModeMixin, http_get

BASE_URL = 'http://localhost:8765'
RUN_DAYS = ('2023-03-28', '2023-04-01', '2023-04-11', '2023-04-30',
            '2023-05-15')
INVOICE_PATH = re.compile(r'^/my/invoices/(?P<id>\d+)\?access_token=\S+$')


class TestReminderLinks(WsgiTestModeMixin, ReminderCase):

    @classmethod
    def _setup_test_mode_class(cls):
        params = cls.env['ir.config_parameter'].sudo()
        params.set_param('web.base.url', BASE_URL)
        params.set_param('web.base.url.freeze', 'True')
        # fee invoices posted: the customer gets a link to them too
        cls.policy.post_fee_invoices = True
        customer = cls.create_customer('CIF Linked Customer')
        cls.invoices = cls.Invoice.browse()
        for amount in (1000.0, 2500.0):
            cls.invoices |= cls.create_invoice(
                amount, date_due=DUE, partner=customer, policy=cls.policy)

    def reminder_mails(self, days=RUN_DAYS):
        """Run the stages' ``days``; the reminder emails sent, in order."""
        # In the registry's test mode a new cursor is this test's cursor,
        # and closing it "commits" it, releasing the run's savepoints: the
        # decimal precisions, read on a cache miss through a cursor of
        # their own, are read beforehand.
        precision = self.env['decimal.precision']
        for name in precision.search([]).mapped('name'):
            precision.precision_get(name)
        for day in days:
            self.Invoice._cron_process_late_payments(day, commit=False)
        mails = self.mails(self.invoices)
        self.assertEqual(len(mails), len(days),
                         'one email per stage for the customer')
        return mails

    def links(self, mail):
        """(href, text) of every link of the email."""
        root = html.fromstring(mail.body_html)
        return [(anchor.get('href'), anchor.text_content().strip())
                for anchor in root.iter('a')]

    def test_every_link_opens_the_invoice_it_names(self):
        mails = self.reminder_mails()
        fees = self.invoices.mapped('late_fee_invoice_ids')
        self.assertTrue(fees, 'the late stage charged a fee')
        self.assertEqual(set(fees.mapped('state')), {'open'})
        opened = self.Invoice.browse()
        for mail in mails:
            links = self.links(mail)
            self.assertTrue(links, 'no link in %r' % mail.subject)
            for href, text in links:
                where = '%s in %r' % (href, mail.subject)
                self.assertTrue(href.startswith(BASE_URL + '/'),
                                'not on the served server: ' + where)
                path = href[len(BASE_URL):]
                match = INVOICE_PATH.match(path)
                self.assertTrue(match, 'not an invoice link: ' + where)
                invoice = self.Invoice.browse(int(match.group('id')))
                self.assertIn(invoice, self.invoices | fees, where)
                self.assertEqual(text, invoice.number, where)
                # opened by the customer, without an Odoo session
                response = http_get(self.env, path)
                self.assertEqual(response.status_code, 200, where)
                page = response.get_data(as_text=True)
                self.assertIn(invoice.number, page, where)
                opened |= invoice
        # every invoice of the statement was linked and opened (fee
        # invoices, where the templates link them, were checked above)
        self.assertEqual(opened & self.invoices, self.invoices)

    def test_links_follow_the_base_url(self):
        """Another served address, other links: nothing is hard-coded."""
        self.env['ir.config_parameter'].sudo().set_param(
            'web.base.url', 'https://erp.example.com')
        mails = self.reminder_mails(days=RUN_DAYS[1:2])
        hrefs = [href for mail in mails for href, _text in self.links(mail)]
        self.assertTrue(hrefs)
        for href in hrefs:
            self.assertTrue(href.startswith('https://erp.example.com/my/'),
                            href)
