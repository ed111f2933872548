# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date, formatLang

from .. import reminders
from ..button_api import without_defaults

SEND_MODES = [
    ('due', 'The reminder due now'),
    ('resend', 'The last reminder again'),
    ('statement', 'A statement of the open invoices'),
]


class PaymentReminderSendWizard(models.TransientModel):
    """Send Reminder Now, confirmed: says what goes out before it does.

    ``due`` sends what the daily run would send on the day (same planning,
    :func:`reminders.plan`): the stage whose day has come and that was not
    sent, never one whose day has not come. When none is due, the last
    reminder again (a ``payment.reminder.resend``: the (invoice, stage)
    log stays unique) or a plain statement of the customer's open
    invoices. One email per customer and stage, as the run."""
    _name = 'payment.reminder.send.wizard'
    _description = 'Send payment reminders now'

    invoice_ids = fields.Many2many(
        'account.invoice', 'payment_reminder_send_wizard_invoice_rel',
        'wizard_id', 'invoice_id', string='Invoices', readonly=True)
    date = fields.Date(
        string='As of', required=True, readonly=True,
        default=lambda self: self.env['account.invoice']
        ._late_payment_as_of())
    mode = fields.Selection(
        SEND_MODES, string='Send', required=True, default='due')
    due_available = fields.Boolean(compute='_compute_summary')
    resend_available = fields.Boolean(compute='_compute_summary')
    summary = fields.Text(
        string='What will happen', compute='_compute_summary')

    @api.depends('invoice_ids', 'date', 'mode')
    def _compute_summary(self):
        for wizard in self:
            invoices, refused = wizard._remindable()
            due_groups = wizard._due_groups(invoices)
            resend_groups, never_sent = wizard._resend_groups(invoices)
            wizard.due_available = any(
                group[0]['fire'] for group, _suppress in due_groups)
            wizard.resend_available = bool(resend_groups)
            if wizard.mode == 'resend':
                lines = wizard._resend_preview(resend_groups, never_sent)
            elif wizard.mode == 'statement':
                lines = wizard._statement_preview(invoices)
            else:
                lines = wizard._due_preview(invoices, due_groups)
            if refused:
                lines += ['', _("Left alone:")]
                lines += ['- %s' % reason for reason in refused]
            wizard.summary = '\n'.join(lines)

    @api.model
    def _open_for(self, invoices):
        """The confirmation for ``invoices``, on the reminder due now when
        there is one, else on sending the last one again, else on a
        statement. Refused (with the reasons) when none can be reminded."""
        remindable = invoices.filtered(
            lambda invoice: not invoice._reminder_refusal())
        if not remindable:
            raise UserError('\n'.join(
                invoice._reminder_refusal() for invoice in invoices))
        wizard = without_defaults(self).create({
            'invoice_ids': [(6, 0, invoices.ids)]})
        if not wizard.due_available:
            wizard.mode = 'resend' if wizard.resend_available \
                else 'statement'
        return {
            'type': 'ir.actions.act_window',
            'name': _('Send Reminder Now'),
            'res_model': self._name,
            'res_id': wizard.id,
            'view_mode': 'form',
            'views': [(self.env.ref(
                'customer_invoicing_flow.payment_reminder_send_wizard_view_form'
            ).id, 'form')],
            'target': 'new',
            'context': {},
        }

    # ------------------------------------------------------------------
    # What would go out
    # ------------------------------------------------------------------

    @api.multi
    def _remindable(self):
        """(the invoices that can be reminded, reasons for the others)."""
        self.ensure_one()
        refused = []
        invoices = self.invoice_ids.browse()
        for invoice in self.invoice_ids:
            reason = invoice._reminder_refusal()
            if reason:
                refused.append(reason)
            else:
                invoices |= invoice
        return invoices, refused

    @api.multi
    def _due_groups(self, invoices):
        """What the daily run would do today: see
        ``payment.reminder.run._stage_groups``."""
        self.ensure_one()
        if not invoices:
            return []
        Run = self.env['payment.reminder.run'].sudo()
        logged, _retry = Run._logged_stages(invoices.ids)
        return Run._stage_groups(invoices.sudo(), self.date, logged)

    @api.multi
    def _resend_groups(self, invoices):
        """The last reminder email of each invoice, grouped by customer,
        company and stage: ({key: [logs]}, numbers never reminded)."""
        self.ensure_one()
        groups = {}
        never_sent = []
        if not invoices:
            return groups, never_sent
        latest = {}
        for log in self.env['payment.reminder.log'].sudo().search(
                [('invoice_id', 'in', invoices.ids),
                 ('state', '=', 'done'), ('email_sent', '=', True)],
                order='date desc, id desc'):
            if log.stage_id.mail_template_id:
                latest.setdefault(log.invoice_id.id, log)
        for invoice in invoices:
            log = latest.get(invoice.id)
            if not log:
                never_sent.append(invoice.number)
                continue
            key = (invoice.commercial_partner_id.id, invoice.company_id.id,
                   log.stage_id.id)
            groups.setdefault(key, []).append(log)
        return groups, never_sent

    @api.model
    def _email_line(self, template, invoices, stage=None):
        """"Email "subject" to recipient, listing ..." for one email."""
        lead = invoices[0].sudo()
        recipient = lead.get_reminder_recipient()
        context = {'reminder_invoice_ids': invoices.ids,
                   'lang': recipient.lang or self.env.user.lang}
        if stage:
            context['reminder_stage_id'] = stage.id
        template = template.sudo().with_context(**context)
        subject = template.render_template(
            template.subject, 'account.invoice', lead.ids)[lead.id]
        return _('- Email "%(subject)s" to %(recipient)s <%(email)s>, '
                 'listing %(invoices)s.') % {
                     'subject': subject, 'recipient': recipient.name,
                     'email': recipient.email or _('no email address!'),
                     'invoices': ', '.join(invoices.mapped('number'))}

    @api.multi
    def _due_preview(self, invoices, groups):
        self.ensure_one()
        date = format_date(self.env, self.date)
        lines = []
        # under a promise to pay: deferred, as the run does (listed below)
        promised = self.env['payment.reminder.run'].sudo() \
            ._promised_invoice_ids(invoices.ids, self.date)
        groups = [([plan for plan in group
                    if plan['invoice'].id not in promised], suppress)
                  for group, suppress in groups]
        groups = [(group, suppress) for group, suppress in groups if group]
        fee_invoices = self.env['account.invoice'].browse([
            plan['invoice'].id for group, suppress in groups
            for plan in group if plan['charge_fee'] and not suppress])
        try:
            evaluations = fee_invoices.sudo()._late_payment_evaluate(
                self.date) if fee_invoices else {}
        except UserError as error:
            # a reference rate not published for a day of the fee: say so
            # here, before Send, rather than fail to open the dialog
            return [error.name]
        planned = set()
        for group, suppress in groups:
            invoices_here = self.env['account.invoice'].browse(
                [plan['invoice'].id for plan in group])
            planned.update(invoices_here.ids)
            lines += self._due_group_preview(
                group, suppress, invoices_here, evaluations)
        if lines:
            lines = [_("Reminders due on %s, as the daily run would send "
                       "them:") % date, ''] + lines
        else:
            lines = [_("No reminder is due on %s on these invoices: "
                       "nothing would be sent. You can send the last "
                       "reminder again or a statement of the open "
                       "invoices instead.") % date]
        waiting = (invoices - invoices.browse(list(planned))).sudo()
        Run = self.env['payment.reminder.run'].sudo()
        promised = waiting.filtered(lambda inv: inv.id in promised)
        waiting -= promised
        if promised:
            lines += ['', _(
                "Under a promise to pay: no reminder, no fee and no "
                "activity until the promise ends (a stage falling due "
                "meanwhile is logged as deferred):")]
            lines += ['- %s' % number for number in promised.mapped('number')]
        if waiting:
            lines += ['', _("Nothing due today:")]
            logged, _retry = Run._logged_stages(waiting.ids)
            for invoice in waiting:
                lines.append('- %s' % self._next_stage_text(
                    invoice, logged.get(invoice.id, set())))
        return lines

    @api.multi
    def _due_group_preview(self, group, suppress, invoices_here,
                           evaluations):
        """The lines of one customer's stage due (one email)."""
        stage = group[0]['fire']
        partner = invoices_here[0].commercial_partner_id
        if not stage:
            return [_(
                "%(customer)s: the heads-up meant for before the due "
                "date of %(invoices)s is no longer sent; it is logged "
                "as skipped.") % {
                    'customer': partner.name,
                    'invoices': ', '.join(invoices_here.mapped('number'))}]
        lines = [_('%(customer)s: stage "%(stage)s" (day %(day)d '
                   'after the due date)') % {
                       'customer': partner.name, 'stage': stage.name,
                       'day': stage.day_offset}]
        if suppress:
            lines.append(_(
                "- No email: unapplied payments or credit notes of the "
                "customer cover the amount due; an activity asks "
                "collections staff to reconcile them."))
        elif stage.send_email and stage.mail_template_id:
            lines.append(self._email_line(
                stage.mail_template_id, invoices_here, stage))
        else:
            lines.append(_("- No email (the stage sends none)."))
        for plan in group:
            lines += self._due_plan_preview(plan, stage, suppress,
                                            evaluations)
        if any(plan['credit_hold'] for plan in group) and not suppress:
            if partner.credit_hold:
                lines.append(_("- %s stays on credit hold.") % partner.name)
            else:
                lines.append(_(
                    "- %s is put on credit hold: its sales orders "
                    "cannot be confirmed until the overdue invoices "
                    "are paid.") % partner.name)
        return lines

    @api.multi
    def _due_plan_preview(self, plan, stage, suppress, evaluations):
        """The lines of one invoice: fee, activity, stages skipped."""
        invoice = plan['invoice']
        lines = []
        if plan['charge_fee'] and not suppress:
            result = evaluations.get(invoice.id)
            charge = result and float(result['evaluation'].charge)
            if charge and charge > 0:
                lines.append(_(
                    "- Late fee of %(amount)s charged on %(invoice)s "
                    "in a new invoice.") % {
                        'amount': formatLang(
                            self.env, charge,
                            currency_obj=invoice.currency_id),
                        'invoice': invoice.number})
            else:
                lines.append(_(
                    "- No late fee is due on %(invoice)s as of "
                    "%(date)s: none is charged.") % {
                        'invoice': invoice.number,
                        'date': format_date(self.env, self.date)})
        if stage.create_activity and not suppress:
            user = self.env['payment.reminder.run'].sudo() \
                ._stage_activity_user(invoice, stage)
            lines.append(_(
                '- Activity "%(type)s" on %(invoice)s for '
                '%(user)s.') % {
                    'type': stage.activity_type_id.name or stage.name,
                    'invoice': invoice.number, 'user': user.name})
        if plan['skipped']:
            lines.append(_(
                "- %(invoice)s: earlier stages logged as skipped "
                "(caught up): %(stages)s.") % {
                    'invoice': invoice.number,
                    'stages': ', '.join(plan['skipped'].mapped('name'))})
        return lines

    @api.model
    def _next_stage_text(self, invoice, done):
        due = fields.Date.from_string(invoice.date_due
                                      or invoice.date_invoice)
        stages = invoice.late_payment_policy_id.stage_ids.filtered(
            lambda stage: stage.id not in done).sorted(
                lambda stage: (stage.day_offset, stage.id))
        if not stages:
            return _("%s: every reminder stage was already sent.") \
                % invoice.number
        return _('%(invoice)s: next reminder "%(stage)s" on %(date)s.') % {
            'invoice': invoice.number, 'stage': stages[0].name,
            'date': format_date(self.env, fields.Date.to_string(
                reminders.stage_date(due, stages[0].day_offset)))}

    @api.multi
    def _resend_preview(self, groups, never_sent):
        self.ensure_one()
        if not groups:
            lines = [_("No reminder email was sent on these invoices yet: "
                       "there is nothing to send again.")]
        else:
            lines = [_("The last reminder again, as it was (nothing else "
                       "happens: no fee, activity or credit hold; logged "
                       "as a resend):"), '']
        for logs in groups.values():
            stage = logs[0].stage_id
            invoices = self.env['account.invoice'].browse(
                [log.invoice_id.id for log in logs])
            lines.append(_('%(customer)s: "%(stage)s", first sent on '
                           '%(date)s') % {
                               'customer': invoices[0]
                               .commercial_partner_id.name,
                               'stage': stage.name,
                               'date': format_date(self.env, logs[0].date)})
            if stage.mail_template_id:
                lines.append(self._email_line(
                    stage.mail_template_id, invoices, stage))
        if never_sent and groups:
            lines += ['', _("Never reminded (nothing to send again): %s")
                      % ', '.join(never_sent)]
        return lines

    @api.multi
    def _statement_invoices(self, invoices):
        """{(commercial partner, company): (the selected invoice leading the
        email, all the customer's open invoices by due date)}."""
        self.ensure_one()
        result = {}
        if not invoices:
            return result
        # one query for every customer's open invoices
        open_invoices = self.env['account.invoice'].sudo().search([
            ('commercial_partner_id', 'in',
             invoices.mapped('commercial_partner_id').ids),
            ('type', '=', 'out_invoice'), ('state', '=', 'open')],
            order='date_due, number')
        for invoice in invoices:
            key = (invoice.commercial_partner_id, invoice.company_id)
            if key in result:
                continue
            theirs = open_invoices.filtered(
                lambda other, key=key: (other.commercial_partner_id,
                                        other.company_id) == key)
            # the invoice the clerk chose first: its chatter holds the email
            result[key] = invoice.sudo() | (theirs - invoice)
        return result

    @api.multi
    def _statement_preview(self, invoices):
        self.ensure_one()
        template = self.env.ref(
            'customer_invoicing_flow.mail_template_statement')
        lines = [_("A statement of the customer's open invoices (nothing "
                   "else happens: no fee, activity or credit hold):"), '']
        for (partner, _company), statement in self._statement_invoices(
                invoices).items():
            lines.append(_("%(customer)s: %(count)d open invoice(s), "
                           "%(amount)s due") % {
                               'customer': partner.name,
                               'count': len(statement),
                               'amount': self.env['account.invoice']
                               ._amounts_text(statement, 'residual')})
            lines.append(self._email_line(template, statement))
        return lines

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------

    @api.multi
    def action_confirm(self):
        """Send what the summary says, then say what was done."""
        self.ensure_one()
        self.env['account.invoice']._check_collections_user()
        wizard = without_defaults(self)
        invoices, refused = wizard._remindable()
        if not invoices:
            raise UserError('\n'.join(refused))
        fees = self.env['account.invoice'].browse()
        if wizard.mode == 'resend':
            lines = wizard._send_again(invoices)
        elif wizard.mode == 'statement':
            lines = wizard._send_statements(invoices)
        else:
            lines, fees = wizard._send_due(invoices)
        if refused:
            lines += ['', _("Left alone:")]
            lines += ['- %s' % reason for reason in refused]
        return self.env['collections.result.wizard']._show(
            _("Send Reminder Now"), lines, fees)

    @api.multi
    def _send_due(self, invoices):
        invoices._ensure_report_assets()
        logs = self._run_due(invoices)
        sent = logs.filtered('email_sent')
        mails = sent.mapped('mail_id')
        fees = logs.mapped('fee_invoice_id')
        lines = []
        if mails:
            by_mail = {}
            for log in sent:
                by_mail.setdefault(log.mail_id, []).append(log)
            lines.append(_("%(count)d reminder email(s) sent: %(what)s.") % {
                'count': len(mails),
                'what': '; '.join(
                    '%s (%s)' % (logs_[0].stage_id.name, ', '.join(
                        log.invoice_id.number for log in logs_))
                    for logs_ in by_mail.values())})
        else:
            lines.append(_("No reminder email sent."))
        if fees:
            lines.append(_("%(count)d late fee(s) charged, %(total)s in "
                           "all: %(invoices)s.") % {
                               'count': len(fees),
                               'total': self.env['account.invoice']
                               ._amounts_text(fees),
                               'invoices': ', '.join(
                                   fee.number or _('draft')
                                   for fee in fees)})
        activities = logs.mapped('activity_id')
        if activities:
            lines.append(_("%d activity(ies) scheduled.") % len(activities))
        held = logs.filtered(lambda log: log.credit_hold
                             and log.state == 'done').mapped('partner_id')
        if held:
            lines.append(_("On credit hold: %s.") % ', '.join(
                held.mapped('name')))
        for state, label in (
                ('skipped', _("Logged as skipped (caught up)")),
                ('suppressed', _("No email, unapplied payments to "
                                 "reconcile")),
                ('deferred', _("Deferred, under a promise to pay"))):
            subset = logs.filtered(lambda log, state=state:
                                   log.state == state)
            if subset:
                lines.append('%s: %s.' % (label, ', '.join(
                    '%s %s' % (log.invoice_id.number, log.stage_id.name)
                    for log in subset)))
        for log in logs.filtered(lambda rec: rec.state == 'error'):
            lines.append(_("%(invoice)s failed, retried by the next run: "
                           "%(error)s") % {
                               'invoice': log.invoice_id.number,
                               'error': ''.join((log.error or '').strip()
                                                .splitlines()[-1:])})
        waiting = invoices - logs.mapped('invoice_id')
        if waiting:
            lines.append(_("Nothing due today: %s.") % ', '.join(
                waiting.mapped('number')))
        return lines, fees

    @api.multi
    def _run_due(self, invoices):
        """Process ``invoices`` as the daily run would, recorded as a
        run of its own (Send Reminder Now); returns the logs written."""
        companies = invoices.mapped('company_id')
        run = self.env['payment.reminder.run'].sudo()._start(
            self.date, trigger='manual', user=self.env.user,
            company=companies if len(companies) == 1 else None)
        logs, held = run._process_claimed_batch(invoices.ids, self.date)
        run._count_batch(logs, held)
        run.write({'candidate_count': len(invoices), 'state': 'done',
                   'finished': fields.Datetime.now()})
        return logs

    @api.multi
    def _send_again(self, invoices):
        groups, never_sent = self._resend_groups(invoices)
        if not groups:
            raise UserError(_("No reminder email was sent on these "
                              "invoices yet: there is nothing to send "
                              "again."))
        Run = self.env['payment.reminder.run'].sudo()
        Resend = self.env['payment.reminder.resend'].sudo()
        invoices._ensure_report_assets()
        lines = []
        for logs in groups.values():
            stage = logs[0].stage_id
            group = [{'invoice': log.invoice_id} for log in logs]
            mail = Run._send_email(group, stage)
            recipient = logs[0].invoice_id.get_reminder_recipient()
            for log in logs:
                Resend.create({
                    'log_id': log.id, 'date': self.date,
                    'user_id': self.env.uid, 'mail_id': mail.id,
                    'mail_message_id': mail.mail_message_id.id})
                log.invoice_id.message_post(body=_(
                    'Payment reminder "%(stage)s" sent again to '
                    '%(recipient)s (first sent on %(date)s).') % {
                        'stage': stage.name,
                        'recipient': recipient.display_name,
                        'date': format_date(self.env, log.date)})
            lines.append(_('"%(stage)s" sent again to %(recipient)s: '
                           '%(invoices)s.') % {
                               'stage': stage.name,
                               'recipient': recipient.display_name,
                               'invoices': ', '.join(
                                   log.invoice_id.number for log in logs)})
        if never_sent:
            lines.append(_("Never reminded (nothing sent again): %s.")
                         % ', '.join(never_sent))
        return lines

    @api.multi
    def _send_statements(self, invoices):
        template = self.env.ref(
            'customer_invoicing_flow.mail_template_statement').sudo()
        lines = []
        for statement in self._statement_invoices(invoices).values():
            lead = statement[0]
            recipient = lead.get_reminder_recipient()
            if not recipient.email:
                raise UserError(_(
                    "The statement has no recipient: set an email on "
                    "%s.") % recipient.display_name)
            template.with_context(
                reminder_invoice_ids=statement.ids).send_mail(
                    lead.id, force_send=False, raise_exception=True)
            for invoice in (invoices & statement) - lead:
                invoice.message_post(body=_(
                    "Statement of the open invoices sent to %s.")
                    % recipient.display_name)
            lines.append(_("Statement of %(count)d open invoice(s) sent to "
                           "%(recipient)s.") % {
                               'count': len(statement),
                               'recipient': recipient.display_name})
        return lines
