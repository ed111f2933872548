# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the customer sees: the late-payment note and grace end on the
invoice PDF (a real PDF from wkhtmltopdf, read back with pdftotext) and
the late-payment status, grace end and note on the portal."""
from lxml import html

from odoo.tools.misc import format_date, formatLang

from .common import (LatePaymentCase, WsgiTestModeMixin, create_user,
                     http_get, pdf_text, render_real_pdf)

NOTE = 'Overdue amounts bear interest at 8 percent a year.'


def page_text(page):
    """The text of an HTML page (bytes) as a visitor reads it,
    whitespace collapsed."""
    body = html.fromstring(page).find('body')
    return ' '.join(body.text_content().split())


def partly_paid_invoice_with_fee(case):
    """In ``case`` (whose ``policy`` gets a fee of 40 at day 11): an
    invoice of 4980 due 31 March, with the customer's PO reference and
    date, delivered on 28 February 23:30 UTC (1 March in Brussels), half
    paid on 5 April, the fee charged on 11 April. Returns (invoice, fee
    invoice)."""
    case.policy.write({'fee_fixed': 40.0, 'stage_ids': [(0, 0, {
        'name': 'Fee', 'day_offset': 11, 'charge_fee': True})]})
    invoice = case.create_invoice(4980.0, policy=case.policy, validate=False)
    invoice.write({'name': 'PO-7781', 'client_order_ref': 'PO-7781',
                   'client_order_date': '2023-02-20',
                   'delivery_date': '2023-02-28 23:30:00'})
    invoice.action_invoice_open()
    case.pay(invoice, 2490.0, '2023-04-05')
    fee = invoice._charge_late_fee('2023-04-11')
    case.assertEqual(fee.amount_total, 40.0)
    return invoice, fee


class TestInvoicePdf(LatePaymentCase):

    @classmethod
    def setUpClass(cls):
        super(TestInvoicePdf, cls).setUpClass()
        cls.policy = cls.create_policy(grace_days=10, note=NOTE)
        cls.report = cls.env.ref('account.account_invoices')
        # compile the report's asset bundles once for the class (about
        # 9 s), not again in every test's rolled back savepoint
        cls.report.render_qweb_html(cls.create_invoice(1.0).ids)

    def render_pdf(self, invoice, as_of=None):
        """The text of the invoice's real PDF, as of ``as_of``."""
        report = self.report.with_context(late_payment_as_of=as_of) \
            if as_of else self.report
        return pdf_text(render_real_pdf(self, report, invoice))

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
        grace_end = format_date(self.env, '2023-04-10',
                                lang_code=invoice.partner_id.lang)
        # before the due date: what is due and the end of the grace
        text = self.render_pdf(invoice, as_of='2023-03-20')
        self.assertIn(invoice.number, text)
        self.assertIn('Payment status Amount due: %s Grace period ends on '
                      '%s.' % (self.money(100.0), grace_end), text)
        self.assertNotIn('Overdue:', text)
        # the note under the payment terms, before the fiscal position's
        self.assertIn('Payment within 30 days. Late payment %s Reverse '
                      'charge applies.' % NOTE, text)
        # in the grace period: overdue, the grace end to come
        text = self.render_pdf(invoice, as_of='2023-04-01')
        self.assertIn('Overdue: due on %s, 1 day late. Grace period ends '
                      'on %s.' % (format_date(self.env, '2023-03-31'),
                                  grace_end), text)
        # after it: never "ends on" a past date
        text = self.render_pdf(invoice, as_of='2023-04-20')
        self.assertIn('Overdue: due on %s, 20 days late. The grace period '
                      'ended on %s.' % (format_date(self.env, '2023-03-31'),
                                        grace_end), text)
        self.assertNotIn('Grace period ends', text)

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

    def money(self, amount):
        return formatLang(self.env, amount, currency_obj=self.currency)

    def test_pdf_states_amount_due_payments_fees_and_po(self):
        """A partly paid late invoice with a fee charged: the PDF says what
        is due (not the total), the payment, the overdue state and the fee
        invoice; the customer's PO reference, PO date and the delivery
        date under their own labels, not as "Description"."""
        invoice, fee = partly_paid_invoice_with_fee(self)
        text = self.render_pdf(invoice, as_of='2023-04-20')

        def day(value):
            return format_date(self.env, value)

        self.assertIn('Your PO Reference: PO-7781', text)
        self.assertIn('PO Date: %s' % day('2023-02-20'), text)
        # delivered on 1 March in Brussels (the company's time zone)
        self.assertIn('Delivered on: %s' % day('2023-03-01'), text)
        self.assertNotIn('Description:', text)
        # the totals (Odoo's) and the payment status under them
        self.assertIn('Total {total} Paid on {day} {paid} Amount Due '
                      '{due}'.format(total=self.money(4980.0),
                                     day=day('2023-04-05'),
                                     paid=self.money(2490.0),
                                     due=self.money(2490.0)), text)
        self.assertIn(
            'Payment status Amount due: {due} ({paid} paid of {total}) '
            'Overdue: due on {d}, 20 days late. The grace period ended on '
            '{g}. Late fees charged Fee invoice Date Amount Amount due '
            '{fee} {fd} {m40} {m40}'.format(
                due=self.money(2490.0), paid=self.money(2490.0),
                total=self.money(4980.0), d=day('2023-03-31'),
                g=day('2023-04-10'), fee=fee.number, fd=day('2023-04-11'),
                m40=self.money(40.0)), text)

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


class TestPortalLatePayment(WsgiTestModeMixin, LatePaymentCase):
    """Real HTTP requests through werkzeug's test client on Odoo's WSGI
    application, in-process. The registry's test mode makes the requests
    use the test cursor, so they see the class's data; each test is rolled
    back, and the class's data when the class ends."""

    @classmethod
    def _setup_test_mode_class(cls):
        cls.policy = cls.create_policy(grace_days=10, note=NOTE)
        # due 31 March 2023: late, grace ended 10 April 2023
        cls.late_invoice = cls.create_invoice(100.0, policy=cls.policy)
        cls.held_invoice = cls.create_invoice(200.0, policy=cls.policy)
        cls.held_invoice.sudo(cls.clerk).action_payment_hold(
            'Disputed delivery', date='2023-03-15')
        cls.other = cls.create_customer('CIF Other Customer')
        cls.other_invoice = cls.create_invoice(
            300.0, partner=cls.other, policy=cls.policy)
        cls.portal_user = create_user(
            cls.env, 'portal', 'Pat Portal', login='portal_customer',
            partner_id=cls.customer.id)
        cls.other_portal_user = create_user(
            cls.env, 'portal', 'Oscar Other', login='portal_other',
            partner_id=cls.other.id)
        cls.grace_end = format_date(cls.env, '2023-04-10', lang_code='en_US')
        # compile the portal's asset bundles once for the class (about
        # 9 s), not again in every test's rolled back savepoint
        cls.visit('/my/invoices', user=cls.portal_user)

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
        # overdue, the grace period over: never "ends" on a past date
        text = page_text(page)
        self.assertIn('Payment status Amount due: %s Overdue: due on %s,'
                      % (formatLang(self.env, 100.0,
                                    currency_obj=self.currency),
                         format_date(self.env, '2023-03-31')), text)
        self.assertIn('late. The grace period ended on %s.'
                      % self.grace_end, text)
        self.assertNotIn('Grace Period Ends', text)
        self.assertIn('Late payment %s' % NOTE, text)

    def test_invoice_page_states_due_payments_fees_and_po(self):
        """A partly paid late invoice with a fee charged, as its portal
        user and as a visitor with the token: what is due, the payment,
        the fee invoice, the PO reference and date, the delivery date."""
        invoice, fee = partly_paid_invoice_with_fee(self)

        def money(amount):
            return formatLang(self.env, amount, currency_obj=self.currency)

        def day(value):
            return format_date(self.env, value)

        for user, token in ((self.portal_user, False), (None, True)):
            response = self.visit(self.invoice_url(invoice, token=token),
                                  user=user)
            self.assertEqual(response.status_code, 200)
            text = page_text(response.data)
            self.assertIn('Your PO Reference: PO-7781 PO Date: %s '
                          'Delivered on: %s' % (day('2023-02-20'),
                                                day('2023-03-01')), text)
            self.assertNotIn('Description:', text)
            self.assertIn('Payment status Amount due: %s (%s paid of %s) '
                          'Paid on %s: %s Overdue: due on %s,' % (
                              money(2490.0), money(2490.0), money(4980.0),
                              day('2023-04-05'), money(2490.0),
                              day('2023-03-31')), text)
            self.assertIn('Late fees charged Fee invoice Date Amount Amount '
                          'due %s %s %s %s' % (fee.number, day('2023-04-11'),
                                               money(40.0), money(40.0)),
                          text)

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
