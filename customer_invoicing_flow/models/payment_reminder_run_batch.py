# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the run reads and writes once for a whole batch, so that an invoice
costs the same few queries whatever the batch's size (issue 15):

- the recipients of the batch's emails, in one query;
- the PDFs the emails attach, printed in one wkhtmltopdf call (or read
  from the PDF Odoo keeps on the invoice, when its report reloads from
  there), handed to each email instead of printing each alone;
- the note on each invoice, one INSERT per email (a record of what the run
  did, nobody notified);
- what each stage did (its email, its activity) on its log, the reminder
  stage and day on the invoices and the day they were first emailed: one
  UPDATE for the batch's logs, one write per stage for its invoices.
"""
import base64
import logging
import time

from odoo import api, fields, models, tools
from odoo.sql_db import TestCursor
from odoo.tools.safe_eval import safe_eval

_logger = logging.getLogger(__name__)

# what a stage did, kept on its log (see _write_batch_results)
RESULT_FIELDS = ('email_sent', 'mail_id', 'mail_message_id',
                 'statement_count', 'activity_id', 'activity_created')


class PaymentReminderRun(models.Model):
    _inherit = 'payment.reminder.run'  # pylint: disable=R8180

    # ------------------------------------------------------------------
    # Read for the batch
    # ------------------------------------------------------------------

    @api.model
    def _recipient_ids(self, invoices):
        """{invoice id: partner id}: who receives the reminders of each of
        ``invoices`` (the rule of ``get_reminder_recipient``: the invoice's
        address when it is an invoicing contact with an email, else the
        customer's first active invoicing contact with an email, in the
        order of its contacts, else the customer), in one query."""
        if not invoices:
            return {}
        self.env.cr.execute("""
            SELECT inv.id,
                   CASE WHEN address.type = 'invoice'
                             AND COALESCE(address.email, '') != ''
                        THEN address.id
                        ELSE COALESCE((
                            SELECT contact.id FROM res_partner contact
                             WHERE contact.parent_id
                                   = inv.commercial_partner_id
                               AND contact.active
                               AND contact.type = 'invoice'
                               AND COALESCE(contact.email, '') != ''
                             ORDER BY contact.display_name, contact.id
                             LIMIT 1), inv.commercial_partner_id)
                   END
              FROM account_invoice inv
              JOIN res_partner address ON address.id = inv.partner_id
             WHERE inv.id IN %s
        """, (tuple(invoices.ids),))
        return dict(self.env.cr.fetchall())

    @api.model
    def _reports_print_html(self):
        """Whether Odoo prints reports as HTML instead of PDF here (its own
        fallback under tests without a report directory): then nothing is
        stored and nothing is worth printing ahead."""
        return (tools.config['test_enable']
                and not tools.config['test_report_directory']) \
            or isinstance(self.env.cr, TestCursor)

    @api.model
    def _stored_pdfs(self, report, records):
        """{record id: attachment} of the PDFs ``report`` keeps on
        ``records`` (the name its ``attachment`` expression gives each), in
        one query; Odoo's ``retrieve_attachment`` searches one by one."""
        names = {}
        for record in records:
            name = report.attachment and safe_eval(
                report.attachment, {'object': record, 'time': time})
            if name:
                names[record.id] = name
        if not names:
            return {}
        attachments = self.env['ir.attachment'].sudo().search([
            ('res_model', '=', report.model),
            ('res_id', 'in', list(names)),
            ('datas_fname', 'in', list(set(names.values())))])
        return {attachment.res_id: attachment for attachment in attachments
                if names.get(attachment.res_id) == attachment.datas_fname}

    @api.model
    def _print_reminder_pdfs(self, groups):
        """The invoice PDFs the batch's emails attach, {invoice id: PDF
        bytes}: read from the PDF Odoo keeps on the invoice when its report
        reloads from there ("Reload from Attachment"), the others printed
        together in one wkhtmltopdf call (Odoo keeps each on its invoice
        as when it is printed alone). Empty where Odoo prints HTML instead
        (its own fallback under tests) and for what fails here: never
        fatal, each email then prints its own PDFs (and one bad invoice
        fails its own group only)."""
        report = self.env.ref('account.account_invoices').sudo()
        if self._reports_print_html() \
                or report.get_wkhtmltopdf_state() == 'install':
            return {}
        invoices = self.env['account.invoice'].browse([
            plan['invoice'].id for group, suppress in groups
            if not suppress and group[0]['fire'].send_email
            for plan in group])
        documents = self._reminder_documents(invoices)
        if not documents:
            return {}
        stored = self._stored_pdfs(report, documents)
        pdfs = {}
        if report.attachment_use:
            pdfs = {doc_id: base64.b64decode(attachment.datas)
                    for doc_id, attachment in stored.items()}
        missing = documents.filtered(lambda doc: doc.id not in pdfs)
        if not missing:
            return pdfs
        printed = {}
        try:
            with self.env.cr.savepoint():
                report.with_context(
                    report_pdfs_by_record=printed,
                    report_stored_ids=frozenset(stored),
                ).render_qweb_pdf(missing.ids)
        except Exception:  # pylint: disable=broad-except
            _logger.warning("Late-payment run: the batch's %d invoice PDFs "
                            "could not be printed together; each email "
                            "prints its own", len(missing), exc_info=True)
            return pdfs
        pdfs.update(printed)
        return pdfs

    # ------------------------------------------------------------------
    # Written for the batch
    # ------------------------------------------------------------------

    @api.model
    def _insert_logs(self, values_list):
        """Create the logs of ``values_list`` (dicts of ``_log_values``) in
        one INSERT, the unique key on (invoice, stage) checked by it as by
        the ORM's; returns {(invoice id, stage id): log}. The ORM's create
        costs four queries a log (its read-back, its one2many, its stored
        policy)."""
        if not values_list:
            return {}
        columns = ('run_id', 'invoice_id', 'partner_id', 'user_id',
                   'company_id', 'stage_id', 'date', 'due_date', 'state',
                   'amount_residual', 'credit_hold')
        now = fields.Datetime.now()
        rows = [tuple(values[name] or None for name in columns)
                + (self.env.uid, now, self.env.uid, now)
                for values in values_list]
        self.env.cr.execute("""
            INSERT INTO payment_reminder_log
                   (%s, create_uid, create_date, write_uid, write_date,
                    policy_id)
            SELECT row.*, stage.policy_id
              FROM (VALUES %s) AS row(%s, create_uid, create_date,
                                      write_uid, write_date)
              JOIN late_payment_policy_stage stage
                ON stage.id = row.stage_id
            RETURNING id, invoice_id, stage_id
        """ % (', '.join(columns), ', '.join(
            ['(%s::int, %s::int, %s::int, %s::int, %s::int, %s::int, '
             '%s::date, %s::date, %s, %s::numeric, %s::bool, %s::int, '
             '%s::timestamp, %s::int, %s::timestamp)'] * len(rows)),
            ', '.join(columns)),
            [value for row in rows for value in row])
        Log = self.env['payment.reminder.log']
        return {(invoice_id, stage_id): Log.browse(log_id)
                for log_id, invoice_id, stage_id in self.env.cr.fetchall()}

    @api.model
    def _insert_notes(self, bodies):
        """An internal note on each invoice of ``bodies`` ({invoice: html
        body}), in one INSERT: the run's record of what it did, shown in
        the invoice's chatter among the notes, hidden from the portal (an
        internal subtype) and notifying nobody (``message_post`` would
        ping every follower of notes, invoice by invoice)."""
        if not bodies:
            return
        author = self.env.user.partner_id
        email_from = tools.formataddr((author.name, author.email)) \
            if author.email else False
        subtype = self.env.ref('mail.mt_note')
        now = fields.Datetime.now()
        uid = self.env.uid
        rows = [(now, body, 'account.invoice', invoice.id,
                 invoice.display_name, 'notification', subtype.id,
                 email_from, author.id,
                 tools.generate_tracking_message_id(
                     '%d-account.invoice' % invoice.id),
                 email_from, uid, now, uid, now)
                for invoice, body in bodies.items()]
        self.env.cr.execute("""
            INSERT INTO mail_message
                   (date, body, model, res_id, record_name, message_type,
                    subtype_id, email_from, author_id, message_id,
                    reply_to, create_uid, create_date, write_uid,
                    write_date)
            VALUES %s
        """ % ', '.join(['%s'] * len(rows)), rows)
        invoices = self.env['account.invoice'].browse(
            [invoice.id for invoice in bodies])
        invoices.invalidate_cache(['message_ids'], invoices.ids)

    @api.model
    def _write_batch_results(self, results, as_of):
        """Write what the batch's stages did, once for the batch:
        ``results`` is a list of dicts (log, invoice, stage: the invoice's
        latest stage due, values: the log's RESULT_FIELDS, sent: its PDF
        went to the customer). The logs in one UPDATE; the invoices'
        reminder stage and day, one write per stage; the day the invoices
        were first emailed (``_mark_sent``) in one write."""
        if not results:
            return
        rows = [(result['log'].id,) + tuple(
            result['values'].get(name) or None for name in RESULT_FIELDS)
            for result in results if result['log'] and result['values']]
        if rows:
            self.env.cr.execute("""
                UPDATE payment_reminder_log log
                   SET email_sent = COALESCE(v.email_sent, FALSE),
                       mail_id = v.mail_id,
                       mail_message_id = v.mail_message_id,
                       statement_count = v.statement_count,
                       activity_id = v.activity_id,
                       activity_created = COALESCE(v.activity_created,
                                                   FALSE),
                       write_uid = %%s, write_date = %%s
                  FROM (VALUES %s) AS v(id, email_sent, mail_id,
                                        mail_message_id, statement_count,
                                        activity_id, activity_created)
                 WHERE log.id = v.id
            """ % ', '.join(['(%s::int, %s::bool, %s::int, %s::int, '
                             '%s::int, %s::int, %s::bool)'] * len(rows)),
                [self.env.uid, fields.Datetime.now()]
                + [value for row in rows for value in row])
            self.env['payment.reminder.log'].invalidate_cache(
                list(RESULT_FIELDS), [row[0] for row in rows])
        Invoice = self.env['account.invoice']
        by_stage = {}
        for result in results:
            by_stage.setdefault(result['stage'].id, []).append(
                result['invoice'].id)
        for stage_id, invoice_ids in sorted(by_stage.items()):
            Invoice.browse(invoice_ids).write({
                'reminder_stage_id': stage_id, 'reminder_date': as_of})
        Invoice.browse([result['invoice'].id for result in results
                        if result['sent']])._mark_sent()
