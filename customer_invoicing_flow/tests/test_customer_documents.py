# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the customer reads in a reminder email: the rendered mail.mail
body states what is owed (every overdue invoice of the customer and the
open fee invoices, the total per currency), what was charged with the
reminder (fee invoice number, amount, how it was computed), what happens
next only when the policy has that stage, the company's signature, and
attachments named as Odoo names them. Dates are fixed (2023)."""
from lxml import html

from odoo.tools.misc import formatLang

from .common import ReminderCase


def mail_text(mail):
    """The body of ``mail`` as the customer reads it, whitespace
    collapsed."""
    return ' '.join(html.fromstring(mail.body_html).text_content().split())


class TestReminderFacts(ReminderCase):

    @classmethod
    def setUpClass(cls):
        super(TestReminderFacts, cls).setUpClass()
        cls.company.write({'name': 'CIF Supplies', 'email':
                           'ar@cif-supplies.example.com',
                           'phone': '+32 2 555 01 23'})
        cls.salesperson.signature = '<p>-- <br/>+Sam personal</p>'

    def money(self, amount):
        return formatLang(self.env, amount, currency_obj=self.currency)

    def test_credit_hold_states_everything_owed_and_the_fee_charged(self):
        """B is reminded stage by stage (fee on 11 April); A, entered late,
        catches up straight to the credit hold on 4 May, with its fee.
        The credit-hold email lists A, but states all that is owed: A, B
        and both fee invoices, 5,050.00 in all."""
        customer = self.create_customer('CIF Hotel')
        inv_b = self.create_invoice(2490.0, partner=customer,
                                    policy=self.policy,
                                    date_due='2023-03-31')
        inv_b.user_id = self.salesperson
        for day in ('2023-03-28', '2023-04-01', '2023-04-11', '2023-04-30'):
            self.run_day(day)
        inv_a = self.create_invoice(2480.0, partner=customer,
                                    policy=self.policy,
                                    date_invoice='2023-02-18',
                                    date_due='2023-03-20')
        inv_a.user_id = self.salesperson
        self.run_day('2023-05-04')
        mail = self.mails(inv_a)
        self.assertEqual(len(mail), 1)
        fee_a = inv_a.late_fee_invoice_ids
        fee_b = inv_b.late_fee_invoice_ids
        self.assertEqual((fee_a.amount_total, fee_b.amount_total),
                         (40.0, 40.0))
        self.assertTrue(customer.credit_hold)
        self.assertEqual(
            mail.subject, 'CIF Supplies: your account is on credit hold '
            '(%s)' % inv_a.number)
        self.assertEqual(mail.email_from,
                         'CIF Supplies <ar@cif-supplies.example.com>')
        text = mail_text(mail)
        expected = (
            "Dear CIF Hotel, "
            "As payment of invoice {a} is still outstanding, your account "
            "has been placed on credit hold: new orders cannot be confirmed "
            "until payment of invoice {a} is received. The hold is lifted "
            "as soon as it is. "
            "Your open balance on 05/04/2023 "
            "Invoice Date Due date Status Amount due "
            "{a} 02/18/2023 03/20/2023 overdue by 45 days {m2480} "
            "{b} 03/01/2023 03/31/2023 overdue by 34 days {m2490} "
            "{fb} 04/11/2023 04/11/2023 late fee for {b} {m40} "
            "{fa} 05/04/2023 05/04/2023 late fee for {a} {m40} "
            "Total owed {m5050} "
            "With this reminder, we charged a late-payment fee of "
            "{m40} for invoice {a}: invoice {fa} (attached). "
            "{how} "
            "Please contact us if you wish to agree on a payment schedule. "
            "Late payment costs 40.00 after ten days of grace. "
            "Kind regards, "
            "CIF Supplies +32 2 555 01 23 ar@cif-supplies.example.com"
        ).format(a=inv_a.number, b=inv_b.number, fa=fee_a.number,
                 fb=fee_b.number, m40=self.money(40.0),
                 m2480=self.money(2480.0), m2490=self.money(2490.0),
                 m5050=self.money(5050.0),
                 # the fee line's own text (its wording is the fee
                 # engine's), one sentence
                 how=' '.join(fee_a.invoice_line_ids.name.split()))
        self.assertEqual(text, expected)
        self.assertNotIn('+Sam personal', mail.body_html)
        self.assertNotIn('What happens next', text)
        # the links open the invoices
        for invoice in inv_a | inv_b | fee_a | fee_b:
            self.assertIn('/my/invoices/%d?access_token=%s' % (
                invoice.id, invoice.access_token), mail.body_html)

    def test_attachments_named_as_odoo_names_them(self):
        invoice = self.invoice_for('CIF India')
        self.run_day('2023-04-11')
        mail = self.mails(invoice)
        fee = invoice.late_fee_invoice_ids
        self.assertEqual(
            sorted(mail.attachment_ids.mapped('name')),
            sorted('Invoice_%s.pdf' % number.replace('/', '_')
                   for number in (invoice.number, fee.number)))
        self.assertTrue(all('/' not in name and ' ' not in name
                            for name in mail.attachment_ids.mapped('name')))

    def test_late_notice_without_fee_claims_no_fee(self):
        """The late-notice template at a stage that charged nothing (a
        policy without fee) never says a fee was charged."""
        self.policy.fee_fixed = 0.0
        invoice = self.invoice_for('CIF Juliett')
        self.run_day('2023-04-11')
        self.assertFalse(invoice.late_fee_invoice_ids)
        text = mail_text(self.mails(invoice))
        self.assertIn('Despite our previous reminder, payment of invoice '
                      '%s is still outstanding after the grace period. '
                      'Your open balance' % invoice.number, text)
        self.assertNotIn('charged', text)
        self.assertIn('Total owed %s' % self.money(1000.0), text)

    def test_next_steps_only_from_the_policy_stages(self):
        """The day-after reminder says what comes next, with the fee the
        engine would charge and the dates of the call and the hold."""
        invoice = self.invoice_for('CIF Kilo')
        self.run_day('2023-04-01')
        text = mail_text(self.mails(invoice))
        self.assertIn(
            'What happens next '
            'On 04/11/2023, if payment of invoice {n} has not been '
            'received, a late fee of {fee} will be charged. '
            'On 04/30/2023, if payment of invoice {n} has not been '
            'received, our accounts team will call you. '
            'On 05/15/2023, if payment of invoice {n} has not been '
            'received, your account will be placed on credit hold: new '
            'orders cannot be confirmed until it is.'.format(
                n=invoice.number, fee=self.money(40.0)), text)

    def test_key_account_without_credit_hold_stage(self):
        """A key-account policy: a reminder, then a final notice with a
        phone call, no fee, no credit hold. No email ever speaks of a
        credit hold, a suspension or a fee."""
        ref = self.env.ref
        template = 'customer_invoicing_flow.mail_template_reminder_%s'
        policy = self.env['late.payment.policy'].create({
            'name': 'CIF key accounts',
            'company_id': self.company.id,
            'grace_days': 30,
            'fee_product_id': self.fee_product.id,
            'note': 'Payable by the due date.',
            'stage_ids': [
                (0, 0, {'name': 'Friendly', 'day_offset': 1,
                        'send_email': True,
                        'mail_template_id': ref(template % 'due').id}),
                (0, 0, {'name': 'Call', 'day_offset': 30,
                        'send_email': True,
                        'mail_template_id': ref(template % 'final').id,
                        'create_activity': True,
                        'activity_type_id': self.call.id}),
            ]})
        customer = self.create_customer('CIF Keystone')
        invoice = self.create_invoice(5000.0, partner=customer,
                                      policy=policy)
        self.run_day('2023-04-01')
        self.run_day('2023-04-30')
        mails = self.mails(invoice)
        self.assertEqual(len(mails), 2)
        self.assertEqual(mails[1].subject, 'CIF Supplies: final notice '
                         '(%s)' % invoice.number)
        first, final = (mail_text(mail) for mail in mails)
        self.assertIn('What happens next On 04/30/2023, if payment of '
                      'invoice %s has not been received, our accounts team '
                      'will call you.' % invoice.number, first)
        self.assertIn('Despite our reminders, payment of invoice %s is '
                      'still outstanding. This is our final notice. A member '
                      'of our accounts team will also call you. Your open '
                      'balance' % invoice.number, final)
        for text in (first, final) + tuple(mails.mapped('subject')):
            for word in ('credit hold', 'suspend', 'fee', 'charged'):
                self.assertNotIn(word, text.lower())

    def test_signature_from_the_company_or_the_policy(self):
        invoice = self.invoice_for('CIF Lima')
        invoice.user_id = self.salesperson
        self.run_day('2023-04-01')
        mail = self.mails(invoice)
        self.assertTrue(mail_text(mail).endswith(
            'Kind regards, CIF Supplies +32 2 555 01 23 '
            'ar@cif-supplies.example.com'))
        self.assertNotIn('Sam personal', mail.body_html)
        self.assertNotIn('Sam', mail.email_from)
        self.policy.reminder_signature = (
            'Carla Collections\nAccounts receivable, CIF Supplies')
        other = self.invoice_for('CIF Mike')
        self.run_day('2023-04-02')
        text = mail_text(self.mails(other))
        self.assertTrue(text.endswith(
            'Kind regards, Carla Collections '
            'Accounts receivable, CIF Supplies'), text)

    def test_resent_reminder_dates_the_fee_and_today(self):
        """The late notice sent again (Send Reminder Now) on 20 April: the
        fee is the one charged on 11 April, not "with this reminder"; the
        balance is the one of the day."""
        invoice = self.invoice_for('CIF November')
        self.run_day('2023-04-11')
        fee = invoice.late_fee_invoice_ids
        self.assertEqual(len(fee), 1)
        # rendered in the stage's environment: the day comes with it
        stage = self.stages[11].with_context(late_payment_as_of='2023-04-20')
        mail = self.env['payment.reminder.run']._send_email(
            [{'invoice': invoice}], stage)
        text = mail_text(mail)
        self.assertIn(
            'Your open balance on 04/20/2023 Invoice Date Due date Status '
            'Amount due {n} 03/01/2023 03/31/2023 overdue by 20 days {m} '
            '{f} 04/11/2023 '.format(n=invoice.number, f=fee.number,
                                     m=self.money(1000.0)), text)
        self.assertIn(
            'On 04/11/2023, we charged a late-payment fee of {m40} for '
            'invoice {n}: invoice {f} (attached).'.format(
                n=invoice.number, f=fee.number, m40=self.money(40.0)), text)
        self.assertNotIn('With this reminder', text)
        self.assertEqual(len(invoice.late_fee_invoice_ids), 1)

    def test_total_owed_per_currency(self):
        """Invoices in two currencies: one total per currency, never a sum
        across them."""
        foreign = self.env.ref('base.EUR') \
            if self.currency != self.env.ref('base.EUR') \
            else self.env.ref('base.USD')
        foreign.active = True
        for currency, rate in ((self.currency, 1.0), (foreign, 2.0)):
            self.env['res.currency.rate'].create({
                'currency_id': currency.id, 'name': '2020-01-01',
                'rate': rate, 'company_id': self.company.id})
        customer = self.create_customer('CIF Oscar')
        home = self.create_invoice(300.0, partner=customer,
                                   policy=self.policy)
        abroad = self.create_invoice(500.0, partner=customer,
                                     currency=foreign, policy=self.policy)
        self.run_day('2023-04-01')
        mail = self.mails(home | abroad)
        self.assertEqual(len(mail), 1)
        text = mail_text(mail)
        for amount, currency in ((300.0, self.currency), (500.0, foreign)):
            self.assertIn('Total owed %s' % formatLang(
                self.env, amount, currency_obj=currency), text)
        self.assertNotIn('800.00', text)

    def test_heads_up_says_when_it_falls_due(self):
        invoice = self.invoice_for('CIF Papa', amount=250.0)
        self.run_day('2023-03-28')
        self.assertIn(
            'This is a courteous heads-up: payment of invoice {n} falls due '
            'shortly. If payment is already on its way, thank you, and '
            'please disregard this message. Your open balance on 03/28/2023 '
            'Invoice Date Due date Status Amount due {n} 03/01/2023 '
            '03/31/2023 due in 3 days {m} Total owed {m} What happens '
            'next'.format(n=invoice.number, m=self.money(250.0)),
            mail_text(self.mails(invoice)))
