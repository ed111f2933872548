# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Invoicing health: what the nightly check found wrong in the ledger.

The rules are pure Python (``invoicing_health.py``); this model gathers
their facts in a few set-based queries per company, records the findings
(one row per company, kind, record and key: never twice), keeps them
open while their cause stays, resolves them when it is gone, and lets an
accounting manager acknowledge an acceptable one with a reason.
"""
import json
import logging
from datetime import datetime, time

from psycopg2.extras import execute_values

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import html_escape as escape

from .. import invoicing_health as health
from ..button_api import without_defaults

_logger = logging.getLogger(__name__)

FINDING_UNIQUE_KEY = 'invoicing_health_finding_finding_unique'


class InvoicingHealthFinding(models.Model):
    _name = 'invoicing.health.finding'
    _inherit = ['mail.thread', 'mail.activity.mixin']
    _description = 'Invoicing Health Finding'
    _order = 'state, severity_rank desc, kind, last_seen desc, id desc'
    _rec_name = 'kind'

    company_id = fields.Many2one(
        'res.company', required=True, readonly=True, index=True)
    kind = fields.Selection(
        health.KINDS, required=True, readonly=True, index=True)
    res_model = fields.Char(
        string='Model Concerned', required=True, readonly=True)
    res_id = fields.Integer(
        string='Record ID Concerned', required=True, readonly=True)
    key = fields.Char(
        required=True, readonly=True,
        help="Tells apart the findings of one kind on one record (a line, "
             "a range of missing numbers).")
    invoice_id = fields.Many2one(
        'account.invoice', readonly=True, index=True,
        ondelete='set null')
    record_name = fields.Char(string='Concerns', readonly=True)
    severity = fields.Selection(
        health.SEVERITIES, required=True, readonly=True)
    severity_rank = fields.Integer(readonly=True)
    params = fields.Text(
        string='Message Parameters', readonly=True,
        help="The facts of the finding (JSON), from which the message is "
             "written in the reader's language.")
    message = fields.Text(compute='_compute_message')
    first_seen = fields.Datetime(readonly=True, required=True)
    last_seen = fields.Datetime(readonly=True, required=True)
    resolved_date = fields.Datetime(string='Resolved On', readonly=True)
    state = fields.Selection(
        [('open', 'Open'), ('resolved', 'Resolved')], required=True,
        default='open', readonly=True, index=True,
        track_visibility='onchange')
    acknowledged = fields.Boolean(readonly=True, track_visibility='onchange')
    acknowledge_reason = fields.Text(
        string='Reason to Acknowledge',
        help="Why this finding is acceptable (e.g. the numbers of a gap "
             "voided with the auditor's agreement). Kept for audit.")
    acknowledged_by = fields.Many2one('res.users', readonly=True)
    acknowledged_date = fields.Datetime(readonly=True)

    _sql_constraints = [
        ('finding_unique', 'unique(company_id, kind, res_model, res_id, key)',
         'A finding is recorded once per company, kind, record and key.'),
    ]

    @api.depends('kind', 'key', 'params')
    def _compute_message(self):
        for finding in self:
            finding.message = finding.kind and self._message(
                finding.kind, finding.key or '',
                json.loads(finding.params or '{}')) or False

    @api.multi
    def action_open_record(self):
        """The record concerned, in its form."""
        self.ensure_one()
        return {
            'type': 'ir.actions.act_window',
            'res_model': self.res_model,
            'res_id': self.res_id,
            'view_mode': 'form',
            'views': [(False, 'form')],
            'target': 'current',
        }

    @api.multi
    def action_acknowledge(self):
        """Accept the findings as they are (accounting managers), with the
        reason written on them: they are resolved, kept for audit, and the
        next checks do not reopen them."""
        if not self.env.user.has_group('account.group_account_manager'):
            raise AccessError(_(
                "Only accounting managers can acknowledge an invoicing "
                "health finding."))
        missing = self.filtered(
            lambda finding: not (finding.acknowledge_reason or '').strip())
        if missing:
            raise UserError(_(
                "Write the reason why the finding is acceptable before "
                "acknowledging it."))
        self.write({
            'acknowledged': True,
            'acknowledged_by': self.env.uid,
            'acknowledged_date': fields.Datetime.now(),
            'state': 'resolved',
            'resolved_date': fields.Datetime.now(),
        })
        return True

    @api.model
    def _message(self, kind, key, params):
        """The sentence saying what is wrong and how to fix it, translated
        (the literal first, then the parameters)."""
        if kind == 'numbering_gap':
            return _("%(count)s number(s) missing in the sequence, from "
                     "%(first)s to %(last)s: %(numbers)s. Find out why (a "
                     "deleted invoice, a sequence moved by hand) and "
                     "acknowledge the gap with the reason: auditors will "
                     "ask.") % params
        if kind == 'numbering_duplicate':
            return _("Number %(number)s is given to %(count)s invoices of "
                     "the company. Find the one numbered wrongly (an "
                     "import, a manual change) and correct it with a credit "
                     "note and a new invoice.") % params
        if kind == 'numbering_date_order':
            return _("Invoice %(number)s is dated %(date)s, before "
                     "%(previous)s (dated %(previous_date)s) which has a "
                     "lower number. Numbers must follow dates: check the "
                     "invoice date.") % params
        if kind == 'delayed_invoicing' and key == 'pending':
            return _("Invoicing order %(order)s after its delivery failed: "
                     "%(error)s Fix the cause; the scheduled action "
                     "retries it.") % params
        if kind == 'delayed_invoicing':
            return _("Order %(order)s has %(lines)s delivered line(s) not "
                     "invoiced %(hours)s hours after its delivery of "
                     "%(delivered)s (limit: %(limit)s hours). Create the "
                     "invoice from the order.") % params
        if kind == 'tax_mismatch' and key == 'total':
            return _("Invoice %(number)s shows %(amount_tax)s of taxes but "
                     "its tax lines add up to %(tax_lines)s. Correct it with "
                     "a credit note and a new invoice.") % params
        if kind == 'tax_mismatch' and params.get('reference') == 'order':
            return _("Line \"%(line)s\" has the taxes %(taxes)s where its "
                     "sales order line has %(expected)s. Correct the invoice "
                     "with a credit note, or the order.") % params
        if kind == 'tax_mismatch':
            return _("Line \"%(line)s\" has the taxes %(taxes)s where its "
                     "product, through the invoice's fiscal position, has "
                     "%(expected)s. Correct the invoice with a credit note, "
                     "or the product's taxes.") % params
        if kind == 'order_mismatch' and key.startswith('ref-'):
            return _("Invoice %(number)s carries the customer reference "
                     "%(invoice_ref)s where its order %(order)s has "
                     "%(order_ref)s. Correct the reference the customer "
                     "will look for.") % params
        if kind == 'order_mismatch' and key.startswith('partner-'):
            return _("Invoice %(number)s is addressed to another customer "
                     "than its order %(order)s. Credit it and invoice the "
                     "order's invoicing address.") % params
        if kind == 'order_mismatch' and key.startswith('price-'):
            return _("Line \"%(line)s\" is invoiced at %(invoiced)s where "
                     "order %(order)s says %(ordered)s. Correct the invoice "
                     "or the order.") % params
        if kind == 'order_mismatch':
            return _("Draft invoice %(name)s, made from a delivery, has "
                     "waited %(days)s days (limit: %(limit)s). Read the "
                     "discrepancies in its chatter, correct and post it, or "
                     "cancel it.") % params
        if kind == 'never_sent':
            return _("Invoice %(number)s was validated on %(validated)s and "
                     "not sent to the customer %(days)s days later (limit: "
                     "%(limit)s). Send it by email, or print and post "
                     "it.") % params
        if kind == 'fee_inconsistent' and key.startswith('paid-before-'):
            return _("Fee invoice %(fee)s was charged on %(charged)s on "
                     "invoice %(origin)s, which was paid on %(paid)s. Cancel "
                     "the fee with a credit note.") % params
        labels = {'email': _("email"), 'fee': _("fee invoice"),
                  'activity': _("activity")}
        return _("Reminder stage %(stage)s of invoice %(invoice)s is done "
                 "without its %(missing)s. Send or create it by "
                 "hand.") % dict(params, missing=', '.join(
                     labels.get(item, item)
                     for item in params.get('missing', [])))

    # --- the check ----------------------------------------------------------

    @api.model
    def _as_of_moment(self, as_of):
        """The moment of the check: now without ``as_of``; a day (date or
        'YYYY-MM-DD') means the end of that day; a datetime as is (UTC)."""
        if not as_of:
            return fields.Datetime.from_string(fields.Datetime.now())
        if isinstance(as_of, str):
            as_of = fields.Datetime.from_string(as_of) if len(as_of) > 10 \
                else fields.Date.from_string(as_of)
        if isinstance(as_of, datetime):
            return as_of
        return datetime.combine(as_of, time.max).replace(microsecond=0)

    @api.model
    def _cron_check(self, as_of=None, companies=None):
        """The daily check as of ``as_of`` (see :meth:`_as_of_moment`), for
        every company (or ``companies``): add the new findings, keep the
        open ones (last seen), resolve those whose cause is gone, and give
        the responsible an activity listing the new high-severity ones.

        :return: the new findings
        """
        moment = self._as_of_moment(as_of)
        # every company: a handful of rows
        # pylint: disable=no-search-all
        companies = companies or self.env['res.company'].sudo().search([])
        new = self.browse()
        for company in companies:
            found = self._check_company(company, moment)
            new |= self.sudo()._sync_findings(company, found, moment)
        self.invalidate_cache()
        return new

    @api.model
    def _check_company(self, company, moment):
        """The findings of ``company`` as of ``moment`` (pure rules over
        facts read in one query per kind of fact)."""
        numbers, sent, totals = self._facts_invoices(company, moment)
        periods = health.sequence_periods(numbers)
        findings = health.numbering_gaps(numbers, periods)
        findings += health.numbering_duplicates(numbers)
        findings += health.numbering_date_order(numbers, periods)
        findings += health.delayed_invoicing(
            self._facts_deliveries(company, moment), moment,
            company.health_delay_hours)
        lines, tax_names = self._facts_tax_lines(company, moment)
        findings += health.tax_mismatches(lines, totals, tax_names)
        links, prices, drafts = self._facts_orders(company, moment)
        findings += health.order_mismatches(
            links, prices, drafts, moment, company.health_draft_days)
        findings += health.never_sent(
            sent, moment, company.health_never_sent_days)
        charges, reminders = self._facts_fees(company, moment)
        findings += health.fee_inconsistencies(charges, reminders)
        return findings

    @api.model
    def _sync_findings(self, company, found, moment):
        """Record ``found`` (health.Finding) for ``company``: insert the
        new ones (the unique key drops any already there), mark the others
        seen (reopening those resolved by an earlier check, unless
        acknowledged) and resolve the open ones not found. One statement
        per step.

        :return: the new findings
        """
        cr = self.env.cr
        cr.execute("""
            SELECT id, kind, res_model, res_id, key
              FROM invoicing_health_finding WHERE company_id = %s
        """, (company.id,))
        existing = {tuple(row[1:]): row[0] for row in cr.fetchall()}
        unique = {}
        for finding in found:
            unique.setdefault((finding.kind, finding.res_model,
                               finding.res_id, finding.key), finding)
        now = fields.Datetime.now()
        ranks = {'low': 1, 'medium': 2, 'high': 3}
        names = self._record_names(
            [f for k, f in unique.items() if k not in existing])
        new_rows = [(
            company.id, f.kind, f.res_model, f.res_id, f.key,
            f.res_id if f.res_model == 'account.invoice' else None,
            names.get((f.res_model, f.res_id)), f.severity,
            ranks[f.severity], json.dumps(f.params, sort_keys=True),
            moment, moment, 'open', False, self.env.uid, now,
            self.env.uid, now) for k, f in unique.items()
            if k not in existing]
        new_ids = []
        if new_rows:
            new_ids = [row[0] for row in execute_values(cr, """
                INSERT INTO invoicing_health_finding
                    (company_id, kind, res_model, res_id, key, invoice_id,
                     record_name, severity, severity_rank, params,
                     first_seen, last_seen, state, acknowledged,
                     create_uid, create_date, write_uid, write_date)
                VALUES %s
                ON CONFLICT ON CONSTRAINT {} DO NOTHING
                RETURNING id
            """.format(FINDING_UNIQUE_KEY), new_rows, page_size=1000,
                fetch=True)]
        seen = [(existing[k], json.dumps(f.params, sort_keys=True), moment)
                for k, f in unique.items() if k in existing]
        if seen:
            execute_values(cr, """
                UPDATE invoicing_health_finding f
                   SET last_seen = v.seen, params = v.params,
                       state = CASE WHEN f.acknowledged THEN f.state
                                    ELSE 'open' END,
                       resolved_date = CASE WHEN f.acknowledged
                                            THEN f.resolved_date END
                  FROM (VALUES %s) AS v (id, params, seen)
                 WHERE f.id = v.id
            """, seen, template='(%s, %s, %s::timestamp)', page_size=1000)
        cr.execute("""
            UPDATE invoicing_health_finding
               SET state = 'resolved', resolved_date = %s
             WHERE company_id = %s AND state = 'open'
               AND NOT (id = ANY(%s))
        """, (moment, company.id, [existing[k] for k in unique
                                   if k in existing] + new_ids))
        self.invalidate_cache()
        new = self.browse(new_ids)
        self._digest_activity(company, new.filtered(
            lambda finding: finding.severity == 'high'), moment)
        _logger.info("Invoicing health of %s as of %s: %d findings, %d new",
                     company.name, moment, len(unique), len(new_ids))
        return new

    @api.model
    def _record_names(self, findings):
        """``{(model, id): display name}`` of the records concerned, one
        name_get per model."""
        by_model = {}
        for finding in findings:
            by_model.setdefault(finding.res_model, set()).add(finding.res_id)
        names = {}
        for model, ids in by_model.items():
            records = self.env[model].sudo().browse(list(ids)).exists()
            for record_id, name in records.name_get():
                names[(model, record_id)] = name
        return names

    @api.model
    def _health_responsible(self, company):
        if company.health_user_id:
            return company.health_user_id
        managers = self.env.ref('account.group_account_manager').users
        return managers.filtered(
            lambda user: company in user.company_ids)[:1]

    @api.model
    def _digest_activity(self, company, findings, moment):
        """One activity for the company's responsible listing the new
        high-severity ``findings`` of a check, on the first of them."""
        user = self._health_responsible(company)
        if not findings or not user:
            return False
        items = ''.join('<li>%s: %s</li>' % (
            escape(dict(self._fields['kind']._description_selection(
                self.env))[finding.kind]),
            escape(finding.message)) for finding in findings)
        return without_defaults(self.env['mail.activity']).sudo().create({
            'res_model_id': self.env['ir.model']._get(self._name).id,
            'res_id': findings[0].id,
            'activity_type_id': self.env.ref('mail.mail_activity_data_todo').id,
            'user_id': user.id,
            'summary': _("%s new high-severity invoicing findings")
            % len(findings),
            'note': '<ul>%s</ul>' % items,
            'date_deadline': fields.Date.to_string(moment.date()),
        })
