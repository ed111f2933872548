# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the reminder run reads and writes once per batch
(payment_reminder_run_batch.py): the same recipients as the invoice's own
rule, the PDFs printed in one wkhtmltopdf call and reused, the notes that
notify nobody, the logs and the invoices written as one by one."""
import base64
import shutil
import tempfile
from unittest.mock import patch

from odoo.tools import config

from .common import ReminderCase, pdf_text, use_stub_pdf


class TestReminderBatch(ReminderCase):

    def setUp(self):
        # not ReminderCase's: the real PDF test prints with wkhtmltopdf
        super(ReminderCase, self).setUp()  # pylint: disable=bad-super-call
        self.Run = self.env['payment.reminder.run']

    def test_recipients_as_the_invoice_rule(self):
        """The batch's one query gives each invoice the recipient that
        ``get_reminder_recipient`` gives it: the invoice's own invoicing
        address, the customer's first active invoicing contact with an
        email (by name), or the customer."""
        Partner = self.env['res.partner']
        plain = self.invoice_for('CIF Batch Plain')
        with_contacts = self.invoice_for('CIF Batch Contacts')
        customer = with_contacts.partner_id
        for name, values in (
                ('Zed Accounts', {'email': 'zed@example.com'}),
                ('Able Accounts', {'email': 'able@example.com'}),
                ('Aaron No Email', {'email': False}),
                ('Aardvark Archived', {'email': 'old@example.com',
                                       'active': False}),
                ('Abe Delivery', {'email': 'abe@example.com',
                                  'type': 'delivery'})):
            Partner.create(dict({'name': name, 'type': 'invoice',
                                 'parent_id': customer.id}, **values))
        addressed = self.invoice_for('CIF Batch Addressed')
        address = Partner.create({
            'name': 'Addressed AP', 'type': 'invoice',
            'email': 'ap@example.com',
            'parent_id': addressed.partner_id.id})
        addressed.partner_id = address
        invoices = plain | with_contacts | addressed
        read = self.Run._recipient_ids(invoices)
        for invoice in invoices:
            self.assertEqual(read[invoice.id],
                             invoice.get_reminder_recipient().id)
        self.assertEqual(read[with_contacts.id], Partner.search(
            [('name', '=', 'Able Accounts')]).id)
        self.assertEqual(read[addressed.id], address.id)
        self.assertEqual(read[plain.id], plain.commercial_partner_id.id)

    def test_notes_notify_nobody(self):
        """The run's note on an invoice is an internal note in its
        chatter, hidden from the portal, that pings no follower (not even
        one following the notes)."""
        use_stub_pdf(self)
        invoice = self.invoice_for('CIF Batch Note')
        note = self.env.ref('mail.mt_note')
        invoice.message_subscribe(partner_ids=self.clerk.partner_id.ids,
                                  subtype_ids=note.ids)
        mails_before = self.env['mail.mail'].search([])
        self.run_day('2023-04-01')
        notes = invoice.message_ids.filtered(
            lambda message: 'Payment reminder' in (message.body or ''))
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes.subtype_id, note)
        self.assertEqual(notes.message_type, 'notification')
        self.assertIn('email sent to', notes.body)
        self.assertFalse(notes.needaction_partner_ids)
        self.assertFalse((self.env['mail.mail'].search([]) - mails_before)
                         .filtered(lambda mail: self.clerk.partner_id
                                   in mail.recipient_ids))

    def test_results_written_for_the_batch(self):
        """The logs say what each stage did and the invoices their stage,
        as when each was written on its own."""
        use_stub_pdf(self)
        invoices = self.invoice_for('CIF Batch R1') \
            | self.invoice_for('CIF Batch R2')
        self.run_day('2023-04-01')
        for invoice in invoices:
            logs = self.logs(invoice)
            skipped = logs.filtered(lambda log: log.state == 'skipped')
            done = logs.filtered(lambda log: log.state == 'done')
            self.assertEqual(skipped.stage_id, self.stages[-3])
            self.assertEqual(done.stage_id, self.stages[1])
            self.assertEqual(logs.mapped('policy_id'), self.policy)
            self.assertTrue(done.email_sent)
            self.assertEqual(done.mail_id, self.mails(invoice))
            self.assertEqual(done.mail_message_id,
                             done.mail_id.mail_message_id)
            self.assertEqual(done.statement_count, 1)
            self.assertFalse(skipped.email_sent)
            self.assertEqual(invoice.reminder_stage_id, self.stages[1])
            self.assertEqual(invoice.reminder_date, '2023-04-01')
            self.assertTrue(invoice.sent_date)

    def test_pdfs_printed_together_and_reused(self):
        """Three customers' reminders: their invoice PDFs come out of one
        wkhtmltopdf call, Odoo keeps each on its invoice, and each email
        attaches its own invoice's PDF."""
        invoices = self.invoice_for('CIF Batch P1') \
            | self.invoice_for('CIF Batch P2') \
            | self.invoice_for('CIF Batch P3')
        report = self.env.ref('account.account_invoices')
        self.addCleanup(config.__setitem__, 'test_report_directory',
                        config['test_report_directory'])
        # a report directory makes Odoo print PDFs under test
        directory = tempfile.mkdtemp(prefix='cif_reports_')
        self.addCleanup(shutil.rmtree, directory)
        config['test_report_directory'] = directory
        self.env['ir.config_parameter'].set_param(
            'report.url', 'http://127.0.0.1:9')
        Report = type(report)
        calls = []
        original = Report._run_wkhtmltopdf

        def run_wkhtmltopdf(report_self, bodies, *args, **kwargs):
            calls.append(len(bodies))
            return original(report_self, bodies, *args, **kwargs)

        with patch.object(Report, '_run_wkhtmltopdf', run_wkhtmltopdf):
            self.run_day('2023-04-01')
        self.assertEqual(calls, [3])
        # Odoo keeps each PDF on its invoice, as when printed alone
        stored = self.Run._stored_pdfs(report.sudo(), invoices)
        self.assertEqual(sorted(stored), sorted(invoices.ids))
        for invoice in invoices:
            attachments = self.mails(invoice).attachment_ids
            self.assertEqual(len(attachments), 1)
            self.assertTrue(attachments.datas.startswith(b'JVBERi0'))  # %PDF-
            self.assertIn(invoice.number, pdf_text(
                base64.b64decode(attachments.datas)))
        # the next reminder prints them again in one call (the report does
        # not reload from its attachments), keeping none twice; the fee
        # invoice each charges now is printed with its own email
        calls[:] = []
        with patch.object(Report, '_run_wkhtmltopdf', run_wkhtmltopdf):
            self.run_day('2023-04-11')
        self.assertEqual(calls, [3, 1, 1, 1])
        self.assertEqual(len(invoices.mapped('late_fee_invoice_ids')), 3)
        self.assertEqual(self.env['ir.attachment'].search_count([
            ('res_model', '=', 'account.invoice'),
            ('res_id', 'in', invoices.ids),
            ('datas_fname', '=like', 'INV%.pdf')]), 3)
