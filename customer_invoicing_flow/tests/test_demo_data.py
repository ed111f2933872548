# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo data, on a database installed with it (skipped without): it
leaves the company's delivery invoicing off and gives each demo customer
its own mode, installs French for the customer in France, whose reminders
and invoice PDFs are in French, and gives two customers a portal user."""
import re

from odoo.exceptions import AccessDenied
from odoo.tests.common import SavepointCase
from odoo.tools.misc import formatLang

from .common import WsgiTestModeMixin, http_get, pdf_text, render_real_pdf

MODULE = 'customer_invoicing_flow'
# demo customer: its own delivery invoicing mode
MODES = {
    'res_partner_punctual_demo': 'posted',
    'res_partner_slowpay_demo': 'posted',
    'res_partner_overdue_demo': 'posted',
    'res_partner_dispute_demo': 'posted',
    'res_partner_quiet_demo': 'posted',
    'res_partner_key_account_demo': 'posted',
    'res_partner_draft_mode_demo': 'draft',
    'res_partner_sent_mode_demo': 'sent',
    'res_partner_off_mode_demo': 'off',
}
# portal login (the password is the same), its customer
PORTAL_USERS = {
    'slowpay': 'res_partner_slowpay_demo',
    'outfitters': 'res_partner_overdue_demo',
}


class TestDemoData(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(TestDemoData, cls).setUpClass()
        cls.overdue = cls.demo_ref('res_partner_overdue_demo')

    @classmethod
    def demo_ref(cls, name):
        return cls.env.ref('%s.%s' % (MODULE, name), raise_if_not_found=False)

    def setUp(self):
        super(TestDemoData, self).setUp()
        if not self.overdue:
            self.skipTest("no demo data of %s in this database" % MODULE)

    def customer_invoices(self, customer):
        return self.env['account.invoice'].search([
            ('type', '=', 'out_invoice'),
            ('commercial_partner_id', '=', customer.id)])

    def test_company_mode_stays_off(self):
        """Odoo's own customers are not invoiced on delivery."""
        company = self.env.ref('base.main_company')
        self.assertEqual(company.auto_invoice_on_delivery, 'off')
        odoo_customer = self.env.ref('base.res_partner_2')
        self.assertFalse(odoo_customer.auto_invoice_on_delivery)
        self.assertEqual(odoo_customer._get_auto_invoice_mode(company), 'off')

    def test_demo_customers_have_their_own_modes(self):
        company = self.env.ref('base.main_company')
        for xmlid, mode in MODES.items():
            customer = self.demo_ref(xmlid)
            self.assertEqual(customer.auto_invoice_on_delivery, mode, xmlid)
            self.assertEqual(customer._get_auto_invoice_mode(company), mode,
                             xmlid)
        # the day's deliveries were invoiced in those modes
        invoices = {
            name: self.demo_ref(name).invoice_ids
            for name in ('sale_order_punctual_demo', 'sale_order_slowpay_demo',
                         'sale_order_draft_mode_demo',
                         'sale_order_sent_mode_demo',
                         'sale_order_off_mode_demo')}
        self.assertEqual(invoices['sale_order_punctual_demo'].mapped('state'),
                         ['open'])
        self.assertEqual(invoices['sale_order_slowpay_demo'].mapped('state'),
                         ['open'])
        self.assertEqual(invoices['sale_order_draft_mode_demo'].mapped(
            'state'), ['draft'])
        self.assertEqual(invoices['sale_order_sent_mode_demo'].mapped(
            'state'), ['open'])
        self.assertTrue(invoices['sale_order_sent_mode_demo'].sent)
        self.assertFalse(invoices['sale_order_off_mode_demo'])
        self.assertTrue(all(
            picking.state == 'done'
            for picking in self.demo_ref(
                'sale_order_off_mode_demo').picking_ids))

    def test_french_installed_for_the_customer_in_france(self):
        french = self.env['res.lang'].search([('code', '=', 'fr_FR')])
        self.assertTrue(french, "fr_FR is not installed")
        self.assertEqual(self.overdue.country_id,
                         self.env.ref('base.fr'))
        self.assertEqual(self.overdue.lang, 'fr_FR')
        contact = self.demo_ref('res_partner_overdue_contact_demo')
        self.assertEqual(contact.lang, 'fr_FR')
        others = self.env['res.partner'].browse([
            self.demo_ref(xmlid).id for xmlid in MODES
            if xmlid != 'res_partner_overdue_demo'])
        self.assertEqual(set(others.mapped('lang')), {'en_US'})
        # Odoo's terms and this addon's are loaded in French
        template = self.env.ref(
            '%s.mail_template_reminder_credit_hold' % MODULE)
        self.assertNotEqual(
            template.with_context(lang='fr_FR').subject,
            template.with_context(lang='en_US').subject)
        self.assertEqual(
            self.env['ir.translation']._get_source(
                None, 'code', 'fr_FR', 'Invoice'), 'Facture')

    def test_portal_users_see_their_customer_invoices(self):
        Users = self.env['res.users'].with_context(active_test=False)
        for login, customer_xmlid in PORTAL_USERS.items():
            customer = self.demo_ref(customer_xmlid)
            user = Users.search([('login', '=', login)])
            self.assertEqual(len(user), 1, login)
            self.assertTrue(user.active, login)
            self.assertTrue(user.has_group('base.group_portal'), login)
            self.assertFalse(user.has_group('base.group_user'), login)
            self.assertTrue(user.share, login)
            self.assertEqual(user.commercial_partner_id, customer, login)
            # the documented password
            Users.sudo(user).check_credentials(login)
            with self.assertRaises(AccessDenied):
                Users.sudo(user).check_credentials(login + '-wrong')
            expected = self.customer_invoices(customer).filtered(
                lambda invoice: invoice.state != 'draft')
            fees = expected.mapped('late_fee_invoice_ids')
            self.assertTrue(fees, login)
            self.assertLessEqual(fees, expected, login)
            seen = self.env['account.invoice'].sudo(user).search([
                ('type', '=', 'out_invoice')])
            self.assertEqual(seen, expected, login)
            self.assertEqual(
                self.env['account.invoice'].sudo(user).search_count([
                    ('commercial_partner_id', '!=', customer.id)]), 0, login)

    def test_french_customer_reminders_in_french(self):
        mails = self.env['mail.mail'].search([
            ('recipient_ids', 'child_of', self.overdue.id)])
        self.assertTrue(mails, "no reminder of the French customer")
        subjects = mails.mapped('subject')
        credit_hold = mails.filtered(
            lambda mail: 'blocage du cr\u00e9dit' in mail.subject
            and 'dernier rappel' not in mail.subject)
        self.assertEqual(len(credit_hold), 1, subjects)
        self.assertIn('votre compte est en blocage du cr\u00e9dit',
                      credit_hold.subject)
        for mail in mails:
            self.assertNotIn('payment', mail.subject.lower(), subjects)
            self.assertNotIn('overdue invoices', mail.subject)
            self.assertNotIn('Dear ', mail.body_html)
            self.assertNotIn('Kind regards', mail.body_html)
        self.assertIn('Cordialement', credit_hold.body_html)
        # the English customers' reminders stay in English
        slowpay_mails = self.env['mail.mail'].search([
            ('recipient_ids', 'child_of',
             self.demo_ref('res_partner_slowpay_demo').id)])
        self.assertTrue(slowpay_mails)
        self.assertTrue(all('Kind regards' in mail.body_html
                            for mail in slowpay_mails))

    def render_pdf(self, invoice):
        """The text of the invoice's real PDF."""
        return pdf_text(render_real_pdf(
            self, self.env.ref('account.account_invoices'), invoice))

    def late_french_invoice(self):
        invoice = self.customer_invoices(self.overdue).filtered(
            lambda inv: inv.state == 'open' and not inv.late_fee_origin_id
            and inv.late_payment_state == 'late')[:1]
        self.assertTrue(invoice)
        return invoice

    def test_french_customer_invoice_pdf_in_french(self):
        invoice = self.late_french_invoice()
        text = self.render_pdf(invoice)
        # Odoo's labels and this addon's, and the policy's note, in French
        self.assertIn('Facture %s' % invoice.number, text)
        self.assertIn('Date de la facture', text)
        self.assertIn("Date d'\u00e9ch\u00e9ance", text)
        self.assertIn('Condition de paiement', text)
        self.assertIn('Retard de paiement', text)
        policy = invoice.late_payment_policy_id
        self.assertTrue(policy.note)
        note = policy.with_context(lang='fr_FR').note
        self.assertNotEqual(note, policy.with_context(lang='en_US').note)
        self.assertIn(' '.join(note.split()), text)
        for english in ('Invoice Date', 'Due Date', 'Payment Terms',
                        'Late payment', 'Grace period ends'):
            self.assertNotIn(english, text)

    def test_french_customer_invoice_pdf_amounts_in_french(self):
        """Every amount of the French PDF is written the French way
        (2 490,00), none the English way (2,490.00)."""
        invoice = self.late_french_invoice()
        text = self.render_pdf(invoice)
        residual = formatLang(self.env(context=dict(lang='fr_FR')),
                              invoice.residual,
                              currency_obj=invoice.currency_id)
        self.assertIn(' '.join(residual.split()), text)
        self.assertFalse(re.findall(r'\d,\d{3}\.\d\d|\d\.\d\d\b', text),
                         text)


class TestDemoPortal(WsgiTestModeMixin, SavepointCase):
    """The portal's invoice list as each demo portal user, through Odoo's
    WSGI application (see test_portal_report.TestPortalLatePayment)."""

    def setUp(self):
        super(TestDemoPortal, self).setUp()
        if not self.env.ref('%s.res_partner_overdue_demo' % MODULE,
                            raise_if_not_found=False):
            self.skipTest("no demo data of %s in this database" % MODULE)

    def test_invoice_list_of_each_portal_user(self):
        Invoice = self.env['account.invoice']
        for login, customer_xmlid in PORTAL_USERS.items():
            user = self.env['res.users'].search([('login', '=', login)])
            customer = self.env.ref('%s.%s' % (MODULE, customer_xmlid))
            response = http_get(self.env, '/my/invoices', user=user)
            self.assertEqual(response.status_code, 200, login)
            page = response.data.decode('utf-8')
            own = Invoice.search([
                ('type', '=', 'out_invoice'), ('state', '!=', 'draft'),
                ('commercial_partner_id', '=', customer.id)])
            self.assertTrue(own, login)
            for invoice in own:
                self.assertIn(invoice.number, page, login)
            others = Invoice.search([
                ('type', '=', 'out_invoice'), ('state', '!=', 'draft'),
                ('commercial_partner_id', '!=', customer.id)])
            for invoice in others:
                self.assertNotIn(invoice.number, page, login)

    def test_french_portal_user_reads_french(self):
        """Odile Mercier's portal, in her language (the session's after
        she logs in; the portal's URLs then carry /fr_FR)."""
        user = self.env['res.users'].search([('login', '=', 'outfitters')])
        self.assertEqual(user.lang, 'fr_FR')
        overdue = self.env.ref('%s.res_partner_overdue_demo' % MODULE)
        invoices = self.env['account.invoice'].search([
            ('commercial_partner_id', '=', overdue.id),
            ('state', '=', 'open')], order='date_due')
        invoice = invoices.filtered(
            lambda inv: inv.late_payment_state == 'late'
            and not inv.late_fee_origin_id)[:1]
        self.assertTrue(invoice)
        response = http_get(self.env, '/fr_FR/my/invoices/%d' % invoice.id,
                            user=user, lang=user.lang)
        self.assertEqual(response.status_code, 200)
        page = ' '.join(re.sub('<[^>]+>', ' ', response.data.decode(
            'utf-8')).split())
        self.assertIn('Facture %s' % invoice.number, page)
        self.assertIn("Date d'\u00e9ch\u00e9ance", page)
        self.assertIn('\u00c9tat du paiement : En retard', page)
        self.assertIn('Retard de paiement', page)
        note = invoice.late_payment_policy_id.with_context(
            lang='fr_FR').note
        self.assertIn(' '.join(note.split()), page)
        for english in ('Invoice Date', 'Due Date', 'Payment Terms',
                        'Late payment', 'Grace Period Ends'):
            self.assertNotIn(english, page)
        response = http_get(self.env, '/fr_FR/my/invoices', user=user,
                            lang=user.lang)
        self.assertEqual(response.status_code, 200)
        page = response.data.decode('utf-8')
        self.assertIn('Factures', page)
        self.assertIn('En retard', page)
        for own in invoices:
            self.assertIn(own.number, page)
