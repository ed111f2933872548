# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Early-payment discount (issue 18, part 1), replayed on a fixed calendar:
invoices of 2026-12-02 on "2 % within 10 days, net 30", whose window ends
on 2026-12-12 (day 10). Day 9 is 2026-12-11, day 11 is 2026-12-13.
Payments are registered the way the web client does it: Register Payment
opened from the invoice form (the action's context on top of Customer
Invoices') or from the list for several invoices, the dialog saved and
its Validate button called through ``call_kw``."""
from lxml import html

from odoo.api import call_kw
from odoo.exceptions import ValidationError
from odoo.tools.misc import formatLang

from .common import WsgiTestModeMixin, http_get
from .test_web_client_buttons import CUSTOMER_INVOICES, WebClientCase

INVOICE_DATE = '2026-12-02'
DAY_9 = '2026-12-11'
DAY_10 = '2026-12-12'
DAY_11 = '2026-12-13'


class EarlyDiscountCase(WebClientCase):

    @classmethod
    def setUpClass(cls):
        super(EarlyDiscountCase, cls).setUpClass()
        cls.term = cls.env['account.payment.term'].create({
            'name': '2% 10 days, net 30',
            'early_discount': True,
            'discount_percentage': 2.0,
            'discount_days': 10,
            'line_ids': [(0, 0, {'value': 'balance', 'days': 30})],
        })
        cls.tax_21 = cls.env['account.tax'].create({
            'name': 'CIF VAT 21%',
            'amount': 21.0,
            'amount_type': 'percent',
            'type_tax_use': 'sale',
            'account_id': cls.account_tax.id,
            'refund_account_id': cls.account_tax.id,
            'company_id': cls.company.id,
        })
        cls.cash_discount_account = cls.env['account.account'].create({
            'code': 'CIF6550',
            'name': 'CIF Cash discounts granted',
            'user_type_id': cls.env.ref(
                'account.data_account_type_expenses').id,
            'company_id': cls.company.id,
        })
        cls.company.early_discount_mode = 'credit_note'

    def money(self, amount):
        return formatLang(self.env, amount, currency_obj=self.currency)

    def discount_invoice(self, amounts, taxes=None, partner=None,
                         date_invoice=INVOICE_DATE, term=None):
        """A validated invoice on the discount term, one line per amount
        (with ``taxes``)."""
        invoice = self.Invoice.create({
            'type': 'out_invoice',
            'partner_id': (partner or self.customer).id,
            'account_id': self.account_receivable.id,
            'journal_id': self.sale_journal.id,
            'company_id': self.company.id,
            'date_invoice': date_invoice,
            'payment_term_id': (term or self.term).id,
            'invoice_line_ids': [(0, 0, {
                'name': 'Goods %d' % index,
                'quantity': 1.0,
                'price_unit': amount,
                'account_id': self.account_income.id,
                'invoice_line_tax_ids': [(6, 0, taxes and taxes.ids or [])],
            }) for index, amount in enumerate(amounts)],
        })
        invoice.action_invoice_open()
        return invoice

    def register_payment_dialog(self, invoice, context):
        """Register Payment clicked on the invoice form: the dialog's
        context (the action's ``default_invoice_ids`` evaluated with the
        invoice as active record) and its defaults."""
        action = self.env.ref('account.action_account_invoice_payment')
        self.assertEqual(action.context,
                         "{'default_invoice_ids': [(4, active_id, None)]}")
        dialog = dict(context, active_model='account.invoice',
                      active_id=invoice.id, active_ids=invoice.ids,
                      default_invoice_ids=[(4, invoice.id, None)])
        model = self.env['account.payment'].sudo(self.clerk)
        defaults = call_kw(model, 'default_get', [list(model._fields)],
                           {'context': dialog})
        return model, dialog, defaults

    def proposed(self, model, dialog, defaults, date):
        """The amount the dialog proposes once the user sets the payment
        date (the onchange the client calls), whatever today is."""
        record = model.with_context(**dialog).new(dict(
            defaults, payment_date=date))
        record._onchange_payment_date_early_discount()
        return record.amount

    def pay_from_form(self, invoice, date, amount=None):
        """Register Payment from the invoice form on ``date``, validating
        the proposed amount (or ``amount``). Returns the proposal."""
        context = self.action_context(CUSTOMER_INVOICES, date)
        model, dialog, defaults = self.register_payment_dialog(
            invoice, context)
        proposal = self.proposed(model, dialog, defaults, date)
        self.note = model.with_context(**dialog).new(dict(
            defaults, payment_date=date, amount=proposal if amount is None
            else amount)).early_discount_note
        values = dict(defaults, payment_date=date, journal_id=(
            self.bank_journal.id), amount=proposal if amount is None
            else amount, payment_method_id=self.env.ref(
                'account.account_payment_method_manual_in').id)
        payment_id = call_kw(model, 'create', [values], {'context': dialog})
        call_kw(model, 'action_validate_invoice_payment',
                [[payment_id], dialog], {})
        return proposal

    def discount_refund(self, invoice):
        return invoice.refund_invoice_ids.filtered('early_discount_refund')


class TestEarlyDiscountTerm(EarlyDiscountCase):

    def test_validation(self):
        Term = self.env['account.payment.term']
        for percentage, days, message in (
                (0.0, 10, 'more than 0 % and less than 100 %'),
                (100.0, 10, 'more than 0 % and less than 100 %'),
                (-2.0, 10, 'more than 0 % and less than 100 %'),
                (2.0, -1, 'cannot be negative')):
            with self.assertRaisesRegex(ValidationError, message):
                Term.create({'name': 'Bad', 'early_discount': True,
                             'discount_percentage': percentage,
                             'discount_days': days})
        # off: the values are not checked, nothing is granted
        term = Term.create({'name': 'Off', 'discount_percentage': 0.0})
        invoice = self.discount_invoice([100.0], term=term)
        self.assertFalse(invoice.early_discount_date)
        self.assertFalse(invoice._early_discount_offer(DAY_9))
        with self.assertRaisesRegex(ValidationError, 'cash-discount account'):
            self.company.write({'early_discount_mode': 'writeoff',
                                'cash_discount_account_id': False})

    def test_offer_on_the_invoice_pdf_and_portal(self):
        invoice = self.discount_invoice([1000.0])
        self.assertEqual(invoice.early_discount_date, DAY_10)
        self.assertEqual(invoice.date_due, '2027-01-01')
        # 2 % of 1,000.00 = 20.00: pay 980.00 by 12/12/2026 (en_US)
        expected = '2 % discount if paid by 12/12/2026: pay {}'.format(
            self.money(980.0))
        for day in (INVOICE_DATE, DAY_10):
            self.assertEqual(invoice._early_discount_text(day), expected)
            facts = self.as_of(invoice, day)._customer_document_facts()
            self.assertEqual(facts['early_discount_text'], expected)
            self.assertEqual(self.as_of(invoice, day).early_discount_offer,
                             expected)
        # after the window: gone
        self.assertEqual(invoice._early_discount_text(DAY_11), '')
        self.assertFalse(self.as_of(
            invoice, DAY_11)._customer_document_facts()[
                'early_discount_text'])
        report = self.env.ref('account.account_invoices')
        text = ' '.join(html.fromstring(report.with_context(
            late_payment_as_of=DAY_9).render_qweb_html(
                invoice.ids)[0]).text_content().split())
        self.assertIn(expected, text)
        text = ' '.join(html.fromstring(report.with_context(
            late_payment_as_of=DAY_11).render_qweb_html(
                invoice.ids)[0]).text_content().split())
        self.assertNotIn('discount if paid by', text)

    def test_offer_in_customer_language(self):
        self.env['res.lang'].with_context(active_test=False).search([
            ('code', '=', 'fr_FR')]).write({'active': True})
        customer = self.create_customer('CIF Client', lang='fr_FR')
        invoice = self.discount_invoice([1000.0], partner=customer)
        text = invoice.with_context(lang='fr_FR')._early_discount_text(DAY_9)
        # French date (dd/mm/yyyy) and amount (decimal comma)
        self.assertIn('12/12/2026', text)
        self.assertIn('980,00', text)

    def test_offer_in_the_heads_up_reminder(self):
        invoice = self.discount_invoice([1000.0])
        template = self.env.ref(
            'customer_invoicing_flow.mail_template_reminder_before_due')

        def body(day):
            rendered = template.with_context(
                late_payment_as_of=day).render_template(
                    template.body_html, 'account.invoice', invoice.ids)
            return ' '.join(html.fromstring(
                rendered[invoice.id]).text_content().split())
        self.assertIn('Invoice %s: 2 %% discount if paid by 12/12/2026: '
                      'pay %s' % (invoice.number, self.money(980.0)),
                      body(DAY_9))
        self.assertNotIn('discount if paid by', body(DAY_11))


class TestEarlyDiscountPayment(EarlyDiscountCase):

    def test_paid_on_day_9_in_full_with_a_credit_note(self):
        invoice = self.discount_invoice([1000.0])
        proposal = self.pay_from_form(invoice, DAY_9)
        # 1,000.00 - 2 % (20.00) = 980.00
        self.assertEqual(proposal, 980.0)
        self.assertEqual(self.note, 'Within the early payment discount '
                         'window: %s of discount will be booked and the '
                         'invoice paid in full.' % self.money(20.0))
        self.assertEqual(invoice.state, 'paid')
        self.assertEqual(invoice.residual, 0.0)
        self.assertEqual(invoice.early_discount_granted, 20.0)
        refund = self.discount_refund(invoice)
        self.assertEqual(len(refund), 1)
        # a credit note, despite the action's default_type out_invoice
        self.assertEqual(refund.type, 'out_refund')
        self.assertEqual(refund.state, 'paid')
        self.assertEqual(refund.amount_total, 20.0)
        self.assertEqual(refund.date_invoice, DAY_9)
        self.assertEqual(refund.invoice_line_ids.account_id,
                         self.account_income)
        self.assertEqual(invoice.payment_ids.amount, 980.0)
        self.assertEqual(invoice.paid_date, DAY_9)
        # the offer is gone once granted
        self.assertFalse(invoice._early_discount_offer(DAY_9))

    def test_taxed_invoice_day_9_vat_follows_the_amount_paid(self):
        invoice = self.discount_invoice([1000.0], taxes=self.tax_21)
        # 1,000.00 + 21 % VAT (210.00) = 1,210.00; 2 % of it = 24.20;
        # pay 1,210.00 - 24.20 = 1,185.80
        self.assertEqual(invoice.amount_total, 1210.0)
        proposal = self.pay_from_form(invoice, DAY_9)
        self.assertEqual(proposal, 1185.8)
        self.assertEqual(invoice.state, 'paid')
        refund = self.discount_refund(invoice)
        # the discount 24.20 = base 24.20 * 1000 / 1210 = 20.00 + VAT 4.20
        # (21 % of 20.00): the VAT collected is 210.00 - 4.20 = 205.80,
        # 21 % of the 980.00 of goods actually paid for
        self.assertEqual(refund.amount_untaxed, 20.0)
        self.assertEqual(refund.amount_tax, 4.2)
        self.assertEqual(refund.amount_total, 24.2)
        self.assertEqual(refund.invoice_line_ids.invoice_line_tax_ids,
                         self.tax_21)
        vat = refund.move_id.line_ids.filtered(
            lambda line: line.account_id == self.account_tax)
        self.assertEqual((vat.debit, vat.credit), (4.2, 0.0))
        self.assertEqual(invoice.early_discount_granted, 24.2)

    def test_tax_included_in_the_price(self):
        tax = self.tax_21.copy({'name': 'CIF VAT 21% included',
                                'price_include': True})
        invoice = self.discount_invoice([1210.0], taxes=tax)
        # 1,210.00 VAT included: 1,000.00 + 210.00; the same discount as
        # when excluded: 24.20 = 20.00 + 4.20
        self.assertEqual((invoice.amount_untaxed, invoice.amount_tax),
                         (1000.0, 210.0))
        self.assertEqual(self.pay_from_form(invoice, DAY_9), 1185.8)
        refund = self.discount_refund(invoice)
        self.assertEqual((refund.amount_untaxed, refund.amount_tax,
                          refund.amount_total), (20.0, 4.2, 24.2))
        # its line priced VAT included: 20.00 * 1.21
        self.assertEqual(refund.invoice_line_ids.price_unit, 24.2)
        self.assertEqual(invoice.state, 'paid')

    def test_taxes_prorated_to_the_cent(self):
        invoice = self.discount_invoice([333.33], taxes=self.tax_21)
        # 333.33 + 70.00 VAT = 403.33; 2 % = 8.0666 -> 8.07; pay 395.26
        proposal = self.pay_from_form(invoice, DAY_9)
        self.assertEqual(proposal, 395.26)
        refund = self.discount_refund(invoice)
        # base 8.07 * 333.33 / 403.33 = 6.6695 -> 6.67; VAT 8.07 - 6.67
        self.assertEqual((refund.amount_untaxed, refund.amount_tax,
                          refund.amount_total), (6.67, 1.40, 8.07))
        self.assertEqual(invoice.state, 'paid')

    def test_day_11_leaves_20_open(self):
        invoice = self.discount_invoice([1000.0])
        context = self.action_context(CUSTOMER_INVOICES, DAY_11)
        model, dialog, defaults = self.register_payment_dialog(
            invoice, context)
        # after the window: the full amount is proposed
        self.assertEqual(self.proposed(model, dialog, defaults, DAY_11),
                         1000.0)
        self.pay_from_form(invoice, DAY_11, amount=980.0)
        self.assertFalse(self.note)
        self.assertEqual(invoice.state, 'open')
        self.assertEqual(invoice.residual, 20.0)
        self.assertFalse(self.discount_refund(invoice))
        self.assertFalse(invoice.early_discount_granted)

    def test_day_10_is_the_last_day(self):
        invoice = self.discount_invoice([1000.0])
        self.assertEqual(self.pay_from_form(invoice, DAY_10), 980.0)
        self.assertEqual(invoice.state, 'paid')

    def test_less_than_the_discounted_amount_is_a_part_payment(self):
        invoice = self.discount_invoice([1000.0])
        self.pay(invoice, 500.0, '2026-12-05')
        self.assertEqual(invoice.residual, 500.0)
        self.assertFalse(invoice.early_discount_granted)
        # the discount stays available on the rest: 500.00 - 20.00
        self.assertEqual(invoice._early_discount_offer(DAY_9)['amount'],
                         480.0)
        self.pay(invoice, 479.99, DAY_9)
        self.assertEqual(invoice.state, 'open')
        self.assertAlmostEqual(invoice.residual, 20.01)
        self.pay(invoice, 0.01, DAY_9)
        self.assertEqual(invoice.state, 'paid')
        self.assertEqual(invoice.early_discount_granted, 20.0)

    def test_between_discounted_and_full_discount_is_the_rest(self):
        invoice = self.discount_invoice([1000.0])
        self.pay(invoice, 990.0, DAY_9)
        self.assertEqual(invoice.state, 'paid')
        self.assertEqual(invoice.early_discount_granted, 10.0)
        self.assertEqual(self.discount_refund(invoice).amount_total, 10.0)

    def test_write_off_to_the_cash_discount_account(self):
        self.company.write({
            'early_discount_mode': 'writeoff',
            'cash_discount_account_id': self.cash_discount_account.id})
        invoice = self.discount_invoice([1000.0], taxes=self.tax_21)
        self.assertEqual(self.pay_from_form(invoice, DAY_9), 1185.8)
        self.assertEqual(invoice.state, 'paid')
        self.assertFalse(self.discount_refund(invoice))
        writeoff = self.env['account.move.line'].search([
            ('account_id', '=', self.cash_discount_account.id)])
        # 24.20 of discount written off, the VAT unchanged
        self.assertEqual((writeoff.debit, writeoff.credit), (24.2, 0.0))
        self.assertEqual(writeoff.date, DAY_9)
        self.assertEqual(invoice.early_discount_granted, 24.2)

    def test_register_payment_for_several_invoices(self):
        other = self.create_customer('CIF Other Payer')
        first = self.discount_invoice([1000.0])
        second = self.discount_invoice([500.0], partner=other)
        # dated 2026-11-01: its window ended on 2026-11-11
        late = self.discount_invoice([300.0], date_invoice='2026-11-01')
        invoices = first | second | late
        context = dict(self.action_context(CUSTOMER_INVOICES, DAY_9),
                       active_model='account.invoice',
                       active_ids=invoices.ids, active_id=first.id)
        model = self.env['account.register.payments'].sudo(self.clerk)
        defaults = call_kw(model, 'default_get', [list(model._fields)],
                           {'context': context})
        wizard = model.with_context(**context).new(dict(
            defaults, payment_date=DAY_9))
        wizard._onchange_payment_date_early_discount()
        # 980.00 + 490.00 + 300.00 (no discount any more)
        self.assertEqual(wizard.amount, 1770.0)
        wizard_id = call_kw(model, 'create', [dict(
            defaults, payment_date=DAY_9, amount=wizard.amount,
            journal_id=self.bank_journal.id,
            payment_method_id=self.env.ref(
                'account.account_payment_method_manual_in').id)],
            {'context': context})
        call_kw(model, 'create_payments', [[wizard_id], context], {})
        self.assertEqual(invoices.mapped('state'), ['paid'] * 3)
        self.assertEqual(invoices.mapped('early_discount_granted'),
                         [20.0, 10.0, 0.0])
        self.assertEqual(self.discount_refund(second).amount_total, 10.0)
        # one payment per customer: 980.00 + 300.00, and 490.00
        self.assertEqual(first.payment_ids, late.payment_ids)
        self.assertEqual(first.payment_ids.amount, 1280.0)
        self.assertEqual(second.payment_ids.amount, 490.0)

    def test_one_payment_for_two_invoices_of_one_customer(self):
        first = self.discount_invoice([1000.0])
        second = self.discount_invoice([500.0])
        context = dict(self.action_context(CUSTOMER_INVOICES, DAY_9),
                       active_model='account.invoice',
                       active_ids=(first | second).ids, active_id=first.id)
        model = self.env['account.register.payments'].sudo(self.clerk)
        defaults = call_kw(model, 'default_get', [list(model._fields)],
                           {'context': context})
        wizard_id = call_kw(model, 'create', [dict(
            defaults, payment_date=DAY_9, amount=1470.0,
            journal_id=self.bank_journal.id,
            payment_method_id=self.env.ref(
                'account.account_payment_method_manual_in').id)],
            {'context': context})
        call_kw(model, 'create_payments', [[wizard_id], context], {})
        payment = first.payment_ids
        self.assertEqual(payment, second.payment_ids)
        self.assertEqual(payment.amount, 1470.0)
        self.assertEqual((first.state, second.state), ('paid', 'paid'))
        self.assertEqual((first.early_discount_granted,
                          second.early_discount_granted), (20.0, 10.0))

    def match_statement_line(self, invoice, day, amount):
        """A bank statement line of ``amount`` on ``day`` matched with the
        invoice's receivable, as the reconciliation screen does."""
        statement = self.env['account.bank.statement'].create({
            'journal_id': self.bank_journal.id,
            'date': day,
            'line_ids': [(0, 0, {'name': invoice.number, 'amount': amount,
                                 'date': day,
                                 'partner_id': self.customer.id})],
        })
        receivable = invoice.move_id.line_ids.filtered(
            lambda line: line.account_id == self.account_receivable)
        statement.line_ids.process_reconciliation(counterpart_aml_dicts=[{
            'move_line': receivable, 'credit': amount, 'debit': 0.0,
            'name': invoice.number}])

    def test_bank_statement_line_within_the_window(self):
        invoice = self.discount_invoice([1000.0])
        self.match_statement_line(invoice, DAY_9, 980.0)
        self.assertEqual(invoice.state, 'paid')
        self.assertEqual(self.discount_refund(invoice).amount_total, 20.0)

    def test_bank_statement_line_after_the_window(self):
        invoice = self.discount_invoice([1000.0])
        self.match_statement_line(invoice, DAY_11, 980.0)
        self.assertEqual(invoice.residual, 20.0)
        self.assertFalse(self.discount_refund(invoice))

    def test_a_credit_note_is_not_a_payment(self):
        invoice = self.discount_invoice([1000.0])
        # a credit note of 980.00 within the window (goods returned):
        # nothing is paid, no discount
        self.credit_note(invoice, 980.0, DAY_9)
        self.assertEqual(invoice.residual, 20.0)
        self.assertFalse(invoice.early_discount_granted)


class TestEarlyDiscountDashboard(EarlyDiscountCase):
    """In March 2031, a month no other data of the database reaches (the
    demo's and the browser test's invoices are dated around today)."""

    def test_discounts_granted_and_share_paid_within_the_window(self):
        day = '2031-03-02'  # windows end on 2031-03-12
        paid_early = self.discount_invoice([1000.0], date_invoice=day)
        paid_late = self.discount_invoice([500.0], date_invoice=day)
        self.discount_invoice([200.0], date_invoice=day)  # still open
        self.pay_from_form(paid_early, '2031-03-11')
        self.pay(paid_late, 500.0, '2031-03-13')
        dashboard = self.env['collections.dashboard'].create({
            'period': 'custom', 'date_from': '2031-03-01',
            'date_to': '2031-03-31', 'company_id': self.company.id})
        self.assertEqual(dashboard.early_discounts_granted, 20.0)
        # 3 windows ended on 2031-03-12, one paid by then: 33.33 %
        self.assertEqual(dashboard.early_discount_invoice_count, 3)
        self.assertEqual(dashboard.early_discount_rate, 33.33)
        february = self.env['collections.dashboard'].create({
            'period': 'custom', 'date_from': '2031-02-01',
            'date_to': '2031-02-28', 'company_id': self.company.id})
        self.assertEqual(february.early_discounts_granted, 0.0)
        self.assertEqual(february.early_discount_invoice_count, 0)


class TestEarlyDiscountPortal(WsgiTestModeMixin, EarlyDiscountCase):
    """The portal page states the offer of today's window: an invoice
    dated in 2099 is within it whatever today is, one of 2020 is past."""

    def test_offer_on_the_portal_page(self):
        current = self.discount_invoice([1000.0], date_invoice='2099-01-01')
        past = self.discount_invoice([1000.0], date_invoice='2020-01-01')
        for invoice in current | past:
            invoice._generate_access_token()
        page = http_get(self.env, '/my/invoices/%d?access_token=%s' % (
            current.id, current.access_token))
        self.assertEqual(page.status_code, 200)
        text = ' '.join(html.fromstring(page.data).text_content().split())
        self.assertIn('2 % discount if paid by 01/11/2099: pay {}'.format(
            self.money(980.0)), text)
        page = http_get(self.env, '/my/invoices/%d?access_token=%s' % (
            past.id, past.access_token))
        self.assertEqual(page.status_code, 200)
        self.assertNotIn(b'discount if paid by', page.data)
