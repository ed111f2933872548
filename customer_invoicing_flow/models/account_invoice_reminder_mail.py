# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the customer reads in a reminder: the facts its email states
(what is owed, what was charged with it, what comes next), who signs it
and the name of its attachments (the invoice PDF's and portal page's facts
are in account_invoice_customer_document.py).

The templates (``data/mail_template_data.xml``, the report and portal
QWeb) only iterate over what these methods return: every figure and every
promise is decided here, from the database, never typed in a template."""
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools.misc import format_date, formatLang


class LatePaymentPolicy(models.Model):
    # the signature belongs with the reminders it closes: kept here with
    # the other reminder-mail code rather than in the policy's own file
    _inherit = 'late.payment.policy'

    reminder_signature = fields.Text(
        translate=True,
        help="Closing lines of the reminder emails of this policy, e.g. "
             "the accounts team's name, phone and email. Empty: the "
             "company's name, phone and email. The emails are sent in the "
             "company's name (its email address; else the collections "
             "responsible's), never with a salesperson's personal "
             "signature.")


class AccountInvoice(models.Model):
    # one concern per file (STYLE.md), not merged into account_invoice.py
    _inherit = 'account.invoice'  # pylint: disable=R8180

    # ------------------------------------------------------------------
    # Reminder emails (called from the mail templates: public names, the
    # template sandbox refuses private ones)
    # ------------------------------------------------------------------

    @api.multi
    def get_reminder_recipient(self):
        """Who receives the reminders: the invoice's address when it is an
        invoicing contact, else the customer's first invoicing contact
        with an email, else the customer itself. The reminder run reads
        them for its whole batch (context ``reminder_recipient_ids``)."""
        self.ensure_one()
        read = dict(self.env.context.get('reminder_recipient_ids') or ())
        if self.id in read:
            return self.env['res.partner'].browse(read[self.id])
        if self.partner_id.type == 'invoice' and self.partner_id.email:
            return self.partner_id
        commercial = self.commercial_partner_id
        contacts = commercial.child_ids.filtered(
            lambda child: child.type == 'invoice' and child.email)
        return contacts[:1] or commercial

    @api.multi
    def get_reminder_statement_invoices(self):
        """The invoices one reminder email lists (context key
        ``reminder_invoice_ids``), else this one."""
        self.ensure_one()
        ids = self.env.context.get('reminder_invoice_ids') or []
        if self.id in ids:
            return self.browse(ids)
        return self

    @api.multi
    def get_reminder_statement_label(self):
        invoices = self.get_reminder_statement_invoices()
        if len(invoices) == 1:
            return invoices.number
        return _("%d invoices") % len(invoices)

    @api.multi
    def get_reminder_portal_url(self):
        """Link to the invoice in the customer portal (with its token)."""
        self.ensure_one()
        if not self.access_token:
            self.sudo()._generate_access_token()
        base_url = self.env['ir.config_parameter'].sudo().get_param(
            'web.base.url')
        return '%s/my/invoices/%d?access_token=%s' % (
            base_url, self.id, self.access_token)

    @api.multi
    def _reminder_mail_logs(self):
        """The reminder logs of the email being rendered: those of its
        stage (context ``reminder_stage_id``, set by the reminder run) for
        the statement's invoices; else the latest processed log of each."""
        invoices = self.get_reminder_statement_invoices()
        Log = self.env['payment.reminder.log'].sudo()
        stage_id = self.env.context.get('reminder_stage_id')
        if stage_id:
            return Log.search([('invoice_id', 'in', invoices.ids),
                               ('stage_id', '=', stage_id)])
        latest = {}
        for log in Log.search([('invoice_id', 'in', invoices.ids),
                               ('state', '=', 'done')],
                              order='date desc, id desc'):
            latest.setdefault(log.invoice_id.id, log)
        return Log.browse([log.id for log in latest.values()])

    @api.multi
    def get_reminder_sender(self):
        """The From of the reminder emails: the company (its email), else
        the collections responsible, else the salesperson."""
        self.ensure_one()
        company = self.company_id.sudo()
        for name, email in (
                (company.name, company.email),
                (company.name, company.collections_user_id.email),
                (company.name, self.user_id.email)):
            if email:
                return '%s <%s>' % (name, email)
        return ''

    @api.multi
    def get_reminder_signature(self):
        """The lines under "Kind regards,": the policy's signature, else
        the company's name, phone and email."""
        self.ensure_one()
        signature = self.sudo().late_payment_policy_id.reminder_signature
        if signature:
            return [line for line in signature.splitlines()]
        company = self.company_id.sudo()
        return [line for line in (company.name, company.phone, company.email)
                if line]

    @api.multi
    def get_reminder_mail_facts(self):
        """What a reminder email states, as plain values the template
        iterates over, in the language of the context (the recipient's):

        - ``as_of``: the day of the reminder (ISO), ``as_of_text``;
        - ``owed``: every open invoice of the customer that is overdue,
          the invoices of this email and the open fee invoices, each a dict
          (number, url, reference, date_due, status, amount, is_fee);
          ``totals``: the amount owed per currency (texts);
        - ``charged``: the fees charged with this reminder (number, url,
          amount, origin, date_text, explanation lines), read from the
          logs; ``resend``: the stage's email is sent again (the fees were
          charged on their own day, the balance is today's);
        - ``fee_charged``, ``credit_hold`` (set by this reminder),
          ``hold_invoices`` (the invoice numbers the hold waits for),
          ``call`` / ``activity`` (a phone call / another activity follows);
        - ``next``: sentences on what the policy's later stages will do,
          only those stages that exist and do something;
        - ``has_credit_hold_stage``: a later stage puts the account on hold.
        - ``final_subject``, ``credit_hold_subject``: the words of the final
          notice's and of the credit-hold stage's subjects.

        A few queries for the whole email, whatever its size."""
        self.ensure_one()
        statement = self.get_reminder_statement_invoices()
        logs = self._reminder_mail_logs()
        # the stage's email already went out: this one sends it again (Send
        # Reminder Now), today, and did nothing else
        resend = bool(logs) and all(log.mail_id or log.email_sent
                                    for log in logs)
        if logs and not resend:
            as_of = max(logs.mapped('date'))
        else:
            as_of = self._late_payment_as_of()
        partner = self.commercial_partner_id
        owed = self._reminder_owed(statement, as_of)
        charged = self._reminder_charged_rows(logs)
        stages = logs.mapped('stage_id')
        credit_hold = any(logs.mapped('credit_hold')) and (
            not resend or partner.credit_hold)
        hold_invoices = self._reminder_hold_invoices(
            partner) if credit_hold or partner.credit_hold else []
        call = self._reminder_call_type_id()
        activity_stages = stages.filtered('create_activity')
        next_sentences, has_credit_hold_stage = \
            statement._reminder_next_steps(stages, as_of)
        return {
            'as_of': as_of,
            'as_of_text': format_date(self.env, as_of),
            'statement_text': self._reminder_invoices_text(
                statement.mapped('number')),
            'hold_text': self._reminder_invoices_text(
                sorted(set(hold_invoices))),
            'owed': [self._reminder_owed_row(invoice, as_of)
                     for invoice in owed],
            'totals': self._reminder_totals(owed),
            'charged': charged,
            'fee_charged': bool(charged),
            'resend': resend,
            'credit_hold': credit_hold,
            'hold_invoices': sorted(set(hold_invoices)),
            'call': bool(call and activity_stages.filtered(
                lambda stage: stage.activity_type_id.id == call)),
            'activity': bool(activity_stages),
            'next': next_sentences,
            'has_credit_hold_stage': has_credit_hold_stage,
            # the subjects' words that depend on what the stage did: in
            # Python, so that they are translated (a template's ${...}
            # is code, kept as it is by its translations)
            'final_subject': _("final notice before credit hold")
            if has_credit_hold_stage else _("final notice"),
            'credit_hold_subject': _("your account is on credit hold")
            if credit_hold else _("overdue invoices"),
        }

    @api.multi
    def _reminder_owed(self, statement, as_of):
        """What the email lists: every open invoice of the customer that
        is overdue on ``as_of``, the ``statement`` invoices and the open
        fee invoices, by due date."""
        self.ensure_one()
        return self.env['account.invoice'].search([
            ('commercial_partner_id', '=', self.commercial_partner_id.id),
            ('company_id', '=', self.company_id.id),
            ('type', '=', 'out_invoice'), ('state', '=', 'open'),
            '|', '|', ('id', 'in', statement.ids),
            ('date_due', '<', as_of),
            ('late_fee_origin_id', '!=', False)],
            order='date_due, date_invoice, id')

    @api.model
    def _reminder_hold_invoices(self, partner):
        """The numbers of the open invoices a credit hold of ``partner``
        waits for."""
        # one query (the reminder run renders one email per customer)
        self.env.cr.execute("""
            SELECT DISTINCT inv.number
              FROM payment_reminder_log log
              JOIN account_invoice inv ON inv.id = log.invoice_id
             WHERE log.partner_id = %s AND log.credit_hold
               AND log.state IN ('done', 'skipped') AND inv.state = 'open'
        """, (partner.id,))
        return [row[0] for row in self.env.cr.fetchall() if row[0]]

    @api.model
    def _reminder_owed_status(self, invoice, days):
        """How an owed invoice stands, ``days`` after its due date."""
        if invoice.late_fee_origin_id:
            return _("late fee for %s") % invoice.late_fee_origin_id.number
        if days > 0:
            return (_("overdue by 1 day") if days == 1 else
                    _("overdue by %d days") % days)
        if days == 0:
            return _("due today")
        if days == -1:
            return _("due tomorrow")
        return _("due in %d days") % -days

    @api.model
    def _reminder_owed_row(self, invoice, as_of):
        """One row of the email's table of what is owed."""
        due = invoice.date_due or invoice.date_invoice
        days = (fields.Date.from_string(as_of)
                - fields.Date.from_string(due)).days
        return {
            'invoice': invoice,
            'number': invoice.number,
            'url': invoice.get_reminder_portal_url(),
            'reference': invoice.client_order_ref or '',
            'date_invoice': format_date(self.env, invoice.date_invoice),
            'date_due': format_date(self.env, due),
            'status': self._reminder_owed_status(invoice, days),
            'amount': formatLang(self.env, invoice.residual,
                                 currency_obj=invoice.currency_id),
            'is_fee': bool(invoice.late_fee_origin_id),
        }

    @api.model
    def _reminder_totals(self, owed):
        """The amount owed per currency (texts, by currency name)."""
        totals = {}
        for invoice in owed:
            totals.setdefault(invoice.currency_id, 0.0)
            totals[invoice.currency_id] += invoice.residual
        return [formatLang(self.env, amount, currency_obj=currency)
                for currency, amount in sorted(
                    totals.items(), key=lambda item: item[0].name)]

    @api.model
    def _reminder_charged_rows(self, logs):
        """The fees charged with the reminder of ``logs``, explained."""
        charges = {
            charge.fee_invoice_id.id: charge
            for charge in self.env['late.fee.charge'].sudo().search(
                [('fee_invoice_id', 'in', logs.mapped('fee_invoice_id').ids)])}
        charged = []
        for log in logs.filtered('fee_invoice_id'):
            fee = log.fee_invoice_id
            charge = charges.get(fee.id)
            explanation = charge and charge.explanation or '\n'.join(
                fee.invoice_line_ids.mapped('name'))
            charged.append({
                'number': fee.number or _('draft'),
                'url': fee.state == 'open'
                and fee.get_reminder_portal_url() or '',
                'amount': formatLang(self.env, log.fee_amount,
                                     currency_obj=fee.currency_id),
                'origin': log.invoice_id.number,
                'date_text': format_date(self.env, log.date),
                'explanation': [line.strip() for line in
                                (explanation or '').splitlines()
                                if line.strip()],
            })
        return charged

    @api.model
    def _reminder_invoices_text(self, numbers):
        """"invoice A" or "invoices A, B and C", in the context's
        language."""
        numbers = [number for number in numbers if number]
        if len(numbers) == 1:
            return _("invoice %s") % numbers[0]
        if not numbers:
            return _("the overdue invoices")
        return _("invoices %(first)s and %(last)s") % {
            'first': ', '.join(numbers[:-1]), 'last': numbers[-1]}

    @api.multi
    def _reminder_next_steps(self, stages, as_of):
        """Sentences on what the later stages of the policy will do to the
        invoices ``self`` (those of the email) if they stay unpaid, and
        whether one of them puts the account on credit hold. A fee is
        announced only when the engine says one would be charged."""
        if not self or not stages:
            return [], False
        current = max(stages.mapped('day_offset'))
        later = stages.mapped('policy_id.stage_ids').filtered(
            lambda stage: stage.day_offset > current).sorted(
                lambda stage: (stage.day_offset, stage.id))
        dues = [fields.Date.from_string(invoice.date_due
                                        or invoice.date_invoice)
                for invoice in self]
        numbers = self._reminder_invoices_text(self.mapped('number'))
        sentences = []
        for stage in later:
            when = fields.Date.to_string(min(dues) + timedelta(
                days=stage.day_offset))
            if when <= as_of:
                continue
            day = format_date(self.env, when)
            if stage.charge_fee:
                # a forecast: at the last known reference rate
                evaluated = self.with_context(
                    late_payment_projected_rates=True
                )._late_payment_evaluate(when)
                fees = {}
                for invoice in self:
                    result = evaluated.get(invoice.id)
                    if result and result['evaluation'].charge > 0:
                        fees.setdefault(invoice.currency_id, 0.0)
                        fees[invoice.currency_id] += float(
                            result['evaluation'].charge)
                if fees:
                    sentences.append(_(
                        "On %(date)s, if payment of %(invoices)s has not "
                        "been received, a late fee of %(amount)s will be "
                        "charged.") % {
                            'date': day, 'invoices': numbers,
                            'amount': ', '.join(
                                formatLang(self.env, amount,
                                           currency_obj=currency)
                                for currency, amount in fees.items())})
            if stage.credit_hold:
                sentences.append(_(
                    "On %(date)s, if payment of %(invoices)s has not been "
                    "received, your account will be placed on credit hold: "
                    "new orders cannot be confirmed until it is.") % {
                        'date': day, 'invoices': numbers})
            if stage.create_activity and stage.activity_type_id.id \
                    == self._reminder_call_type_id():
                sentences.append(_(
                    "On %(date)s, if payment of %(invoices)s has not been "
                    "received, our accounts team will call you.") % {
                        'date': day, 'invoices': numbers})
        return sentences, bool(later.filtered('credit_hold'))

    @api.model
    def _reminder_call_type_id(self):
        """The id of Odoo's "Call" activity type (0 when deleted), from
        the cached lookup of its XML id: the stages scheduling a call are
        told to the customer."""
        return self.env['ir.model.data'].xmlid_to_res_id(
            'mail.mail_activity_data_call') or 0

    @api.multi
    def _reminder_attachment_name(self):
        """The file name of the invoice PDF as Odoo names it when it emails
        an invoice: the report's name with its slashes and spaces replaced
        (``Invoice_INV_2026_0001.pdf``), in the context's language."""
        self.ensure_one()
        name = self._get_printed_report_name()
        for old, new in ((' - ', '_'), ('/', '_'), (' ', '_')):
            name = name.replace(old, new)
        return '%s.pdf' % name
