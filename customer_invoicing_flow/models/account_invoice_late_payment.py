# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Late-payment state: the policy frozen at validation, the payment holds,
and the adapter from invoices to the pure fee engine (``late_fees``):
terms, payments, holds and charges read in one query per kind."""
import json
from datetime import timedelta

from psycopg2 import sql

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .. import dates, interest_rates, late_fees
from .late_payment_policy import FROZEN_AMOUNTS

# The reconciliations of the invoices aliased ``inv``: their receivable or
# payable lines (``line``: the invoice's move and account), each partial
# reconciliation on either side of them (``part``: amount, amount_currency,
# currency_id) and the line on the other side (``counterpart``: the
# payment's or the credit note's, whose date is the payment's).
_RECONCILED_FROM = """
    account_move_line line
    JOIN account_partial_reconcile part
      ON line.id IN (part.debit_move_id, part.credit_move_id)
    JOIN account_move_line counterpart
      ON counterpart.id = CASE WHEN part.debit_move_id = line.id
                               THEN part.credit_move_id
                               ELSE part.debit_move_id END"""
_RECONCILED_OF_INVOICE = \
    "line.move_id = inv.move_id AND line.account_id = inv.account_id"


class AccountInvoice(models.Model):
    _inherit = 'account.invoice'  # pylint: disable=R8180

    # Late payment: the policy and its terms frozen at validation
    late_payment_policy_id = fields.Many2one(
        'late.payment.policy', string='Late-Payment Policy', copy=False,
        ondelete='restrict', track_visibility='onchange',
        help="The policy in force when the invoice was validated. Changing "
             "it on a validated invoice freezes the new policy's current "
             "terms.")
    late_payment_terms = fields.Text(
        string='Late-Payment Terms', copy=False, readonly=True,
        help="The policy terms in force when the policy was set (JSON, "
             "company-currency amounts): later edits of the policy do not "
             "change this invoice.")
    grace_end_date = fields.Date(
        string='Grace Period Ends', compute='_compute_grace_end_date',
        store=True, index=True)
    late_payment_state = fields.Selection(
        list(late_fees.STATE_SELECTION), string='Late-Payment Status',
        compute='_compute_late_payment', search='_search_late_payment_state',
        # the search: account_invoice_late_payment_search.py
        help="Late: past the grace period and not on hold (overdue: past "
             "the due date).")
    days_late = fields.Integer(
        string='Days Overdue', compute='_compute_late_payment',
        help="Days past the due date.")
    late_fee_accrued = fields.Monetary(
        string='Late Fee Due', compute='_compute_late_payment',
        help="The late fee that would be charged today and is not charged "
             "yet.")
    late_fee_charged = fields.Monetary(
        string='Late Fees Charged', compute='_compute_late_payment',
        help="Total of the late fees charged, cancelled fee invoices "
             "excluded.")
    late_fee_preview = fields.Text(
        string='Fee Timeline', compute='_compute_late_fee_preview',
        help="What each remaining fee-charging stage would charge if "
             "nothing more is paid.")
    payment_hold = fields.Boolean(
        copy=False, readonly=True, track_visibility='onchange',
        help="On hold (e.g. disputed): no late-payment interest accrues and "
             "nothing is charged.")
    payment_hold_reason = fields.Char(
        copy=False, readonly=True, track_visibility='onchange')
    payment_hold_ids = fields.One2many(
        'late.payment.hold', 'invoice_id', string='Hold Periods',
        readonly=True)
    reminder_log_ids = fields.One2many(
        'payment.reminder.log', 'invoice_id', string='Reminder History',
        readonly=True)
    reminder_stage_id = fields.Many2one(
        'late.payment.policy.stage', copy=False,
        readonly=True, index=True, ondelete='set null',
        help="The latest reminder stage the invoice reached.")
    reminder_date = fields.Date(
        string='Last Reminder Run', copy=False, readonly=True)

    @api.depends('date_due', 'date_invoice', 'late_payment_terms')
    def _compute_grace_end_date(self):
        for invoice in self:
            due = invoice.date_due or invoice.date_invoice
            if not (due and invoice.late_payment_terms):
                invoice.grace_end_date = False
                continue
            grace = json.loads(invoice.late_payment_terms)['grace_days']
            invoice.grace_end_date = fields.Date.to_string(
                fields.Date.from_string(due) + timedelta(days=grace))

    @api.depends('late_payment_terms', 'state', 'amount_total', 'date_due',
                 'residual', 'payment_hold', 'late_fee_charge_ids.amount',
                 'late_fee_charge_ids.fee_invoice_id.state')
    def _compute_late_payment(self):
        """Evaluate the invoices as of today, or the context's
        ``late_payment_as_of`` (ISO date), with one query per input kind for
        the whole recordset. The fee timeline is apart
        (:meth:`_compute_late_fee_preview`): the lists show the status
        without it."""
        as_of = self._late_payment_as_of()
        evaluated = self._late_payment_evaluate_for_display(as_of)
        for invoice in self:
            result = evaluated.get(invoice.id)
            if not result:
                invoice.late_payment_state = False
                invoice.days_late = 0
                invoice.late_fee_accrued = 0.0
                invoice.late_fee_charged = 0.0
                continue
            evaluation = result['evaluation']
            invoice.late_payment_state = evaluation.state
            invoice.days_late = evaluation.days_late \
                if evaluation.state not in ('paid', 'not_due') else 0
            invoice.late_fee_accrued = float(evaluation.charge)
            invoice.late_fee_charged = float(sum(
                amount for _date, amount in result['facts'].charges))

    @api.depends('late_payment_terms', 'state', 'amount_total', 'date_due',
                 'residual', 'payment_hold', 'late_fee_charge_ids.amount',
                 'late_fee_charge_ids.fee_invoice_id.state')
    def _compute_late_fee_preview(self):
        """The fee timeline of :meth:`_late_fee_preview_text`, as of the
        day of :meth:`_compute_late_payment`."""
        as_of = self._late_payment_as_of()
        evaluated = self._late_payment_evaluate_for_display(as_of)
        for invoice in self:
            result = evaluated.get(invoice.id)
            invoice.late_fee_preview = result and \
                invoice._late_fee_preview_text(
                    result['terms'], result['facts'], as_of) or False

    @api.multi
    def _late_payment_evaluate_for_display(self, as_of):
        """:meth:`_late_payment_evaluate` for the computed fields: a
        reference value not published yet is projected (the timeline marks
        it; charging refuses it), and only the columns the evaluation uses
        are read, one query each for the whole recordset (Odoo's prefetch
        would read every column of the invoices, the texts too: most of the
        time of a list of 80)."""
        return self.with_context(
            late_payment_projected_rates=True,
            prefetch_fields=False)._late_payment_evaluate(as_of)

    @api.multi
    def write(self, vals):
        # the form shows these read-only; write() over RPC must refuse them
        # too (issue 14: only collections staff hold and release)
        if not self.env.user._is_superuser():
            if 'late_payment_terms' in vals:
                raise AccessError(_(
                    "The late-payment terms of an invoice are frozen from "
                    "its policy: change its late-payment policy instead."))
            if {'payment_hold', 'payment_hold_reason'} & set(vals) \
                    and not self.env.user.has_group(
                        'customer_invoicing_flow.group_collections_user'):
                raise AccessError(_(
                    "Only collections staff may put invoices on payment "
                    "hold or release them."))
        if 'late_payment_policy_id' in vals \
                and 'late_payment_terms' not in vals:
            if self.filtered(lambda invoice: invoice.state != 'draft') \
                    and not self.env.user.has_group(
                        'customer_invoicing_flow.group_collections_user'):
                raise AccessError(_(
                    "Only collections staff may change the late-payment "
                    "policy of a validated invoice."))
            # sudo: whoever validates (e.g. a warehouse user invoicing on
            # delivery) freezes the terms without reading policies himself
            policy = self.env['late.payment.policy'].sudo().browse(
                vals['late_payment_policy_id'])
            vals = dict(vals, late_payment_terms=policy and json.dumps(
                policy._late_payment_terms_values(), sort_keys=True))
        return super(AccountInvoice, self).write(vals)

    @api.multi
    def invoice_validate(self):
        """Freeze the late-payment policy in force on customer invoices.

        One write per policy, not per invoice: each write recomputes and
        tracks the whole batch being validated (delivery invoicing
        validates many invoices at once)."""
        by_policy = {}
        for invoice in self.filtered(
                lambda inv: inv.type == 'out_invoice'
                and not inv.late_fee_origin_id):
            policy = invoice.sudo().late_payment_policy_id \
                or invoice._default_late_payment_policy()
            if policy:
                by_policy[policy.id] = by_policy.get(
                    policy.id, self.browse()) | invoice
        for policy_id, invoices in by_policy.items():
            invoices.write({'late_payment_policy_id': policy_id})
        return super(AccountInvoice, self).invoice_validate()

    @api.multi
    def _default_late_payment_policy(self):
        """The customer's policy, else the company's (same company only)."""
        self.ensure_one()
        company = self.company_id.sudo()
        policy = self.partner_id.commercial_partner_id.sudo() \
            .late_payment_policy_id
        if not policy or policy.company_id != company:
            policy = company.late_payment_policy_id
        return policy

    @api.model
    def _as_of_day(self, value):
        """``value`` (a date, a datetime or an ISO string, see ``dates``) as
        an ISO date; False when empty; a translated error when it is no
        date. The one reading of an "as of" day for buttons, the context
        and the mail."""
        if not value:
            return False
        try:
            return dates.iso_day(value)
        except ValueError:
            raise UserError(_("Not a date: %r") % (value,))

    @api.model
    def _late_payment_as_of(self):
        """The day the late-payment status is judged at: the context's
        ``late_payment_as_of``, else today."""
        return self._as_of_day(self.env.context.get('late_payment_as_of')) \
            or fields.Date.context_today(self)

    @api.model
    def _terms_from_values(self, values, invoice, date):
        """:class:`late_fees.PolicyTerms` from frozen ``values`` for
        ``invoice``, company amounts converted at ``date``."""
        company_currency = self.env['res.currency'].browse(
            values['currency_id'])
        currency = invoice.currency_id
        convert = company_currency.with_context(
            date=date, company_id=invoice.company_id.id).compute
        amounts = {}
        for name in FROZEN_AMOUNTS:
            # terms frozen before a field existed (charge_min): 0, as then
            amount = float(values.get(name) or 0.0)
            if amount and company_currency != currency:
                amount = convert(amount, currency, round=False)
            amounts[name] = amount
        return late_fees.PolicyTerms(
            grace_days=values['grace_days'],
            interest_start=values['interest_start'],
            fee_percent=values['fee_percent'],
            interest_rate=values['interest_rate'],
            **amounts)

    @api.multi
    def _late_payment_terms_at(self, date):
        self.ensure_one()
        return self._terms_from_values(
            json.loads(self.late_payment_terms), self, date)

    @api.model
    def _sql_reconciled(self):
        """The one reading of what settled an invoice, for queries on
        ``account_invoice inv``: ``{'reconciled': the FROM item giving
        line, part and counterpart, 'of_invoice': the condition tying it to
        inv}`` (psycopg2 ``sql.SQL``, for ``sql.SQL(query).format``)."""
        return {'reconciled': sql.SQL(_RECONCILED_FROM),
                'of_invoice': sql.SQL(_RECONCILED_OF_INVOICE)}

    @api.multi
    def _late_payment_facts(self):
        """{invoice id: late_fees.InvoiceFacts} with four queries in all.

        Payments and credit notes are the partial reconciliations of the
        invoice's receivable lines, dated by their counterpart line and taken
        in the invoice currency (as account.invoice._get_payments_vals does).
        """
        invoices = self.filtered(lambda inv: isinstance(inv.id, int))
        if not invoices:
            return {}
        self.env.cr.execute(sql.SQL("""
            SELECT inv.id, part.amount, part.amount_currency,
                   part.currency_id, counterpart.date
              FROM account_invoice inv, {reconciled}
             WHERE {of_invoice} AND inv.id IN %s
        """).format(**self._sql_reconciled()), (tuple(invoices.ids),))
        payments = {invoice.id: [] for invoice in invoices}
        # the records of the set, not browsed one by one: they read their
        # fields together
        by_id = {invoice.id: invoice for invoice in invoices}
        for invoice_id, amount, amount_currency, currency_id, date \
                in self.env.cr.fetchall():
            invoice = by_id[invoice_id]
            currency = invoice.currency_id
            if currency_id and currency_id == currency.id:
                amount = amount_currency
            elif currency != invoice.company_id.currency_id:
                amount = invoice.company_id.currency_id.with_context(
                    date=invoice.date or invoice.date_invoice,
                    company_id=invoice.company_id.id).compute(
                        amount, currency, round=False)
            payments[invoice_id].append((date, abs(amount)))
        holds = {invoice.id: [] for invoice in invoices}
        # sudo: anyone who may read the invoice may see its late-payment
        # status, and the holds and charges are part of it
        for hold in self.env['late.payment.hold'].sudo().search_read(
                [('invoice_id', 'in', invoices.ids)],
                ['invoice_id', 'date_start', 'date_end']):
            if hold['date_end'] and hold['date_end'] < hold['date_start']:
                continue  # released the day it started: no day on hold
            holds[hold['invoice_id'][0]].append(
                (hold['date_start'], hold['date_end'] or None))
        charges = {invoice.id: [] for invoice in invoices}
        # joined in SQL: the ORM's domain on the fee invoice's state would
        # first list every invoice not cancelled, the whole table
        self.env.cr.execute("""
            SELECT charge.invoice_id, charge.date, charge.amount
              FROM late_fee_charge charge
              JOIN account_invoice fee ON fee.id = charge.fee_invoice_id
             WHERE charge.invoice_id IN %s
               AND fee.state IS DISTINCT FROM 'cancel'
             ORDER BY charge.date DESC, charge.id DESC
        """, (tuple(invoices.ids),))
        for invoice_id, date, amount in self.env.cr.fetchall():
            charges[invoice_id].append((date, amount))
        return {
            invoice.id: late_fees.InvoiceFacts(
                amount=invoice.amount_total,
                due_date=invoice.date_due or invoice.date_invoice,
                payments=payments[invoice.id],
                holds=holds[invoice.id],
                charges=charges[invoice.id])
            for invoice in invoices}

    @api.multi
    def _late_payment_evaluate(self, as_of):
        """{invoice id: {'terms', 'facts', 'evaluation'}} for the validated
        customer invoices of ``self`` that have late-payment terms."""
        invoices = self.filtered(
            lambda inv: inv.type == 'out_invoice' and inv.late_payment_terms
            and inv.state in ('open', 'paid')
            and (inv.date_due or inv.date_invoice))
        facts = invoices._late_payment_facts()
        result = {}
        for invoice in invoices._with_rate_tables():
            if invoice.id not in facts:
                continue
            terms = invoice._late_payment_terms_at(as_of)
            try:
                evaluation = late_fees.evaluate(
                    terms, facts[invoice.id], as_of,
                    invoice.currency_id.rounding)
            except interest_rates.RateUnknown as error:
                raise UserError(invoice._rate_unknown_message(error))
            result[invoice.id] = {
                'terms': terms,
                'facts': facts[invoice.id],
                'evaluation': evaluation,
            }
        return result
