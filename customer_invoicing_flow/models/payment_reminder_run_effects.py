# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a reminder stage does to the customer once its logs are written:
the email (with the PDFs), the activities (the stage's, and the to-dos for
collections staff when a stage fails or unapplied payments should be
reconciled instead), and the note on each invoice."""
import base64
from html import escape

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date, formatLang


class PaymentReminderRun(models.Model):
    _inherit = 'payment.reminder.run'  # pylint: disable=R8180

    @api.model
    def _error_activity(self, invoice, stage, as_of, error):
        """A to-do for the collections responsible on an invoice whose
        stage failed (a missing email, template or activity type, an
        archived fee product: theirs to repair), once while it is open."""
        summary = _("Payment reminder failed")
        if invoice.activity_ids.filtered(
                lambda activity: activity.summary == summary):
            return
        self._collections_todo(invoice, as_of, summary, _(
            "Stage %(stage)s failed: %(error)s. Repair the cause; the next "
            "run retries it.") % {'stage': stage.name, 'error': error})

    @api.model
    def _send_email(self, group, stage, pdfs=None):
        """One email to the customer's invoicing contact listing the
        invoices of ``group``, each PDF attached (and those of the fee
        invoices charged now); ``pdfs``: those printed for the batch, by
        invoice id (payment_reminder_run_batch.py), the others printed
        here."""
        invoices = self.env['account.invoice'].browse(
            [plan['invoice'].id for plan in group])
        lead = invoices[0]
        if not stage.mail_template_id:
            # its template deleted (the stage's check cannot see that)
            raise UserError(_(
                "Stage %s sends an email but has no template: choose one on "
                "the late-payment policy.") % stage.name)
        recipient = lead.get_reminder_recipient()
        if not recipient.email:
            raise UserError(_(
                "The reminder email has no recipient: set an email on "
                "%s.") % recipient.display_name)
        attachments = []
        # the cached lookup, not env.ref's query checking it exists
        report = self.env['ir.actions.report'].sudo().browse(
            self.env['ir.model.data'].xmlid_to_res_id(
                'account.account_invoices', raise_if_not_found=True))
        for document in self._reminder_documents(invoices):
            pdf = (pdfs or {}).get(document.id) \
                or report.render_qweb_pdf(document.ids)[0]
            attachments.append((
                document.with_context(
                    lang=recipient.lang)._reminder_attachment_name(),
                base64.b64encode(pdf)))
        # the recipients read for the batch; the invoices marked sent by
        # the run, all those whose PDF this email attaches, for the batch
        # (payment_reminder_run_batch.py), not message by message
        template = stage.mail_template_id.with_context(
            reminder_invoice_ids=invoices.ids, reminder_stage_id=stage.id,
            reminder_recipient_ids=self.env.context.get(
                'reminder_recipient_ids'),
            mark_invoices_sent=False)
        mail = self.env['mail.mail'].browse(template.send_mail(
            lead.id, force_send=False, raise_exception=True,
            email_values={'attachments': attachments}))
        return mail

    @api.model
    def _reminder_documents(self, invoices):
        """The documents whose PDFs a reminder of ``invoices`` attaches:
        the invoices and their open fee invoices."""
        return invoices | invoices.mapped('late_fee_invoice_ids').filtered(
            lambda fee: fee.state == 'open')

    @api.model
    def _stage_activity_user(self, invoice, stage):
        """Who gets the stage's activity on ``invoice``: see
        ``res.partner._activity_responsible``."""
        return invoice.commercial_partner_id._activity_responsible(
            invoice.company_id, salesperson=invoice.user_id,
            assigned=stage.activity_user_id)

    @api.model
    def _schedule_activity(self, invoice, stage, as_of):
        if not stage.activity_type_id:
            # its type deleted (the stage's check cannot see that)
            raise UserError(_(
                "Stage %s schedules an activity but has no activity type: "
                "choose one on the late-payment policy.") % stage.name)
        user = self._stage_activity_user(invoice, stage)
        return self.env['mail.activity'].create({
            'res_model_id': self.env['ir.model']._get_id('account.invoice'),
            'res_id': invoice.id,
            'activity_type_id': stage.activity_type_id.id,
            'user_id': user.id,
            'date_deadline': as_of,
            'summary': stage.name,
            'note': _("Invoice %(invoice)s: %(amount)s still due.") % {
                'invoice': invoice.number,
                'amount': formatLang(self.env, invoice.residual,
                                     currency_obj=invoice.currency_id)},
        })

    @api.model
    def _ask_to_reconcile(self, group, as_of):
        """Unapplied payments or credit notes cover what would be
        reminded: no email, an activity for collections staff instead
        (reconciling is their task: assigned to the collections
        responsible)."""
        invoice = group[0]['invoice']
        return self._collections_todo(
            invoice, as_of, _("Reconcile unapplied payments"), _(
                "%(customer)s has unreconciled payments or credit notes "
                "covering %(invoices)s: no reminder was sent. Please "
                "reconcile them.") % {
                    'customer': invoice.commercial_partner_id.name,
                    'invoices': ', '.join(
                        plan['invoice'].number for plan in group)})

    @api.model
    def _post_summary(self, group, fired, as_of, suppressed=False,
                      done=None):
        """A note on each invoice saying what the run did (``done``:
        {invoice id: what its stage did, see ``_process_group``}), in one
        INSERT for the group (``_insert_notes``)."""
        bodies = {}
        for plan in group:
            invoice = plan['invoice']
            parts = self._summary_parts(
                plan, fired.get(invoice.id), suppressed,
                (done or {}).get(invoice.id) or {})
            title = plan['fire'].name if plan['fire'] else _("Reminders")
            bodies[invoice] = '<p>%s</p>' % escape(_(
                "Payment reminder %(stage)s (%(date)s): %(parts)s.") % {
                    'stage': title, 'date': format_date(self.env, as_of),
                    'parts': '; '.join(parts) or _("nothing to do")})
        self._insert_notes(bodies)

    @api.model
    def _summary_parts(self, plan, log, suppressed, done=None):
        """What the note says the stage did (``done``: its email and
        activity; ``log``: its fee)."""
        invoice = plan['invoice']
        done = done or {}
        parts = []
        if plan['skipped']:
            parts.append(_("skipped (caught up): %s") % ', '.join(
                plan['skipped'].mapped('name')))
        if suppressed:
            parts.append(_("no reminder: unapplied payments or credit "
                           "notes of the customer cover the amount due"))
        elif log:
            if done.get('email_sent'):
                parts.append(_("email sent to %(recipient)s (%(count)d "
                               "invoice(s) in the email)") % {
                    'recipient': invoice.get_reminder_recipient()
                    .display_name,
                    'count': done['statement_count']})
            if done.get('activity_created'):
                parts.append(_("activity for %s") % self.env[
                    'mail.activity'].browse(done['activity_id']).user_id.name)
            if log.fee_invoice_id:
                parts.append(_("late fee invoice %s") % (
                    log.fee_invoice_id.number or _('draft')))
        if plan['credit_hold']:
            parts.append(_("customer on credit hold"))
        return parts

    @api.model
    def _collections_todo(self, invoice, as_of, summary, note):
        """A to-do on ``invoice`` for the collections responsible (what
        only collections staff can repair or reconcile)."""
        user = invoice.commercial_partner_id._activity_responsible(
            invoice.company_id, salesperson=invoice.user_id,
            assigned=invoice.company_id.collections_user_id)
        return self.env['mail.activity'].create({
            'res_model_id': self.env.ref('account.model_account_invoice').id,
            'res_id': invoice.id,
            'activity_type_id': self.env.ref(
                'mail.mail_activity_data_todo').id,
            'user_id': user.id,
            'date_deadline': as_of,
            'summary': summary,
            'note': note,
        })
