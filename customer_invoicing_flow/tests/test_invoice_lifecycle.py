# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Invoice lifecycle: sent, viewed and paid dates, the lifecycle
state, the measures and the install hook. Dates are fixed (2023)."""
import base64

from .common import (STUB_PDF, LatePaymentCase, WsgiTestModeMixin,
                     create_user, http_get, stub_pdf, use_stub_pdf)
from ..hooks import post_init_hook

PDF = base64.b64encode(b'%PDF-1.4 test')


class TestInvoiceLifecycle(LatePaymentCase):

    @classmethod
    def setUpClass(cls):
        super(TestInvoiceLifecycle, cls).setUpClass()
        cls.template = cls.env.ref('account.email_template_edi_invoice')
        cls.sale_journal.update_posted = True

    def setUp(self):
        super(TestInvoiceLifecycle, self).setUp()
        use_stub_pdf(self)

    def send_with_wizard(self, invoice):
        """Send & Print, as the user clicks it: the wizard opened with the
        button's context, the template loaded by its onchange, Send."""
        context = invoice.action_invoice_sent()['context']
        composer = self.env['mail.compose.message'].with_context(
            **context).create({})
        values = composer.onchange_template_id(
            self.template.id, 'comment', 'account.invoice',
            invoice.id)['value']
        composer.write(values)
        composer.send_mail()

    def assert_sent_once(self, invoice, send):
        send(invoice)
        self.assertTrue(invoice.sent_date)
        self.assertEqual(invoice.lifecycle_state, 'sent')
        invoice.sudo().write({'sent_date': '2023-03-02 10:00:00'})
        send(invoice)
        self.assertEqual(invoice.sent_date, '2023-03-02 10:00:00')

    def test_send_wizard_sets_sent_date_once(self):
        invoice = self.create_invoice(100.0)
        self.assertFalse(invoice.sent_date)
        self.assertEqual(invoice.lifecycle_state, 'posted')
        self.assert_sent_once(invoice, self.send_with_wizard)
        message = self.env['mail.message'].search([
            ('model', '=', 'account.invoice'), ('res_id', '=', invoice.id),
            ('attachment_ids', '!=', False)])
        self.assertEqual(len(message), 2)

    def test_auto_send_sets_sent_date_once(self):
        invoice = self.create_invoice(100.0)
        self.assert_sent_once(invoice, lambda inv: inv._auto_invoice_send())
        mails = self.env['mail.mail'].search([
            ('model', '=', 'account.invoice'), ('res_id', '=', invoice.id)])
        self.assertEqual(len(mails), 2)
        self.assertIn(self.customer, mails.mapped('recipient_ids'))

    def test_mark_sent_keeps_the_first_date(self):
        invoice = self.create_invoice(100.0)
        invoice._mark_sent('2023-03-05 08:00:00')
        invoice._mark_sent('2023-03-06 08:00:00')
        self.assertEqual(invoice.sent_date, '2023-03-05 08:00:00')

    def test_note_or_print_is_not_a_send(self):
        invoice = self.create_invoice(100.0)
        attachment = self.env['ir.attachment'].create({
            'name': 'invoice.pdf', 'datas_fname': 'invoice.pdf',
            'datas': PDF, 'res_model': 'account.invoice',
            'res_id': invoice.id})
        invoice.message_post(
            body='internal copy', subtype='mail.mt_note',
            message_type='comment', attachment_ids=attachment.ids,
            partner_ids=self.customer.ids)
        invoice.invoice_print()
        self.assertTrue(invoice.sent)
        self.assertFalse(invoice.sent_date)
        # the same message to the customer is a send
        invoice.message_post(
            body='your invoice', subtype='mail.mt_comment',
            message_type='comment', attachment_ids=attachment.ids,
            partner_ids=self.customer.ids)
        self.assertTrue(invoice.sent_date)

    def test_partial_then_final_payment_then_unreconcile(self):
        invoice = self.create_invoice(100.0)
        self.pay(invoice, 40.0, '2023-03-10')
        self.assertFalse(invoice.paid_date)
        self.assertEqual(invoice.lifecycle_state, 'partial')
        final = self.pay(invoice, 60.0, '2023-03-20')
        self.assertEqual(invoice.state, 'paid')
        self.assertEqual(invoice.paid_date, '2023-03-20')
        self.assertEqual(invoice.lifecycle_state, 'paid')
        final.move_line_ids.remove_move_reconcile()
        self.assertEqual(invoice.state, 'open')
        self.assertFalse(invoice.paid_date)
        self.assertEqual(invoice.lifecycle_state, 'partial')

    def test_credit_note_pays(self):
        invoice = self.create_invoice(100.0)
        self.pay(invoice, 40.0, '2023-03-25')
        self.credit_note(invoice, 60.0, '2023-03-15')
        self.assertEqual(invoice.paid_date, '2023-03-25')
        other = self.create_invoice(100.0)
        self.credit_note(other, 100.0, '2023-03-12')
        self.assertEqual(other.paid_date, '2023-03-12')

    def test_lifecycle_states(self):
        invoice = self.create_invoice(100.0, validate=False)
        self.assertEqual(invoice.lifecycle_state, 'draft')
        invoice.action_invoice_open()
        self.assertTrue(invoice.validated_date)
        self.assertEqual(invoice.lifecycle_state, 'posted')
        invoice._mark_sent('2023-03-02 10:00:00')
        self.assertEqual(invoice.lifecycle_state, 'sent')
        invoice._mark_viewed('2023-03-03 10:00:00')
        self.assertEqual(invoice.lifecycle_state, 'viewed')
        invoice.action_invoice_cancel()
        self.assertEqual(invoice.lifecycle_state, 'cancel')

    def test_measures(self):
        """Delivered 28 Feb 15:00, validated 1 Mar 09:30, sent 1 Mar
        12:00, viewed 3 Mar 08:15, invoice of 1 Mar due 31 Mar, paid 5
        Apr."""
        invoice = self.create_invoice(100.0)
        invoice.write({
            'delivery_date': '2023-02-28 15:00:00',
            'validated_date': '2023-03-01 09:30:00',
        })
        invoice._mark_sent('2023-03-01 12:00:00')
        invoice._mark_viewed('2023-03-03 08:15:00')
        self.pay(invoice, 100.0, '2023-04-05')
        self.assertEqual(invoice.delivery_to_invoice_hours, 18.5)
        self.assertEqual(invoice.invoice_to_sent_hours, 2.5)
        self.assertEqual(invoice.sent_to_view_hours, 44.25)
        self.assertEqual(invoice.invoice_to_paid_days, 35.0)
        self.assertEqual(invoice.due_to_paid_days, 5.0)
        early = self.create_invoice(100.0)
        self.pay(early, 100.0, '2023-03-21')
        self.assertEqual(early.due_to_paid_days, -10.0)
        self.assertEqual(early.sent_to_view_hours, 0.0)

    def test_install_hook_fills_existing_invoices(self):
        emailed = self.create_invoice(100.0)
        emailed._auto_invoice_send()
        message = self.env['mail.message'].search([
            ('model', '=', 'account.invoice'), ('res_id', '=', emailed.id),
            ('attachment_ids', '!=', False)])
        self.pay(emailed, 100.0, '2023-03-20')
        flagged = self.create_invoice(100.0)
        flagged.write({'sent': True})
        untouched = self.create_invoice(100.0)
        invoices = emailed | flagged | untouched
        self.env.cr.execute("""
            UPDATE account_invoice
               SET sent_date = NULL, viewed_date = NULL, paid_date = NULL,
                   validated_date = NULL, lifecycle_state = NULL
             WHERE id IN %s
        """, (tuple(invoices.ids),))
        invoices.invalidate_cache()
        post_init_hook(self.env.cr, self.env.registry)
        invoices.invalidate_cache()
        self.assertEqual(emailed.sent_date, message.date)
        self.assertEqual(emailed.paid_date, '2023-03-20')
        self.assertEqual(emailed.lifecycle_state, 'paid')
        self.assertEqual(emailed.validated_date, emailed.move_id.create_date)
        self.assertEqual(flagged.sent_date, flagged.write_date)
        self.assertEqual(flagged.lifecycle_state, 'sent')
        self.assertFalse(untouched.sent_date)
        self.assertEqual(untouched.lifecycle_state, 'posted')
        self.assertFalse(invoices.filtered('viewed_date'))


class TestInvoicePortalVisit(WsgiTestModeMixin, LatePaymentCase):
    """Real HTTP requests to the portal through werkzeug's test client on
    Odoo's WSGI application, in-process. The registry's test mode makes the
    requests use the test's cursor, so they see its uncommitted data (as
    ``HttpCase`` does for its server) and everything is rolled back."""

    @classmethod
    def _setup_test_mode_class(cls):
        cls.invoice = cls.create_invoice(100.0)
        cls.employee = create_user(cls.env, 'invoicing', 'CIF Portal Employee',
                                   login='portal_employee')

    def visit(self, url, user=None):
        """GET ``url`` as the public user, or ``user`` logged in."""
        return http_get(self.env, url, user)

    def test_internal_user_visit_is_not_a_view(self):
        url = '/my/invoices/%d?access_token=%s' % (
            self.invoice.id, self.invoice.access_token)
        response = self.visit(url, user=self.employee)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(self.invoice.viewed_date)

    def test_customer_visit_with_token_sets_viewed_date_once(self):
        self.invoice._mark_sent('2023-03-01 12:00:00')
        response = self.visit('/my/invoices/%d?access_token=wrong'
                              % self.invoice.id)
        self.assertEqual(response.status_code, 302)
        self.assertFalse(self.invoice.viewed_date)
        url = '/my/invoices/%d?access_token=%s' % (
            self.invoice.id, self.invoice.access_token)
        response = self.visit(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn(b'Consulting', response.data)
        self.assertTrue(self.invoice.viewed_date)
        self.assertEqual(self.invoice.lifecycle_state, 'viewed')
        self.invoice.sudo().write({'viewed_date': '2023-03-03 08:15:00'})
        self.visit(url)
        self.assertEqual(self.invoice.viewed_date, '2023-03-03 08:15:00')
        self.assertEqual(self.invoice.sent_to_view_hours, 44.25)

    def test_customer_opens_pdf_link(self):
        url = '/my/invoices/pdf/%d?access_token=%s' % (
            self.invoice.id, self.invoice.access_token)
        with stub_pdf(self.env):
            response = self.visit(url, user=self.employee)
            self.assertEqual(response.status_code, 200)
            self.assertFalse(self.invoice.viewed_date)
            response = self.visit(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.data, STUB_PDF)
        self.assertTrue(self.invoice.viewed_date)
