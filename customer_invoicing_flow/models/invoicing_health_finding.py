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
from datetime import date, datetime, time

from psycopg2.extras import execute_values

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import html_escape as escape

from .. import invoicing_health as health
from ..button_api import without_defaults

_logger = logging.getLogger(__name__)

FINDING_UNIQUE_KEY = 'invoicing_health_finding_finding_unique'


def _day(value):
    """A date column as read (an ISO string in Odoo 11), as a date; fast
    (C) parsing, as the check reads every invoice."""
    return date.fromisoformat(value[:10]) if value else None


def _moment(value):
    """A timestamp column as read, as a datetime (seconds)."""
    return datetime.fromisoformat(value[:19]) if value else None


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

    def _fetch(self, query, params):
        self.env.cr.execute(query, params)
        return self.env.cr.fetchall()

    @api.model
    def _facts_invoices(self, company, moment):
        """The numbers, the sending and the tax totals of the company's
        customer invoices and credit notes, from one scan. Only the posted
        invoices not sent, and those whose tax amount is not exactly the
        sum of their tax lines, are handed to the sending and tax rules
        (the others cannot be found by them)."""
        rows = self._fetch("""
            SELECT inv.id, inv.journal_id,
                   CASE WHEN inv.type = 'out_refund' AND j.refund_sequence
                        THEN j.refund_sequence_id ELSE j.sequence_id END,
                   inv.move_name, inv.date_invoice, inv.state,
                   COALESCE(inv.number, inv.move_name),
                   COALESCE(inv.validated_date, inv.date_invoice::timestamp),
                   COALESCE(inv.sent, FALSE) OR inv.sent_date IS NOT NULL,
                   inv.amount_tax, COALESCE(tax.total, 0), cur.rounding
              FROM account_invoice inv
              JOIN account_journal j ON j.id = inv.journal_id
              JOIN res_currency cur ON cur.id = inv.currency_id
              LEFT JOIN (
                  SELECT t.invoice_id,
                         SUM(ROUND((t.amount + COALESCE(t.amount_rounding, 0))
                                   / c.rounding) * c.rounding) AS total
                    FROM account_invoice_tax t
                    JOIN res_currency c ON c.id = t.currency_id
                   WHERE t.company_id = %(company)s
                   GROUP BY t.invoice_id
              ) tax ON tax.invoice_id = inv.id
             WHERE inv.company_id = %(company)s
               AND inv.type IN ('out_invoice', 'out_refund')
               AND (inv.date_invoice IS NULL OR inv.date_invoice <= %(day)s)
        """, {'company': company.id, 'day': moment.date()})
        numbers, sent, totals = [], [], []
        for (invoice_id, journal_id, sequence_id, move_name, day, state,
             number, validated, is_sent, amount_tax, tax_lines,
             rounding) in rows:
            if move_name:
                numbers.append(health.NumberFact(
                    invoice_id, journal_id, sequence_id, move_name,
                    _day(day), state))
            if state in ('open', 'paid') and day:
                validated = None if is_sent else _moment(validated)
                if not is_sent and validated is not None \
                        and validated <= moment:
                    sent.append(health.SentFact(
                        invoice_id, number, validated, is_sent))
                if amount_tax != tax_lines:
                    totals.append(health.TaxTotalFact(
                        invoice_id, number, amount_tax, tax_lines, rounding))
        return numbers, sent, totals

    @api.model
    def _facts_deliveries(self, company, moment):
        rows = self._fetch("""
            WITH uninvoiced AS (
                SELECT sol.order_id, COUNT(*) AS lines
                  FROM sale_order_line sol
                  JOIN product_product pp ON pp.id = sol.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE sol.company_id = %(company)s
                   AND pt.type IN ('product', 'consu')
                   AND sol.qty_delivered - sol.qty_invoiced > 0.00001
                 GROUP BY sol.order_id
            ), delivered AS (
                SELECT p.sale_id, MAX(p.date_done) AS last_done
                  FROM stock_picking p
                  JOIN stock_picking_type t ON t.id = p.picking_type_id
                 WHERE p.company_id = %(company)s AND p.state = 'done'
                   AND t.code = 'outgoing' AND p.sale_id IS NOT NULL
                   AND p.date_done <= %(moment)s
                 GROUP BY p.sale_id
            )
            SELECT so.id, so.name, delivered.last_done,
                   COALESCE(uninvoiced.lines, 0),
                   COALESCE(so.auto_invoice_pending, FALSE),
                   so.auto_invoice_error
              FROM sale_order so
              LEFT JOIN uninvoiced ON uninvoiced.order_id = so.id
              LEFT JOIN delivered ON delivered.sale_id = so.id
             WHERE so.company_id = %(company)s
               AND so.state IN ('sale', 'done')
               AND ((uninvoiced.order_id IS NOT NULL
                     AND delivered.sale_id IS NOT NULL)
                    OR so.auto_invoice_pending)
        """, {'company': company.id, 'moment': moment})
        return [health.DeliveryFact(
            row[0], row[1],
            _moment(row[2]), row[3], row[4],
            row[5]) for row in rows]

    @api.model
    def _facts_tax_lines(self, company, moment):
        """The taxes of the posted invoice lines, of their products (mapped
        through the invoice's fiscal position) and of their order lines,
        joined and grouped (no query per line)."""
        params = {'company': company.id, 'day': moment.date()}
        mapping = {}
        for position, source, dest in self._fetch("""
                SELECT fpt.position_id, fpt.tax_src_id, fpt.tax_dest_id
                  FROM account_fiscal_position_tax fpt
                  JOIN account_fiscal_position fp ON fp.id = fpt.position_id
                 WHERE fp.company_id = %(company)s OR fp.company_id IS NULL
                """, params):
            mapping.setdefault(position, {}).setdefault(source, []).append(
                dest)
        product_taxes = dict(self._fetch("""
            SELECT pt.prod_id, ARRAY_AGG(pt.tax_id)
              FROM product_taxes_rel pt
              JOIN account_tax tax ON tax.id = pt.tax_id
             WHERE tax.company_id = %(company)s
             GROUP BY pt.prod_id
        """, params))
        # Only the lines that may differ from a reference come back: taxes
        # other than the product's (or a fiscal position that maps taxes,
        # where the rule maps them), or other than the order line's.
        rows = self._fetch("""
            WITH line AS (
                SELECT l.id, l.invoice_id, l.name, inv.fiscal_position_id,
                       pp.product_tmpl_id
                  FROM account_invoice_line l
                  JOIN account_invoice inv ON inv.id = l.invoice_id
                  LEFT JOIN product_product pp ON pp.id = l.product_id
                 WHERE inv.company_id = %(company)s
                   AND inv.type IN ('out_invoice', 'out_refund')
                   AND inv.state IN ('open', 'paid')
                   AND inv.date_invoice <= %(day)s
            ), line_tax AS (
                SELECT lt.invoice_line_id,
                       ARRAY_AGG(lt.tax_id ORDER BY lt.tax_id) AS taxes
                  FROM account_invoice_line_tax lt
                  JOIN line ON line.id = lt.invoice_line_id
                 GROUP BY lt.invoice_line_id
            ), product_tax AS (
                SELECT pt.prod_id,
                       ARRAY_AGG(pt.tax_id ORDER BY pt.tax_id) AS taxes
                  FROM product_taxes_rel pt
                  JOIN account_tax tax ON tax.id = pt.tax_id
                 WHERE tax.company_id = %(company)s
                 GROUP BY pt.prod_id
            ), order_tax AS (
                SELECT sr.invoice_line_id,
                       COALESCE(ARRAY_AGG(DISTINCT st.account_tax_id
                                          ORDER BY st.account_tax_id)
                                FILTER (WHERE st.account_tax_id IS NOT NULL),
                                '{}'::int[]) AS taxes
                  FROM sale_order_line_invoice_rel sr
                  JOIN line ON line.id = sr.invoice_line_id
                  LEFT JOIN account_tax_sale_order_line_rel st
                    ON st.sale_order_line_id = sr.order_line_id
                 GROUP BY sr.invoice_line_id
            )
            SELECT line.id, line.invoice_id, line.name,
                   line.fiscal_position_id, line.product_tmpl_id,
                   line_tax.taxes, order_tax.invoice_line_id IS NOT NULL,
                   order_tax.taxes
              FROM line
              LEFT JOIN line_tax ON line_tax.invoice_line_id = line.id
              LEFT JOIN order_tax ON order_tax.invoice_line_id = line.id
              LEFT JOIN product_tax ON product_tax.prod_id = line.product_tmpl_id
             WHERE (product_tax.taxes IS NOT NULL
                    AND (product_tax.taxes
                             IS DISTINCT FROM COALESCE(line_tax.taxes,
                                                       '{}'::int[])
                         OR line.fiscal_position_id IN (
                             SELECT position_id
                               FROM account_fiscal_position_tax)))
                OR (order_tax.invoice_line_id IS NOT NULL
                    AND order_tax.taxes
                        IS DISTINCT FROM COALESCE(line_tax.taxes,
                                                  '{}'::int[]))
        """, params)
        lines = []
        mapped = {}
        for line_id, invoice_id, name, position, template, taxes, \
                from_order, order_taxes in rows:
            expected = None
            if product_taxes.get(template):
                key = (template, position)
                if key not in mapped:
                    mapped[key] = health.map_taxes(
                        product_taxes[template], mapping.get(position, {}))
                expected = mapped[key]
            taxes = frozenset(taxes or ())
            order_taxes = frozenset(order_taxes or ()) if from_order \
                else None
            if expected in (None, taxes) and order_taxes in (None, taxes):
                continue  # agrees with every reference: nothing to find
            lines.append(health.TaxLineFact(
                invoice_id, line_id, name, taxes, expected, order_taxes))
        tax_names = dict(self._fetch(
            "SELECT id, name FROM account_tax WHERE company_id = %(company)s",
            params))
        return lines, tax_names

    @api.model
    def _facts_orders(self, company, moment):
        params = {'company': company.id, 'day': moment.date(),
                  'moment': moment}
        links = [health.OrderLinkFact(*row) for row in self._fetch("""
            SELECT DISTINCT inv.id, inv.number, so.id, so.name,
                   inv.client_order_ref, so.client_order_ref,
                   invp.commercial_partner_id, sop.commercial_partner_id
              FROM account_invoice inv
              JOIN account_invoice_line l ON l.invoice_id = inv.id
              JOIN sale_order_line_invoice_rel sr ON sr.invoice_line_id = l.id
              JOIN sale_order_line sol ON sol.id = sr.order_line_id
              JOIN sale_order so ON so.id = sol.order_id
              JOIN res_partner invp ON invp.id = inv.partner_id
              JOIN res_partner sop ON sop.id = so.partner_invoice_id
             WHERE inv.company_id = %(company)s
               AND inv.type = 'out_invoice'
               AND inv.state IN ('open', 'paid')
               AND inv.date_invoice <= %(day)s
        """, params)]
        digits = self.env['decimal.precision'].precision_get('Product Price')
        prices = [health.PriceFact(*(row + (digits,))) for row in self._fetch(
            """
            SELECT inv.id, l.id, l.name, so.name, l.price_unit,
                   sol.price_unit
              FROM account_invoice inv
              JOIN account_invoice_line l ON l.invoice_id = inv.id
              JOIN sale_order_line_invoice_rel sr ON sr.invoice_line_id = l.id
              JOIN sale_order_line sol ON sol.id = sr.order_line_id
              JOIN sale_order so ON so.id = sol.order_id
              JOIN product_pricelist pl ON pl.id = so.pricelist_id
             WHERE inv.company_id = %(company)s
               AND inv.type = 'out_invoice'
               AND inv.state IN ('open', 'paid')
               AND inv.date_invoice <= %(day)s
               AND l.uom_id = sol.product_uom
               AND pl.currency_id = inv.currency_id
            """, params)]
        drafts = [health.DraftFact(
            row[0], row[1], _moment(row[2]))
            for row in self._fetch("""
            SELECT inv.id, COALESCE(inv.origin, inv.reference, ''),
                   inv.create_date
              FROM account_invoice inv
             WHERE inv.company_id = %(company)s
               AND inv.type = 'out_invoice' AND inv.state = 'draft'
               AND inv.create_date <= %(moment)s
               AND EXISTS (SELECT 1 FROM account_invoice_stock_picking_rel r
                            WHERE r.invoice_id = inv.id)
        """, params)]
        return links, prices, drafts

    @api.model
    def _facts_fees(self, company, moment):
        params = {'company': company.id, 'day': moment.date()}
        charges = [health.FeeChargeFact(
            row[0], row[1], row[2], row[3], row[4],
            _day(row[5]), _day(row[6])) for row in self._fetch("""
            SELECT c.id, c.fee_invoice_id, fee.number, fee.state,
                   origin.number, origin.paid_date, c.date
              FROM late_fee_charge c
              JOIN account_invoice fee ON fee.id = c.fee_invoice_id
              JOIN account_invoice origin ON origin.id = c.invoice_id
             WHERE c.company_id = %(company)s AND c.date <= %(day)s
        """, params)]
        reminders = [health.ReminderFact(*row) for row in self._fetch("""
            SELECT log.id, inv.number, stage.name,
                   COALESCE(stage.send_email, FALSE),
                   COALESCE(log.email_sent, FALSE),
                   COALESCE(stage.charge_fee, FALSE)
                       AND COALESCE(log.fee_amount, 0) > 0,
                   log.fee_invoice_id,
                   COALESCE(stage.create_activity, FALSE),
                   COALESCE(log.activity_created, FALSE)
              FROM payment_reminder_log log
              JOIN late_payment_policy_stage stage ON stage.id = log.stage_id
              JOIN account_invoice inv ON inv.id = log.invoice_id
             WHERE log.company_id = %(company)s AND log.state = 'done'
               AND log.date <= %(day)s
        """, params)]
        return charges, reminders

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

    # --- the accuracy KPI ---------------------------------------------------

    @api.model
    def _accuracy_kpi(self, company, date_from, date_to):
        """The share of the company's customer invoices and credit notes
        posted and dated in the period (dates, inclusive) with no finding
        (open or resolved; acknowledged ones do not count), overall and by
        month, and the open findings per kind:
        ``{'total', 'clean', 'accuracy', 'by_month', 'open_by_kind'}``."""
        self.env.cr.execute("""
            SELECT inv.id, inv.date_invoice,
                   EXISTS(SELECT 1 FROM invoicing_health_finding f
                           WHERE f.invoice_id = inv.id
                             AND NOT COALESCE(f.acknowledged, FALSE))
              FROM account_invoice inv
             WHERE inv.company_id = %s
               AND inv.type IN ('out_invoice', 'out_refund')
               AND inv.state IN ('open', 'paid')
               AND inv.date_invoice BETWEEN %s AND %s
        """, (company.id, str(date_from), str(date_to)))
        rows = self.env.cr.fetchall()
        result = health.accuracy(
            [(row[0], _day(row[1])) for row in rows],
            [row[0] for row in rows if row[2]])
        groups = self.sudo().read_group(
            [('company_id', '=', company.id), ('state', '=', 'open')],
            ['kind'], ['kind'])
        result['open_by_kind'] = {
            group['kind']: group['kind_count'] for group in groups}
        return result

    @api.model
    def _dashboard_html(self, company, date_from, date_to):
        """The collections dashboard's Invoicing Health block: the accuracy
        of the period, its trend over the months of the period, and the
        open findings per kind (each count a link to the findings)."""
        kpi = self._accuracy_kpi(company, date_from, date_to)

        def percent(share):
            return '-' if share is None else '%.1f %%' % (share * 100)

        kinds = dict(self._fields['kind']._description_selection(self.env))
        rows = ''.join(
            '<tr><td>%s</td><td class="text-right">%d</td></tr>' % (
                escape(kinds[key]), kpi['open_by_kind'].get(key, 0))
            for key, _label in health.KINDS)
        months = ''.join(
            '<tr><td>%s</td><td class="text-right">%d</td>'
            '<td class="text-right">%s</td></tr>' % (
                escape(month), total, escape(percent(share)))
            for month, total, _clean, share in kpi['by_month'])
        return (
            '<div class="o_cif_health">'
            '<p><strong>%s</strong> %s <span class="text-muted">(%s)</span>'
            '</p>'
            '<table class="table table-condensed"><thead><tr><th>%s</th>'
            '<th class="text-right">%s</th><th class="text-right">%s</th>'
            '</tr></thead><tbody>%s</tbody></table>'
            '<table class="table table-condensed"><thead><tr><th>%s</th>'
            '<th class="text-right">%s</th></tr></thead><tbody>%s</tbody>'
            '</table></div>') % (
                escape(_("Invoicing accuracy:")),
                escape(percent(kpi['accuracy'])),
                escape(_("%(clean)s of %(total)s invoices without a "
                         "finding") % kpi),
                escape(_("Month")), escape(_("Invoices")),
                escape(_("Accuracy")), months,
                escape(_("Open findings")), escape(_("Count")), rows)
