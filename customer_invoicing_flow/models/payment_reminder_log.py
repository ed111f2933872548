# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import logging
import traceback

import psycopg2
import psycopg2.errorcodes
import psycopg2.extensions

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare
from odoo.tools.misc import format_date, formatLang

from .. import reminders
from ..button_api import clean_context, without_defaults

_logger = logging.getLogger(__name__)

# The unique key that makes a stage fire once per invoice (see the class).
LOG_UNIQUE_KEY = 'payment_reminder_log_invoice_stage_unique'


def _is_concurrency_error(error):
    """Errors another worker caused: a serialization failure, a lock, or our
    unique key taken by a transaction committed after our snapshot. The
    batch is rolled back and replayed, never logged as the invoice's
    error."""
    if isinstance(error, psycopg2.extensions.TransactionRollbackError) \
            or isinstance(error, psycopg2.OperationalError):
        return True
    return isinstance(error, psycopg2.IntegrityError) \
        and error.pgcode == psycopg2.errorcodes.UNIQUE_VIOLATION \
        and getattr(error.diag, 'constraint_name', None) == LOG_UNIQUE_KEY


REMINDER_LOG_STATES = [
    ('done', 'Done'),
    ('skipped', 'Skipped (caught up)'),
    ('suppressed', 'Suppressed (unapplied credit)'),
    ('error', 'Error'),
]


class PaymentReminderLog(models.Model):
    """One row per invoice and policy stage: the stage fired (or was
    skipped) exactly once. The row is written before the stage's side
    effects, in the same transaction, and the unique key on (invoice, stage)
    stops a second worker or a rerun from repeating them."""
    _name = 'payment.reminder.log'
    _description = 'Payment reminder log'
    _order = 'date desc, id desc'
    _rec_name = 'stage_id'

    invoice_id = fields.Many2one(
        'account.invoice', required=True, index=True, ondelete='cascade',
        readonly=True)
    partner_id = fields.Many2one(
        'res.partner', string='Customer', index=True, readonly=True,
        help="The invoice's commercial partner.")
    user_id = fields.Many2one(
        'res.users', string='Salesperson', readonly=True)
    company_id = fields.Many2one(
        'res.company', index=True, readonly=True)
    currency_id = fields.Many2one(
        related='invoice_id.currency_id', readonly=True)
    stage_id = fields.Many2one(
        'late.payment.policy.stage', required=True, index=True,
        ondelete='restrict', readonly=True)
    policy_id = fields.Many2one(
        related='stage_id.policy_id', store=True, readonly=True)
    day_offset = fields.Integer(
        related='stage_id.day_offset', readonly=True)
    date = fields.Date(
        required=True, index=True, readonly=True,
        help="The day of the run (as of) that processed the stage.")
    due_date = fields.Date(
        string='Stage Due On', readonly=True,
        help="Due date of the invoice plus the stage's day offset.")
    state = fields.Selection(
        REMINDER_LOG_STATES, required=True, default='done', readonly=True)
    email_sent = fields.Boolean(readonly=True)
    mail_id = fields.Many2one(
        'mail.mail', string='Email', readonly=True, ondelete='set null')
    mail_message_id = fields.Many2one(
        'mail.message', string='Email Message', readonly=True,
        ondelete='set null',
        help="The message of the email, also when the email left the "
             "queue; shared by the invoices of one statement.")
    statement_count = fields.Integer(
        string='Invoices in Email', readonly=True,
        help="How many invoices the email listed (one email per customer "
             "and stage and day).")
    activity_id = fields.Many2one(
        'mail.activity', readonly=True, ondelete='set null')
    activity_created = fields.Boolean(readonly=True)
    fee_invoice_id = fields.Many2one(
        'account.invoice', readonly=True,
        ondelete='set null')
    fee_amount = fields.Monetary(readonly=True)
    credit_hold = fields.Boolean(
        string='Credit Hold Set', readonly=True,
        help="The stage puts the customer on credit hold.")
    amount_residual = fields.Monetary(
        string='Amount Due', readonly=True,
        help="What remained to pay on the invoice when the stage fired.")
    note = fields.Text(readonly=True)
    error = fields.Text(readonly=True)
    resend_ids = fields.One2many(
        'payment.reminder.resend', 'log_id', string='Sent Again',
        readonly=True,
        help="The times the email was sent again by hand.")

    _sql_constraints = [
        ('invoice_stage_unique', 'UNIQUE (invoice_id, stage_id)',
         'A reminder stage is processed only once per invoice.'),
    ]

    # ------------------------------------------------------------------
    # The reminder run. Entry point: account.invoice._cron_process_late_payments
    # ------------------------------------------------------------------

    @api.model
    def _candidate_invoice_ids(self, as_of):
        """Open customer invoices with a stage due on ``as_of`` that has not
        fired yet (or failed last time), in one query. Invoices on payment
        hold and customers opted out are left out."""
        self.env.cr.execute("""
            SELECT DISTINCT inv.id
              FROM account_invoice inv
              JOIN res_partner partner
                ON partner.id = inv.commercial_partner_id
              JOIN late_payment_policy_stage stage
                ON stage.policy_id = inv.late_payment_policy_id
              LEFT JOIN payment_reminder_log log
                ON log.invoice_id = inv.id AND log.stage_id = stage.id
             WHERE inv.type = 'out_invoice'
               AND inv.state = 'open'
               AND inv.late_payment_terms IS NOT NULL
               AND inv.payment_hold IS NOT TRUE
               AND partner.no_payment_reminders IS NOT TRUE
               AND COALESCE(inv.date_due, inv.date_invoice)
                   + stage.day_offset <= %s
               AND (log.id IS NULL OR log.state = 'error')
             ORDER BY inv.id
        """, (as_of,))
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _claim(self, invoice_ids):
        """Lock the invoices still open; rows another worker holds are
        skipped (it is processing them)."""
        if not invoice_ids:
            return []
        self.env.cr.execute("""
            SELECT id FROM account_invoice
             WHERE id IN %s AND state = 'open'
             ORDER BY id
               FOR UPDATE SKIP LOCKED
        """, (tuple(invoice_ids),))
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _unapplied_credit(self, partners):
        """{(commercial partner id, company id): unreconciled credit on the
        receivable accounts (payments and credit notes not matched to an
        invoice), in company currency}, in one query."""
        if not partners:
            return {}
        self.env.cr.execute("""
            SELECT line.partner_id, line.company_id,
                   -SUM(line.amount_residual)
              FROM account_move_line line
              JOIN account_account account ON account.id = line.account_id
              JOIN account_account_type acc_type
                ON acc_type.id = account.user_type_id
              JOIN account_move move ON move.id = line.move_id
             WHERE line.partner_id IN %s
               AND acc_type.type = 'receivable'
               AND move.state = 'posted'
               AND line.reconciled IS NOT TRUE
               AND line.amount_residual < 0
             GROUP BY line.partner_id, line.company_id
        """, (tuple(partners.ids),))
        return {(partner_id, company_id): amount
                for partner_id, company_id, amount in self.env.cr.fetchall()}

    @api.model
    def _plan(self, invoices, as_of, logged):
        """Decide, per invoice, which stage fires and which are skipped
        (:func:`reminders.plan`).

        ``logged``: {invoice id: stage ids already processed (not in
        error)}. Returns a list of dicts: invoice, due (date), fire (a stage
        or an empty recordset), skipped and due_stages (stages), charge_fee
        and credit_hold (whether any stage processed now does so).
        """
        as_of_date = fields.Date.from_string(as_of)
        Stage = self.env['late.payment.policy.stage']
        plans = []
        for invoice in invoices:
            due = fields.Date.from_string(
                invoice.date_due or invoice.date_invoice)
            stages = invoice.late_payment_policy_id.stage_ids
            result = reminders.plan(
                due, [(stage.id, stage.day_offset) for stage in stages],
                logged.get(invoice.id, set()), as_of_date)
            if not result:
                continue
            due_stages = Stage.browse(result.due)
            plans.append({
                'invoice': invoice,
                'due': due,
                'fire': Stage.browse(result.fire or []),
                'skipped': Stage.browse(result.skipped),
                'due_stages': due_stages,
                'charge_fee': any(due_stages.mapped('charge_fee')),
                'credit_hold': any(due_stages.mapped('credit_hold')),
            })
        return plans

    @api.model
    def _logged_stages(self, invoice_ids):
        """One read of the invoices' logs: ({invoice id: stage ids done,
        skipped or suppressed}, {(invoice id, stage id): failed log to
        retry, rewritten in place so the key stays unique})."""
        logged, retry = {}, {}
        for log in self.search([('invoice_id', 'in', list(invoice_ids))]):
            if log.state == 'error':
                retry[(log.invoice_id.id, log.stage_id.id)] = log
            else:
                logged.setdefault(log.invoice_id.id, set()).add(
                    log.stage_id.id)
        return logged, retry

    @api.model
    def _stage_groups(self, invoices, as_of, logged):
        """What a run on ``as_of`` decides for ``invoices``, doing nothing:
        a list of (group, suppress), a group being the plans (see
        :meth:`_plan`) of one customer, company and stage, i.e. one email;
        ``suppress`` when the customer's unapplied payments or credit notes
        cover the group (no email, an activity to reconcile instead). The
        run and the Send Reminder Now confirmation both read this."""
        plans = self._plan(invoices, as_of, logged)
        if not plans:
            return []
        credit = self._unapplied_credit(
            invoices.mapped('commercial_partner_id'))
        groups = {}
        for plan in plans:
            invoice = plan['invoice']
            key = (invoice.commercial_partner_id.id, invoice.company_id.id,
                   plan['fire'].id)
            groups.setdefault(key, []).append(plan)
        result = []
        for (partner_id, company_id, _stage_id), group in groups.items():
            residual = sum(plan['invoice'].residual_company_signed
                           for plan in group)
            suppress = float_compare(
                credit.get((partner_id, company_id), 0.0), residual,
                precision_rounding=group[0]['invoice'].company_id
                .currency_id.rounding) >= 0 and residual > 0
            result.append((group, suppress))
        return result

    @api.model
    def _process_batch(self, invoice_ids, as_of):
        """Process the claimed invoices of one batch. Never raises for one
        bad invoice: its error is logged on it and the others go on.
        Returns the logs written."""
        if clean_context(self.env.context) != self.env.context:
            # the records created here (logs, fee invoices, mails,
            # attachments, activities) take no default of the action a
            # button came from
            return without_defaults(self)._process_batch(invoice_ids, as_of)
        claimed = self._claim(invoice_ids)
        if not claimed:
            return self.browse()
        invoices = self.env['account.invoice'].browse(claimed)
        logged, retry = self._logged_stages(claimed)
        groups = self._stage_groups(invoices, as_of, logged)
        if not groups:
            return self.browse()
        logs = self.browse()
        for group, suppress in groups:
            # the group's invoices in a prefetch set of their own: the
            # writes and messages of each group clear the cache, and a
            # batch-wide set would re-read the whole batch every group
            own = self.env['account.invoice'].browse(
                [plan['invoice'].id for plan in group])
            for plan, invoice in zip(group, own):
                plan['invoice'] = invoice
            try:
                with self.env.cr.savepoint():
                    logs |= self._process_group(group, as_of, retry, suppress)
            except Exception as error:  # pylint: disable=broad-except
                if _is_concurrency_error(error):
                    raise
                if len(group) == 1:
                    logs |= self._log_error(group[0], as_of, retry)
                    continue
                # one bad invoice must not hold back the others: each alone
                for plan in group:
                    try:
                        with self.env.cr.savepoint():
                            logs |= self._process_group(
                                [plan], as_of, retry, suppress)
                    except Exception as error:  # pylint: disable=broad-except
                        if _is_concurrency_error(error):
                            raise
                        logs |= self._log_error(plan, as_of, retry)
        return logs

    @api.model
    def _log_values(self, plan, stage, as_of, state):
        invoice = plan['invoice']
        return {
            'invoice_id': invoice.id,
            'partner_id': invoice.commercial_partner_id.id,
            'user_id': invoice.user_id.id,
            'company_id': invoice.company_id.id,
            'stage_id': stage.id,
            'date': as_of,
            'due_date': fields.Date.to_string(
                reminders.stage_date(plan['due'], stage.day_offset)),
            'state': state,
            'amount_residual': invoice.residual,
            'credit_hold': stage.credit_hold,
            'error': False,
        }

    @api.model
    def _write_log(self, plan, stage, as_of, state, retry):
        """Write the log before the side effects: the unique key on
        (invoice, stage) makes a second worker fail here, not send twice."""
        values = self._log_values(plan, stage, as_of, state)
        log = retry.get((plan['invoice'].id, stage.id))
        if log:
            log.write(values)
            return log
        return self.create(values)

    @api.model
    def _log_error(self, plan, as_of, retry):
        """Record the failure of a plan on the invoice; the stage is
        retried by the next run."""
        error = traceback.format_exc(limit=3)
        _logger.warning("Payment reminder for invoice %s failed: %s",
                        plan['invoice'].id, error)
        invoice = plan['invoice']
        stage = plan['fire'] or plan['due_stages'][-1]
        with self.env.cr.savepoint():
            log = self._write_log(plan, stage, as_of, 'error', retry)
            log.error = error
            invoice.message_post(body=_(
                "The payment reminder stage %(stage)s failed and will be "
                "retried by the next run: %(error)s") % {
                    'stage': stage.name,
                    'error': error.strip().splitlines()[-1]})
        return log

    @api.model
    def _process_group(self, group, as_of, retry, suppress):
        """Fire one stage for the invoices of one customer: logs first,
        then fee, email, activities, credit hold."""
        logs = self.browse()
        fired = {}
        for plan in group:
            for stage in plan['skipped']:
                logs |= self._write_log(plan, stage, as_of, 'skipped', retry)
            if plan['fire']:
                fired[plan['invoice'].id] = self._write_log(
                    plan, plan['fire'], as_of,
                    'suppressed' if suppress else 'done', retry)
                logs |= fired[plan['invoice'].id]
        if suppress:
            self._ask_to_reconcile(group, as_of)
            self._post_summary(group, fired, as_of, suppressed=True)
            return logs
        for plan in group:
            if plan['charge_fee']:
                fee_invoice = plan['invoice']._charge_late_fee(as_of)
                log = fired.get(plan['invoice'].id) or logs.filtered(
                    lambda rec, inv=plan['invoice']: rec.invoice_id == inv
                )[-1:]
                if fee_invoice and log:
                    log.write({'fee_invoice_id': fee_invoice.id,
                               'fee_amount': fee_invoice.amount_total})
        stage = group[0]['fire']
        if stage.send_email and stage.mail_template_id:
            mail = self._send_email(group, stage)
            for plan in group:
                fired[plan['invoice'].id].write({
                    'email_sent': True, 'mail_id': mail.id,
                    'mail_message_id': mail.mail_message_id.id,
                    'statement_count': len(group)})
        if stage.create_activity:
            for plan in group:
                activity = self._schedule_activity(
                    plan['invoice'], stage, as_of)
                fired[plan['invoice'].id].write({
                    'activity_id': activity.id, 'activity_created': True})
        hold_plans = [plan for plan in group if plan['credit_hold']]
        if hold_plans:
            self._set_credit_hold(hold_plans, as_of)
        self._post_summary(group, fired, as_of)
        for plan in group:
            plan['invoice'].write({
                'reminder_stage_id': plan['due_stages'][-1].id,
                'reminder_date': as_of})
        return logs

    @api.model
    def _send_email(self, group, stage):
        """One email to the customer's invoicing contact listing the
        invoices of ``group``, each PDF attached (and those of the fee
        invoices charged now)."""
        invoices = self.env['account.invoice'].browse(
            [plan['invoice'].id for plan in group])
        lead = invoices[0]
        recipient = lead.get_reminder_recipient()
        if not recipient.email:
            raise UserError(_(
                "The reminder email has no recipient: set an email on "
                "%s.") % recipient.display_name)
        attachments = []
        report = self.env.ref('account.account_invoices').sudo()
        documents = invoices | invoices.mapped('late_fee_invoice_ids').filtered(
            lambda fee: fee.state == 'open')
        for document in documents:
            pdf = report.render_qweb_pdf(document.ids)[0]
            attachments.append((
                document.with_context(
                    lang=recipient.lang)._reminder_attachment_name(),
                base64.b64encode(pdf)))
        template = stage.mail_template_id.with_context(
            reminder_invoice_ids=invoices.ids, reminder_stage_id=stage.id)
        mail = self.env['mail.mail'].browse(template.send_mail(
            lead.id, force_send=False, raise_exception=True,
            email_values={'attachments': attachments}))
        return mail

    @api.model
    def _activity_user(self, invoice, stage):
        """Who gets the stage's activity: the stage's responsible, else the
        salesperson, else the company's collections user."""
        return stage.activity_user_id or invoice.user_id \
            or invoice.company_id.collections_user_id or self.env.user

    @api.model
    def _schedule_activity(self, invoice, stage, as_of):
        user = self._activity_user(invoice, stage)
        return self.env['mail.activity'].create({
            'res_model_id': self.env.ref('account.model_account_invoice').id,
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
        reminded: no email, an activity for collections staff instead."""
        invoice = group[0]['invoice']
        user = invoice.company_id.collections_user_id or invoice.user_id \
            or self.env.user
        return self.env['mail.activity'].create({
            'res_model_id': self.env.ref('account.model_account_invoice').id,
            'res_id': invoice.id,
            'activity_type_id': self.env.ref(
                'mail.mail_activity_data_todo').id,
            'user_id': user.id,
            'date_deadline': as_of,
            'summary': _("Reconcile unapplied payments"),
            'note': _("%(customer)s has unreconciled payments or credit "
                      "notes covering %(invoices)s: no reminder was sent. "
                      "Please reconcile them.") % {
                          'customer': invoice.commercial_partner_id.name,
                          'invoices': ', '.join(
                              plan['invoice'].number for plan in group)},
        })

    @api.model
    def _set_credit_hold(self, plans, as_of):
        partner = plans[0]['invoice'].commercial_partner_id
        if partner.credit_hold:
            return
        names = ', '.join(plan['invoice'].number for plan in plans)
        partner.write({
            'credit_hold': True, 'credit_hold_date': as_of,
            'credit_hold_reason': _("Overdue invoices: %s") % names})
        partner.message_post(body=_(
            "Credit hold from %(date)s: invoices %(invoices)s are overdue "
            "past the credit-hold stage. Sales orders cannot be confirmed "
            "until they are paid or a collections manager releases the "
            "hold.") % {'date': format_date(self.env, as_of),
                        'invoices': names})

    @api.model
    def _post_summary(self, group, fired, as_of, suppressed=False):
        """A note on each invoice saying what the run did."""
        for plan in group:
            invoice = plan['invoice']
            log = fired.get(invoice.id)
            parts = []
            if plan['skipped']:
                parts.append(_("skipped (caught up): %s") % ', '.join(
                    plan['skipped'].mapped('name')))
            if suppressed:
                parts.append(_("no reminder: unapplied payments or credit "
                               "notes of the customer cover the amount due"))
            elif log:
                if log.email_sent:
                    parts.append(_("email sent to %(recipient)s (%(count)d "
                                   "invoice(s) in the email)") % {
                        'recipient': invoice.get_reminder_recipient()
                        .display_name,
                        'count': log.statement_count})
                if log.activity_created:
                    parts.append(_("activity for %s") %
                                 log.activity_id.user_id.name)
                if log.fee_invoice_id:
                    parts.append(_("late fee invoice %s") % (
                        log.fee_invoice_id.number or _('draft')))
            if plan['credit_hold']:
                parts.append(_("customer on credit hold"))
            title = plan['fire'].name if plan['fire'] else _("Reminders")
            invoice.message_post(body=_(
                "Payment reminder %(stage)s (%(date)s): %(parts)s.") % {
                    'stage': title, 'date': format_date(self.env, as_of),
                    'parts': '; '.join(parts) or _("nothing to do")})

    @api.model
    def _release_credit_holds(self):
        """Lift the credit holds of customers with no open invoice at a
        credit-hold stage any more (paid, or credited)."""
        self.env.cr.execute("""
            SELECT partner.id
              FROM res_partner partner
             WHERE partner.credit_hold
               AND partner.id = partner.commercial_partner_id
               AND NOT EXISTS (
                   SELECT 1
                     FROM payment_reminder_log log
                     JOIN account_invoice inv ON inv.id = log.invoice_id
                    WHERE log.partner_id = partner.id
                      AND log.credit_hold
                      AND log.state IN ('done', 'skipped')
                      AND inv.state = 'open')
        """)
        partners = self.env['res.partner'].browse(
            [row[0] for row in self.env.cr.fetchall()])
        for partner in partners:
            partner.write({'credit_hold': False, 'credit_hold_date': False,
                           'credit_hold_reason': False})
            partner.message_post(body=_(
                "Credit hold lifted: no overdue invoice at a credit-hold "
                "stage remains open."))
        return partners
