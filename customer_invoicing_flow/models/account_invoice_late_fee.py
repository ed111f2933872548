# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Late fees: charged on their own invoice (never by editing a posted one),
explained line by line, previewed as a timeline."""
import json
from dataclasses import asdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import format_date, formatLang

from .. import late_fees
from ..button_api import web_button


class AccountInvoice(models.Model):
    _inherit = 'account.invoice'  # pylint: disable=R8180

    late_fee_origin_id = fields.Many2one(
        'account.invoice', string='Late Fee For', copy=False, readonly=True,
        index=True, ondelete='restrict')
    late_fee_invoice_ids = fields.One2many(
        'account.invoice', 'late_fee_origin_id', string='Late-Fee Invoices',
        readonly=True)
    late_fee_charge_ids = fields.One2many(
        'late.fee.charge', 'invoice_id', string='Late Fee Charges',
        readonly=True)
    late_fee_invoice_count = fields.Integer(
        string='Late-fee invoice count',
        compute='_compute_late_fee_invoice_count')

    @api.depends('late_fee_invoice_ids')
    def _compute_late_fee_invoice_count(self):
        counts = {}
        if self.ids:
            for row in self.read_group(
                    [('late_fee_origin_id', 'in', self.ids)],
                    ['late_fee_origin_id'], ['late_fee_origin_id']):
                counts[row['late_fee_origin_id'][0]] = \
                    row['late_fee_origin_id_count']
        for invoice in self:
            invoice.late_fee_invoice_count = counts.get(invoice.id, 0)

    @api.multi
    @web_button
    def action_charge_late_fee(self, *, as_of=None):
        """Charge the late fee due on ``as_of`` (ISO date or date, default
        today) in a separate invoice and open it (the form's button).

        Python API: ``action_charge_late_fee(as_of=...)``, keyword only:
        the web client passes its context as the first positional
        argument (see :func:`..button_api.web_button`)."""
        self.ensure_one()
        self._check_collections_user()
        invoice = self._without_action_defaults()
        as_of = invoice._button_date(as_of)
        fee_invoice = invoice._charge_late_fee(as_of)
        if not fee_invoice:
            raise UserError(
                _("No late fee is due on invoice %(invoice)s as of "
                  "%(date)s.") % {'invoice': self.number,
                                  'date': format_date(self.env, as_of)})
        return {
            'type': 'ir.actions.act_window',
            'res_model': 'account.invoice',
            'res_id': fee_invoice.id,
            'view_mode': 'form',
            'views': [(self.env.ref('account.invoice_form').id, 'form')],
            'context': {'type': 'out_invoice'},
        }

    @api.multi
    def action_invoice_cancel(self):
        """Cancelling a fee invoice waives the fee: collections managers
        only."""
        if self.filtered('late_fee_origin_id') \
                and not self.env.user._is_superuser() \
                and not self.env.user.has_group(
                    'customer_invoicing_flow.group_collections_manager'):
            raise AccessError(_(
                "Only a collections manager can cancel a late-fee invoice "
                "(waive the fee)."))
        return super(AccountInvoice, self).action_invoice_cancel()

    @api.multi
    def action_view_late_fee_invoices(self):
        self.ensure_one()
        action = self.env.ref('account.action_invoice_tree1').read()[0]
        action['domain'] = [('late_fee_origin_id', '=', self.id)]
        action['context'] = {'default_late_fee_origin_id': self.id,
                             'create': False}
        return action

    @api.multi
    def action_charge_late_fee_multi(self):
        """Charge the late fees due today on the selected invoices (list
        action) and say what was done: the fees charged with their total,
        the invoices left alone and why."""
        self._check_collections_user()
        invoices = self._without_action_defaults()
        as_of = invoices._late_payment_as_of()
        charged = self.browse()
        skipped = []
        for invoice in invoices:
            if invoice.type != 'out_invoice' or invoice.state != 'open' \
                    or not invoice.late_payment_terms:
                skipped.append(_(
                    "%s: not an open customer invoice under a late-payment "
                    "policy") % (invoice.number or invoice.display_name))
                continue
            if invoice.payment_hold:
                skipped.append(_("%s: on payment hold") % invoice.number)
                continue
            fee_invoice = invoice._charge_late_fee(as_of)
            if fee_invoice:
                charged |= fee_invoice
            else:
                skipped.append(_("%(invoice)s: no late fee due as of "
                                 "%(date)s") % {
                                     'invoice': invoice.number,
                                     'date': format_date(self.env, as_of)})
        lines = []
        if charged:
            lines.append(_("%(count)d late fee(s) charged, %(total)s in "
                           "all:") % {
                               'count': len(charged),
                               'total': self._amounts_text(charged)})
            lines.extend(
                "- %s: %s (%s)" % (
                    fee.late_fee_origin_id.number, formatLang(
                        self.env, fee.amount_total,
                        currency_obj=fee.currency_id),
                    fee.number or _('draft'))
                for fee in charged)
        else:
            lines.append(_("No late fee charged."))
        if skipped:
            lines.append(_("%d invoice(s) left alone:") % len(skipped))
            lines.extend('- %s' % reason for reason in skipped)
        return self.env['collections.result.wizard']._show(
            _("Charge Late Fees Due"), lines, charged)

    @api.multi
    def _late_fee_preview_text(self, terms, facts, as_of):
        """The fee timeline (late_fees.timeline): one line per remaining
        fee-charging stage, its date and charge, then what follows the last
        one: what accrued and is not charged yet, the interest that keeps
        accruing, the cap reached, or the hold. False when nothing is left.
        """
        self.ensure_one()
        offsets = json.loads(self.late_payment_terms).get('charge_offsets')
        due = facts.due_date
        currency = self.currency_id
        timeline = late_fees.timeline(
            terms, facts, as_of,
            [due + timedelta(days=offset) for offset in offsets or ()],
            currency.rounding)
        if timeline.now.state == 'paid':
            return False

        def money(value, digits=None):
            return formatLang(self.env, float(value), digits=digits,
                              currency_obj=currency)

        def day(value):
            return format_date(self.env, fields.Date.to_string(value))

        lines = []
        for evaluation in timeline.stages:
            values = {'date': day(evaluation.as_of),
                      'day': (evaluation.as_of - due).days,
                      'amount': money(evaluation.charge),
                      'accrued': money(evaluation.accrued),
                      'minimum': money(terms.charge_min)}
            if evaluation.state == 'late' \
                    and evaluation.breakdown.below_charge_minimum:
                lines.append(_(
                    "%(date)s (day %(day)d): nothing, %(accrued)s is below "
                    "the minimum per charge of %(minimum)s and waits for a "
                    "later charge") % values)
            else:
                lines.append(_("%(date)s (day %(day)d): %(amount)s")
                             % values)
        lines += self._late_fee_preview_after(timeline, terms, money, day)
        return '\n'.join(lines) or False

    @api.multi
    def _late_fee_preview_after(self, timeline, terms, money, day):
        """The timeline's lines after its stages: what accrued and is not
        charged yet, then the hold, the cap reached or the interest that
        keeps accruing."""
        lines = []
        now = timeline.now
        if not timeline.stages and now.accrued > 0 \
                and now.state in ('late', 'on_hold'):
            values = {'amount': money(now.accrued), 'date': day(now.as_of),
                      'minimum': money(terms.charge_min)}
            if now.breakdown.below_charge_minimum:
                lines.append(_(
                    "Not charged yet: %(amount)s accrued as of %(date)s, "
                    "below the minimum per charge of %(minimum)s") % values)
            else:
                lines.append(_("Not charged yet: %(amount)s accrued as of "
                               "%(date)s") % values)
        if now.state == 'on_hold':
            lines.append(_("On payment hold: no interest accrues and nothing "
                           "is charged until the hold is released."))
        elif timeline.cap_reached:
            lines.append(_("The cap of %s per invoice is reached: nothing "
                           "more will be charged.") % money(terms.fee_max))
        elif timeline.daily_interest > 0:
            currency = self.currency_id
            daily = late_fees.round_money(timeline.daily_interest,
                                          currency.rounding)
            lines.append(_(
                "After %(date)s: interest keeps accruing at %(rate)s %% a "
                "year on %(balance)s, %(daily)s a day, until paid.") % {
                    'date': day(timeline.last_date),
                    'rate': formatLang(self.env, float(terms.interest_rate),
                                       digits=2),
                    'balance': money(timeline.balance),
                    'daily': money(timeline.daily_interest, None if daily
                                   else currency.decimal_places + 2)})
        return lines

    @api.multi
    def _charge_late_fee(self, as_of):
        """Charge the fee due on ``as_of`` (ISO date) in a new invoice.

        Never raises for "nothing due" (the cron's entry point): returns the
        fee invoice, or False when nothing is due. Never edits ``self``.
        A caller that notes the charge on the invoice itself (the reminder
        run, in its note of the stage) passes ``late_fee_note=False``.
        """
        self.ensure_one()
        if self.type != 'out_invoice' or self.state != 'open' \
                or not self.late_payment_terms:
            return False
        # serialise the charges of one invoice: a second worker waits here,
        # then finds the charge dated as_of and charges nothing
        self.env.cr.execute(
            "SELECT id FROM account_invoice WHERE id = %s FOR UPDATE",
            (self.id,))
        self.invalidate_cache(['late_fee_charge_ids'])
        result = self._late_payment_evaluate(as_of).get(self.id)
        evaluation = result and result['evaluation']
        if not evaluation or evaluation.charge <= 0:
            return False
        frozen = json.loads(self.late_payment_terms)
        partner = self.partner_id
        explanation = self.with_context(
            lang=partner.lang or self.env.user.lang
        )._late_fee_explanation(evaluation)
        fee_invoice = self.create(self._prepare_late_fee_invoice(
            frozen, evaluation, explanation))
        if fee_invoice.tax_line_ids or fee_invoice.invoice_line_ids.mapped(
                'invoice_line_tax_ids'):
            fee_invoice.compute_taxes()
        self.env['late.fee.charge'].create(self._late_fee_charge_values(
            fee_invoice, as_of, result, explanation))
        if frozen.get('post_fee_invoices', True):
            fee_invoice.action_invoice_open()
        if not self.env.context.get('late_fee_note', True):
            return fee_invoice
        self.message_post(body=_(
            "Late fee of %(amount)s charged as of %(date)s: invoice "
            "%(invoice)s.") % {
                'amount': formatLang(self.env, float(evaluation.charge),
                                     currency_obj=self.currency_id),
                'date': format_date(self.env, as_of),
                'invoice': fee_invoice.number or _('draft')})
        return fee_invoice

    @api.multi
    def _late_fee_charge_values(self, fee_invoice, as_of, result,
                                explanation):
        """The audit record of a charge (late.fee.charge): the engine's
        figures, its explanation, the evaluation and the terms as JSON."""
        self.ensure_one()
        evaluation = result['evaluation']
        breakdown = evaluation.breakdown
        return {
            'invoice_id': self.id,
            'fee_invoice_id': fee_invoice.id,
            'currency_id': self.currency_id.id,
            'date': as_of,
            'amount': float(evaluation.charge),
            'first_charge': breakdown.first_charge,
            'previous_charges': float(breakdown.previous_charges),
            'open_balance': float(evaluation.open_balance),
            'period_start': breakdown.interest_from
            and fields.Date.to_string(breakdown.interest_from),
            'period_end': breakdown.interest_to
            and fields.Date.to_string(breakdown.interest_to),
            'interest_days': breakdown.interest_days,
            'hold_days': breakdown.hold_days,
            'rate': float(breakdown.rate),
            'fixed_part': float(breakdown.fixed_part),
            'percent': float(breakdown.percent),
            'percent_base': float(breakdown.percent_base),
            'percent_part': float(breakdown.percent_part),
            'interest_part': float(breakdown.interest_part),
            'minimum_applied': breakdown.minimum_applied,
            'cap_applied': breakdown.cap_applied,
            'cap_reduction': float(breakdown.cap_reduction),
            'explanation': explanation,
            'evaluation': json.dumps(evaluation.as_dict(), sort_keys=True),
            'terms': json.dumps(asdict(result['terms']), default=str,
                                sort_keys=True),
        }

    @api.multi
    def _prepare_late_fee_invoice(self, frozen, evaluation, explanation):
        """Values of the fee invoice: same partner, currency, payment term,
        fiscal position, receivable account and journal as ``self``."""
        self.ensure_one()
        product = self.env['product.product'].browse(
            frozen['fee_product_id'])
        if not product.exists():
            policy = self.late_payment_policy_id
            product = policy.fee_product_id
        if not product.active:
            raise UserError(_(
                "The late-fee product %s is archived: restore it, or choose "
                "another on the late-payment policy.") % product.display_name)
        fpos = self.fiscal_position_id
        account_id, tax_ids = self._late_fee_line_account_taxes(product, fpos)
        return {
            'type': 'out_invoice',
            'partner_id': self.partner_id.id,
            # the invoice's own (Odoo's create would otherwise replay its
            # partner onchange only to find it)
            'partner_bank_id': self.partner_bank_id.id,
            'company_id': self.company_id.id,
            'currency_id': self.currency_id.id,
            'journal_id': self.journal_id.id,
            'account_id': self.account_id.id,
            'payment_term_id': self.payment_term_id.id,
            'fiscal_position_id': fpos.id,
            'user_id': self.user_id.id,
            'team_id': self.team_id.id,
            'date_invoice': fields.Date.to_string(evaluation.as_of),
            'origin': self.number,
            'name': _('Late fee'),
            'late_fee_origin_id': self.id,
            'invoice_line_ids': [(0, 0, {
                'product_id': product.id,
                'name': explanation,
                'quantity': 1.0,
                'uom_id': product.uom_id.id,
                'price_unit': float(evaluation.charge),
                'account_id': account_id,
                'invoice_line_tax_ids': [(6, 0, tax_ids)],
            })],
        }

    @api.multi
    def _late_fee_line_account_taxes(self, product, fpos):
        """(income account id, tax ids) of the fee line for ``product``
        under the fiscal position ``fpos``, in the invoice's company. A
        caller charging many fees passes a dict in the context key
        ``late_fee_line_cache`` to find them once per product, fiscal
        position and company (the reminder run, per batch): Odoo reads
        the product's and its category's properties at each call."""
        self.ensure_one()
        company = self.company_id
        cache = self.env.context.get('late_fee_line_cache')
        key = (product.id, fpos.id, company.id)
        if cache is not None and key in cache:
            return cache[key]
        # the product's accounts of the invoice's company, not the user's
        account = self.env['account.invoice.line'].get_invoice_line_account(
            'out_invoice', product.with_context(force_company=company.id),
            fpos, company)
        if not account:
            raise UserError(_(
                "Define an income account on the late-fee product %s or its "
                "category.") % product.display_name)
        taxes = product.taxes_id.filtered(
            lambda tax: tax.company_id == company)
        taxes = fpos.map_tax(taxes, product, self.partner_id) if fpos \
            else taxes
        result = (account.id, taxes.ids)
        if cache is not None:
            cache[key] = result
        return result

    @api.multi
    def _late_fee_interest_parts(self, breakdown, money, percent, day):
        """One line per period of constant balance that bore interest."""
        parts = []
        for segment in breakdown.segments:
            if not segment.interest:
                continue
            values = {
                'rate': percent(breakdown.rate),
                'balance': money(segment.balance), 'days': segment.days,
                'start': day(segment.start), 'end': day(segment.end),
                'interest': money(late_fees.round_money(
                    segment.interest, self.currency_id.rounding))}
            if segment.days == 1:
                parts.append(_(
                    "interest at %(rate)s %% a year on %(balance)s for 1 "
                    "day, %(start)s: %(interest)s") % values)
            else:
                parts.append(_(
                    "interest at %(rate)s %% a year on %(balance)s for "
                    "%(days)d days, %(start)s to %(end)s: %(interest)s")
                    % values)
        return parts

    @api.multi
    def _late_fee_explanation(self, evaluation):
        """How the charge was computed, in the context's language: only the
        parts that apply, amounts with their currency; one line per part
        (and the total) when there are several, else one line."""
        self.ensure_one()
        breakdown = evaluation.breakdown
        currency = self.currency_id
        rounding = currency.rounding

        def money(value):
            return formatLang(self.env, float(value), currency_obj=currency)

        def percent(value):
            exponent = -value.normalize().as_tuple().exponent
            return formatLang(self.env, float(value),
                              digits=max(2, exponent))

        def day(value):
            return format_date(self.env, fields.Date.to_string(value))

        parts = self._late_fee_interest_parts(breakdown, money, percent, day)
        if breakdown.hold_days and breakdown.rate:
            if breakdown.hold_days == 1:
                parts.append(_("1 day on payment hold, no interest"))
            else:
                parts.append(_("%d days on payment hold, no interest")
                             % breakdown.hold_days)
        if breakdown.fixed_part:
            parts.append(_("late fee of %s") % money(breakdown.fixed_part))
        if breakdown.percent_part:
            parts.append(_(
                "%(percent)s %% of the open balance of %(base)s: %(part)s")
                % {'percent': percent(breakdown.percent),
                   'base': money(breakdown.percent_base),
                   'part': money(late_fees.round_money(
                       breakdown.percent_part, rounding))})
        if breakdown.minimum_applied:
            parts.append(_("raised to the minimum first charge of %s")
                         % money(breakdown.minimum))
        if breakdown.cap_applied:
            if breakdown.previous_charges:
                parts.append(_(
                    "capped at %(cap)s per invoice, %(previous)s being "
                    "already charged") % {
                        'cap': money(breakdown.cap),
                        'previous': money(breakdown.previous_charges)})
            else:
                parts.append(_("capped at %s per invoice")
                             % money(breakdown.cap))
        values = {'invoice': self.number, 'due': day(evaluation.due_date),
                  'total': money(evaluation.charge)}
        if len(parts) == 1:
            return _("Late payment fee on %(invoice)s due %(due)s: "
                     "%(part)s") % dict(values, part=parts[0])
        return '\n'.join(
            [_("Late payment fee on %(invoice)s due %(due)s:") % values]
            + ['- %s' % part for part in parts]
            + [_("Total: %(total)s") % values])
