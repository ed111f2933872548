# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
import threading
from dataclasses import asdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare
from odoo.tools.misc import html_escape as escape
from odoo.tools.misc import format_date, formatLang

from .. import late_fees
from .. import lifecycle
from ..button_api import web_button, without_defaults
from .late_payment_policy import FROZEN_AMOUNTS
from .payment_reminder_log import _is_concurrency_error

_logger = logging.getLogger(__name__)

# The asset bundles a PDF report loads (web.report_layout and
# web.minimal_layout)
REPORT_BUNDLES = ('web.assets_common', 'web.report_assets_common',
                  'web_editor.summernote', 'web_editor.assets_editor',
                  'web.report_assets_editor', 'web.report_assets_pdf')

LATE_PAYMENT_STATES = [
    ('not_due', 'Not due'),
    ('in_grace', 'In grace period'),
    ('late', 'Late'),
    ('paid', 'Paid'),
    ('on_hold', 'On hold'),
]


class AccountInvoice(models.Model):
    _inherit = 'account.invoice'

    client_order_ref = fields.Char(
        string='Customer PO reference', copy=False,
        readonly=True, states={'draft': [('readonly', False)]})
    client_order_date = fields.Date(
        string='Customer PO date', copy=False,
        readonly=True, states={'draft': [('readonly', False)]})
    picking_ids = fields.Many2many(
        'stock.picking', 'account_invoice_stock_picking_rel',
        'invoice_id', 'picking_id', string='Deliveries', copy=False,
        readonly=True)
    picking_count = fields.Integer(
        string='Delivery count', compute='_compute_picking_count')
    delivery_date = fields.Datetime(
        string='Delivered on', copy=False, readonly=True,
        help="When the goods of this invoice were delivered (the latest "
             "delivery when there are several).")

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
        store=True)
    late_payment_state = fields.Selection(
        LATE_PAYMENT_STATES, string='Late-Payment Status',
        compute='_compute_late_payment', search='_search_late_payment_state')
    days_late = fields.Integer(compute='_compute_late_payment')
    late_fee_accrued = fields.Monetary(
        string='Late Fee Due', compute='_compute_late_payment',
        help="The late fee that would be charged today and is not charged "
             "yet.")
    late_fee_charged = fields.Monetary(
        string='Late Fees Charged', compute='_compute_late_payment',
        help="Total of the late fees charged, cancelled fee invoices "
             "excluded.")
    late_fee_preview = fields.Text(
        string='Fee Timeline', compute='_compute_late_payment',
        help="What each remaining fee-charging stage would charge if "
             "nothing more is paid.")
    late_fee_origin_id = fields.Many2one(
        'account.invoice', string='Late Fee For', copy=False, readonly=True,
        index=True, ondelete='restrict')
    late_fee_invoice_ids = fields.One2many(
        'account.invoice', 'late_fee_origin_id', string='Late-Fee Invoices',
        readonly=True)
    late_fee_charge_ids = fields.One2many(
        'late.fee.charge', 'invoice_id', string='Late Fee Charges',
        readonly=True)
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
    late_fee_invoice_count = fields.Integer(
        string='Late-fee invoice count',
        compute='_compute_late_fee_invoice_count')

    # Lifecycle: when each step happened, and how long it took
    validated_date = fields.Datetime(
        string='Validated on', copy=False, readonly=True,
        help="When the invoice was validated (its journal entry created).")
    sent_date = fields.Datetime(
        string='Sent on', copy=False, readonly=True, index=True,
        help="The first time the invoice itself (its PDF) was emailed to "
             "the customer; later sends do not move it.")
    viewed_date = fields.Datetime(
        string='Viewed on', copy=False, readonly=True, index=True,
        help="The first time the customer opened the invoice in the portal "
             "or its PDF through the emailed link (internal users' visits "
             "do not count).")
    paid_date = fields.Date(
        string='Paid on', compute='_compute_paid_date', store=True,
        copy=False, index=True,
        help="The date of the payment or credit note that made the amount "
             "due zero.")
    lifecycle_state = fields.Selection(
        lifecycle.LIFECYCLE_STATES, string='Lifecycle',
        compute='_compute_lifecycle_state', store=True, index=True)
    delivery_to_invoice_hours = fields.Float(
        string='Hours Delivery to Invoice', group_operator='avg',
        compute='_compute_lifecycle_measures', store=True,
        help="From the delivery to the invoice's validation; 0 without a "
             "delivery date.")
    invoice_to_sent_hours = fields.Float(
        string='Hours Invoice to Sent', group_operator='avg',
        compute='_compute_lifecycle_measures', store=True)
    sent_to_view_hours = fields.Float(
        string='Hours Sent to Viewed', group_operator='avg',
        compute='_compute_lifecycle_measures', store=True)
    invoice_to_paid_days = fields.Float(
        string='Days Invoice to Paid', group_operator='avg',
        compute='_compute_lifecycle_measures', store=True)
    due_to_paid_days = fields.Float(
        string='Days Due to Paid', group_operator='avg',
        compute='_compute_lifecycle_measures', store=True,
        help="Negative when paid before the due date.")

    @api.depends('picking_ids')
    def _compute_picking_count(self):
        for invoice in self:
            invoice.picking_count = len(invoice.picking_ids)

    @api.multi
    def action_view_pickings(self):
        self.ensure_one()
        action = self.env.ref('stock.action_picking_tree_all').read()[0]
        if len(self.picking_ids) == 1:
            action['views'] = [(self.env.ref('stock.view_picking_form').id,
                                'form')]
            action['res_id'] = self.picking_ids.id
        else:
            action['domain'] = [('id', 'in', self.picking_ids.ids)]
        return action

    @api.multi
    def _get_delivery_discrepancies(self):
        """Check this invoice against its sales orders before posting.

        :return: a list of translated, plain-language messages, one per
            discrepancy; empty when the invoice can be posted.
        """
        self.ensure_one()
        messages = []
        sign = -1 if self.type == 'out_refund' else 1
        qty_digits = self.env['decimal.precision'].precision_get(
            'Product Unit of Measure')
        price_digits = self.env['decimal.precision'].precision_get(
            'Product Price')
        discount_digits = self.env['decimal.precision'].precision_get(
            'Discount')
        rounding = self.currency_id.rounding
        # quantity on this invoice per order line, in the order line's unit
        qty_here = {}
        for line in self.invoice_line_ids:
            for so_line in line.sale_line_ids:
                qty_here.setdefault(so_line, 0.0)
                qty_here[so_line] += sign * line.uom_id._compute_quantity(
                    line.quantity, so_line.product_uom)
                product = so_line.product_id.display_name or so_line.name
                if float_compare(line.price_unit, so_line.price_unit,
                                 precision_digits=price_digits):
                    messages.append(_(
                        "%(product)s: the unit price on the invoice "
                        "(%(invoiced)s) differs from the sales order "
                        "(%(ordered)s).") % {
                            'product': product, 'invoiced': line.price_unit,
                            'ordered': so_line.price_unit})
                if float_compare(line.discount, so_line.discount,
                                 precision_digits=discount_digits):
                    messages.append(_(
                        "%(product)s: the discount on the invoice "
                        "(%(invoiced)s%%) differs from the sales order "
                        "(%(ordered)s%%).") % {
                            'product': product, 'invoiced': line.discount,
                            'ordered': so_line.discount})
                order = so_line.order_id
                expected_taxes = order.fiscal_position_id.map_tax(
                    so_line.tax_id, so_line.product_id,
                    order.partner_shipping_id)
                if line.invoice_line_tax_ids != expected_taxes:
                    messages.append(_(
                        "%(product)s: the taxes on the invoice (%(invoiced)s) "
                        "differ from the sales order after fiscal position "
                        "(%(ordered)s).") % {
                            'product': product,
                            'invoiced': ', '.join(
                                line.invoice_line_tax_ids.mapped('name'))
                            or _('none'),
                            'ordered': ', '.join(
                                expected_taxes.mapped('name')) or _('none')})
                earlier = so_line.invoice_lines.filtered(
                    lambda other: other.invoice_id != self
                    and other.invoice_id.state != 'cancel'
                    and float_compare(other.price_unit, line.price_unit,
                                      precision_digits=price_digits))
                if earlier:
                    messages.append(_(
                        "%(product)s: the price changed on the sales order "
                        "after an earlier delivery; invoiced before at "
                        "%(before)s, now at %(now)s.") % {
                            'product': product,
                            'before': earlier[0].price_unit,
                            'now': line.price_unit})
        for so_line, qty in qty_here.items():
            invoiced_elsewhere = 0.0
            for inv_line in so_line.invoice_lines:
                invoice = inv_line.invoice_id
                if invoice == self or invoice.state == 'cancel':
                    continue
                other_sign = -1 if invoice.type == 'out_refund' else 1
                invoiced_elsewhere += other_sign * \
                    inv_line.uom_id._compute_quantity(
                        inv_line.quantity, so_line.product_uom)
            if so_line.product_id.invoice_policy == 'order':
                reference = so_line.product_uom_qty
            else:
                reference = so_line.qty_delivered
            product = so_line.product_id.display_name or so_line.name
            if qty > 0 and float_compare(
                    qty, reference - invoiced_elsewhere,
                    precision_digits=qty_digits) > 0:
                messages.append(_(
                    "%(product)s: %(qty)s invoiced, but only %(left)s "
                    "delivered and not yet invoiced.") % {
                        'product': product, 'qty': qty,
                        'left': reference - invoiced_elsewhere})
            elif qty < 0 and float_compare(
                    -qty, invoiced_elsewhere - reference,
                    precision_digits=qty_digits) > 0:
                messages.append(_(
                    "%(product)s: %(qty)s credited, but only %(left)s was "
                    "invoiced beyond what the customer kept.") % {
                        'product': product, 'qty': -qty,
                        'left': invoiced_elsewhere - reference})
        lines_untaxed = sum(self.invoice_line_ids.mapped('price_subtotal'))
        expected_tax = sum(
            self.currency_id.round(vals['amount'])
            for vals in self.get_taxes_values().values())
        if float_compare(self.amount_untaxed, lines_untaxed,
                         precision_rounding=rounding) \
                or float_compare(self.amount_tax, expected_tax,
                                 precision_rounding=rounding) \
                or float_compare(self.amount_total,
                                 self.amount_untaxed + self.amount_tax,
                                 precision_rounding=rounding):
            messages.append(_(
                "The invoice total (%(total)s, of which %(tax)s taxes) does "
                "not match its lines (%(lines_untaxed)s untaxed, "
                "%(lines_tax)s taxes).") % {
                    'total': self.amount_total, 'tax': self.amount_tax,
                    'lines_untaxed': lines_untaxed,
                    'lines_tax': expected_tax})
        orders = self.invoice_line_ids.mapped('sale_line_ids.order_id')
        for order in orders:
            if order.partner_id.commercial_partner_id.require_po_ref \
                    and not order.client_order_ref:
                messages.append(_(
                    "%s: the customer requires a purchase order reference "
                    "and the order has none.") % order.name)
        return messages

    @api.multi
    def _auto_invoice_process(self):
        """Finish the invoices created from deliveries (already linked to
        them and dated, see ``sale.order._prepare_invoice``): check them
        and, in the customer's mode, post and send.

        Raises on a posting error; the caller holds the savepoint.
        """
        to_post = self.browse()
        to_send = self.browse()
        for invoice in self:
            orders = invoice.invoice_line_ids.mapped('sale_line_ids.order_id')
            discrepancies = invoice._get_delivery_discrepancies()
            if discrepancies:
                invoice._auto_invoice_report_discrepancies(
                    orders[:1], discrepancies)
                continue
            mode = orders[:1]._get_auto_invoice_mode()
            if mode in ('posted', 'sent'):
                to_post |= invoice
            if mode == 'sent':
                to_send |= invoice
        if to_post:
            result = to_post.action_invoice_open()
            not_open = to_post.filtered(lambda i: i.state != 'open')
            if isinstance(result, dict) or not_open:
                raise UserError(_(
                    "The invoice could not be posted: its validation asks "
                    "for a confirmation (%s).") % (
                        isinstance(result, dict) and result.get('name')
                        or ', '.join(not_open.mapped('state'))))
        if to_send:
            to_send._auto_invoice_send()
        return True

    @api.model
    def _auto_invoice_delivery_values(self, pickings, company):
        """Invoice values linking ``pickings`` and dating the invoice on the
        day of the latest delivery, in the company's time zone (else the
        user's)."""
        vals = {'picking_ids': [(6, 0, pickings.ids)]}
        dates = [d for d in pickings.mapped('date_done') if d]
        if dates:
            delivery_date = max(dates)
            tz = company.partner_id.tz or self.env.user.tz or 'UTC'
            local = fields.Datetime.context_timestamp(
                self.with_context(tz=tz),
                fields.Datetime.from_string(delivery_date))
            vals.update({
                'delivery_date': delivery_date,
                'date_invoice': fields.Date.to_string(local.date()),
            })
        return vals

    @api.multi
    def _auto_invoice_report_discrepancies(self, order, discrepancies):
        """Keep the invoice draft: list the discrepancies in its chatter and
        ask the order's responsible to look at them."""
        self.ensure_one()
        body = '<p>%s</p><ul>%s</ul>' % (
            escape(_("This invoice was kept in draft because it does not "
                     "match its sales order:")),
            ''.join('<li>%s</li>' % escape(msg) for msg in discrepancies))
        self.message_post(body=body)
        order._auto_invoice_schedule_activity(
            _("Check the invoice before posting it"),
            '\n'.join(discrepancies), record=self)

    @api.multi
    def _auto_invoice_send(self):
        """Queue the standard invoice email, with the invoice PDF, for these
        posted invoices and mark them sent. The mails go to the mail queue
        (never sent inline) and stay in the invoices' chatter."""
        template = self.env.ref('account.email_template_edi_invoice')
        self._ensure_report_assets()
        # the marker first: a replayed transaction sees it
        self.write({'sent': True})
        for invoice in self:
            template.send_mail(invoice.id, force_send=False,
                               email_values={'notification': True})

    # ------------------------------------------------------------------
    # Late payment
    # ------------------------------------------------------------------

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
        the whole recordset."""
        as_of = self._late_payment_as_of()
        evaluated = self._late_payment_evaluate(as_of)
        for invoice in self:
            result = evaluated.get(invoice.id)
            if not result:
                invoice.late_payment_state = False
                invoice.days_late = 0
                invoice.late_fee_accrued = 0.0
                invoice.late_fee_charged = 0.0
                invoice.late_fee_preview = False
                continue
            evaluation = result['evaluation']
            invoice.late_payment_state = evaluation.state
            invoice.days_late = evaluation.days_late \
                if evaluation.state not in ('paid', 'not_due') else 0
            invoice.late_fee_accrued = float(evaluation.charge)
            invoice.late_fee_charged = float(sum(
                amount for _date, amount in result['facts'].charges))
            invoice.late_fee_preview = invoice._late_fee_preview_text(
                result['terms'], result['facts'], as_of)

    def _search_late_payment_state(self, operator, value):
        """Evaluate the candidate invoices: the state depends on today."""
        if operator not in ('=', '!=', 'in', 'not in'):
            raise UserError(_("Unsupported search on the late-payment "
                              "status: %s") % operator)
        values = value if isinstance(value, (list, tuple)) else [value]
        candidates = self.search([
            ('type', '=', 'out_invoice'), ('state', 'in', ('open', 'paid')),
            ('late_payment_terms', '!=', False)])
        ids = candidates.filtered(
            lambda invoice: invoice.late_payment_state in values).ids
        if operator in ('!=', 'not in'):
            return [('id', 'not in', ids)]
        return [('id', 'in', ids)]

    @api.multi
    def write(self, vals):
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
        """Freeze the late-payment policy in force on customer invoices."""
        for invoice in self.filtered(
                lambda inv: inv.type == 'out_invoice'
                and not inv.late_fee_origin_id):
            policy = invoice.sudo().late_payment_policy_id \
                or invoice._default_late_payment_policy()
            if policy:
                invoice.write({'late_payment_policy_id': policy.id})
        return super(AccountInvoice, self).invoice_validate()

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
    @web_button
    def action_payment_hold(self, reason, *, date=None):
        """Put the open invoices on payment hold from ``date`` (default
        today): ``date`` is the first day on hold.

        Python API: ``action_payment_hold(reason, date=...)``."""
        self._check_collections_user()
        invoices = self._without_action_defaults()
        date = invoices._button_date(date)
        reason = (reason or '').strip()
        if not reason:
            raise UserError(_("Give the reason of the payment hold."))
        for invoice in invoices:
            if invoice.payment_hold:
                raise UserError(_("Invoice %s is already on payment hold.")
                                % invoice.number)
            if invoice.type != 'out_invoice' or invoice.state != 'open':
                raise UserError(_(
                    "Invoice %s: only an open customer invoice can be put "
                    "on payment hold.") % (invoice.number
                                           or invoice.display_name))
        for invoice in invoices:
            self.env['late.payment.hold'].create({
                'invoice_id': invoice.id, 'date_start': date,
                'reason': reason})
            invoice.write({'payment_hold': True,
                           'payment_hold_reason': reason})
            invoice.message_post(body=_(
                "Payment hold from %(date)s: %(reason)s") % {
                    'date': format_date(self.env, date), 'reason': reason})
        return True

    @api.multi
    @web_button
    def action_payment_release(self, *, date=None, reason=None):
        """Release the payment hold on ``date`` (default today): the
        invoice is no longer on hold from that day on, so it accrues
        interest and is reminded again from ``date``; the hold period ends
        the day before (its ``date_end`` is the last day on hold). A hold
        released the day it started holds no day.

        Python API: ``action_payment_release(date=..., reason=...)``."""
        self._check_collections_user()
        invoices = self._without_action_defaults()
        date = invoices._button_date(date)
        last_day = fields.Date.to_string(
            fields.Date.from_string(date) - timedelta(days=1))
        holds = self.env['late.payment.hold'].search([
            ('invoice_id', 'in', invoices.ids), ('date_end', '=', False)])
        for hold in holds:
            if hold.date_start > date:
                raise UserError(_(
                    "The payment hold of invoice %(invoice)s starts on "
                    "%(start)s: it cannot be released before, on "
                    "%(date)s.") % {
                        'invoice': hold.invoice_id.number,
                        'start': format_date(self.env, hold.date_start),
                        'date': format_date(self.env, date)})
        holds.write({'date_end': last_day, 'release_date': date,
                     'release_user_id': self.env.uid,
                     'release_reason': reason})
        for invoice in invoices.filtered('payment_hold'):
            hold_reason = invoice.payment_hold_reason
            invoice.write({'payment_hold': False,
                           'payment_hold_reason': False})
            values = {'date': format_date(self.env, date),
                      'release': reason, 'reason': hold_reason}
            if reason:
                body = _("Payment hold released on %(date)s: %(release)s "
                         "(hold reason was: %(reason)s)") % values
            else:
                body = _("Payment hold released on %(date)s (reason "
                         "was: %(reason)s)") % values
            invoice.message_post(body=body)
        return True

    @api.multi
    def action_view_late_fee_invoices(self):
        self.ensure_one()
        action = self.env.ref('account.action_invoice_tree1').read()[0]
        action['domain'] = [('late_fee_origin_id', '=', self.id)]
        action['context'] = {'default_late_fee_origin_id': self.id,
                             'create': False}
        return action

    @api.multi
    def action_send_reminder_now(self):
        """Show what the reminder due now would do and ask to confirm (the
        form's button): see ``payment.reminder.send.wizard``."""
        self.ensure_one()
        return self.action_send_reminder_now_multi()

    @api.multi
    def action_send_reminder_now_multi(self):
        """The same for the selected invoices (list action): one email per
        customer and stage. Invoices that cannot be reminded are listed
        with the reason; when none can, the reasons are the answer."""
        self._check_collections_user()
        return self.env['payment.reminder.send.wizard']._open_for(
            self._without_action_defaults())

    @api.multi
    def _reminder_refusal(self):
        """Why this invoice cannot be reminded now, or False."""
        self.ensure_one()
        if self.type != 'out_invoice' or self.state != 'open' \
                or not self.late_payment_policy_id:
            return _("Invoice %s: only an open invoice with a late-payment "
                     "policy can be reminded.") % (
                         self.number or self.display_name)
        if self.payment_hold:
            return _("Invoice %s is on payment hold: release it before "
                     "sending a reminder.") % self.number
        if self.commercial_partner_id.no_payment_reminders:
            return _("Invoice %(invoice)s: %(customer)s is opted out of "
                     "payment reminders.") % {
                         'invoice': self.number,
                         'customer': self.commercial_partner_id.name}
        return False

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

    @api.model
    def _amounts_text(self, invoices):
        """The total of ``invoices`` per currency, e.g. "$ 80.00"."""
        totals = {}
        for invoice in invoices:
            totals.setdefault(invoice.currency_id, 0.0)
            totals[invoice.currency_id] += invoice.amount_total
        return ', '.join(formatLang(self.env, amount, currency_obj=currency)
                         for currency, amount in totals.items())

    @api.multi
    def _without_action_defaults(self):
        """These records without the ``default_*`` keys of the action that
        opened them (see :func:`..button_api.clean_context`)."""
        return without_defaults(self)

    @api.model
    def _button_date(self, value):
        """``value`` (ISO string or date) as an ISO date, or a clear error.
        Default: the day the form shows the late-payment status for (the
        context's ``late_payment_as_of``, else today)."""
        if not value:
            return self._late_payment_as_of()
        try:
            if isinstance(value, str):
                value = fields.Date.from_string(value)
            return fields.Date.to_string(value)
        except (TypeError, ValueError, AttributeError):
            raise UserError(_("Not a date: %r") % (value,))

    @api.model
    def _cron_process_late_payments(self, as_of=None, batch_size=100,
                                    commit=True):
        """The daily reminder run for ``as_of`` (ISO string or date;
        default today in the company's timezone): fire the stages due.

        Invoices go in batches; outside tests (and unless ``commit`` is
        False: a caller running it inside its own transaction) each batch
        is committed on its own, so a crash loses at most the batch under
        way, which the next run redoes. A batch that collides with another
        worker is replayed once in a fresh transaction."""
        if not as_of:
            company = self.env.user.company_id
            as_of = fields.Date.context_today(self.with_context(
                tz=company.partner_id.tz or self.env.user.tz or 'UTC'))
        elif not isinstance(as_of, str):
            as_of = fields.Date.to_string(as_of)
        else:
            as_of = fields.Date.to_string(fields.Date.from_string(as_of))
        own_transactions = commit and not getattr(
            threading.currentThread(), 'testing', False)
        Log = self.env['payment.reminder.log'].sudo()
        self._ensure_report_assets()
        Log._release_credit_holds()
        if own_transactions:
            # before any PDF: wkhtmltopdf reads the bundles over HTTP
            self.env.cr.commit()  # pylint: disable=invalid-commit
        invoice_ids = Log._candidate_invoice_ids(as_of)
        processed = Log.browse()
        for start in range(0, len(invoice_ids), batch_size):
            batch = invoice_ids[start:start + batch_size]
            for attempt in (1, 2):
                try:
                    processed |= self._process_reminder_batch(batch, as_of)
                    break
                except Exception as error:  # pylint: disable=broad-except
                    if not own_transactions or attempt == 2 \
                            or not _is_concurrency_error(error):
                        raise
                    # another worker committed part of this batch after our
                    # snapshot: replay it in a fresh transaction
                    _logger.info("Late-payment run of %s: batch replayed "
                                 "after a concurrent update (%s)", as_of,
                                 error.__class__.__name__)
                    self.env.cr.rollback()
                    self.env.clear()
            if own_transactions:
                # one transaction per batch: a crash keeps the batches done
                self.env.cr.commit()  # pylint: disable=invalid-commit
        _logger.info("Late-payment run of %s: %d invoices due, %d stage "
                     "logs written", as_of, len(invoice_ids), len(processed))
        return processed

    @api.model
    def _process_reminder_batch(self, invoice_ids, as_of):
        """One batch, all or nothing, like the transaction it is outside
        tests: whatever interrupts it (even a KeyboardInterrupt or
        SystemExit, which Odoo's savepoint lets through) undoes it."""
        cr = self.env.cr
        cr.execute('SAVEPOINT cif_reminder_batch')
        try:
            logs = self.env['payment.reminder.log'].sudo()._process_batch(
                invoice_ids, as_of)
        except BaseException:
            cr.execute('ROLLBACK TO SAVEPOINT cif_reminder_batch')
            self.invalidate_cache()
            raise
        cr.execute('RELEASE SAVEPOINT cif_reminder_batch')
        return logs

    @api.model
    def _ensure_report_assets(self):
        """Build the invoice PDF's asset bundles now, in this transaction.

        Printing a PDF while a bundle is missing (the first print after an
        install or upgrade) builds it and commits the transaction (Odoo's
        ``commit_assetsbundle``): in the middle of a reminder batch or of a
        delivery validation, that would commit half of it and lose its
        savepoints. Built here first, nothing is left for the PDF to build.
        wkhtmltopdf fetches the bundles over HTTP, so a PDF is styled once
        they are committed: the registry load (this model's
        ``_register_hook``) and the reminder run commit them; elsewhere the
        transaction's own commit does.
        """
        QWeb = self.env['ir.qweb'].sudo().with_context(
            commit_assetsbundle=False)
        for xmlid in REPORT_BUNDLES:
            if not self.env.ref(xmlid, raise_if_not_found=False):
                continue
            files, _remains = QWeb._get_asset_content(xmlid, {})
            bundle = QWeb.get_asset_bundle(xmlid, files, env=QWeb.env)
            if bundle.stylesheets and not bundle.get_attachments('css'):
                bundle.css()
            if bundle.javascripts and not bundle.get_attachments('js'):
                bundle.js()

    @api.model_cr
    def _register_hook(self):
        super(AccountInvoice, self)._register_hook()
        try:
            with self.env.cr.savepoint():
                self._ensure_report_assets()
        except Exception:  # pylint: disable=broad-except
            # never stop the server for this: the first PDF builds them
            _logger.warning("Could not build the invoice report styles",
                            exc_info=True)

    @api.model
    def _check_collections_user(self):
        if not self.env.user.has_group(
                'customer_invoicing_flow.group_collections_user'):
            raise AccessError(_(
                "Only collections staff may send reminders, charge late "
                "fees or put invoices on hold."))

    @api.multi
    def get_reminder_recipient(self):
        """Who receives the reminders: the invoice's address when it is an
        invoicing contact, else the customer's first invoicing contact
        with an email, else the customer itself."""
        self.ensure_one()
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
    def _late_payment_as_of(self):
        as_of = self.env.context.get('late_payment_as_of')
        if as_of and not isinstance(as_of, str):
            as_of = fields.Date.to_string(as_of)
        return as_of or fields.Date.context_today(self)

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

    @api.multi
    def _late_payment_facts(self):
        """{invoice id: late_fees.InvoiceFacts} with three queries in all.

        Payments and credit notes are the partial reconciliations of the
        invoice's receivable lines, dated by their counterpart line and taken
        in the invoice currency (as account.invoice._get_payments_vals does).
        """
        invoices = self.filtered(lambda inv: isinstance(inv.id, int))
        if not invoices:
            return {}
        self.env.cr.execute("""
            SELECT inv.id, apr.amount, apr.amount_currency, apr.currency_id,
                   counterpart.date
              FROM account_invoice inv
              JOIN account_move_line line
                ON line.move_id = inv.move_id
               AND line.account_id = inv.account_id
              JOIN account_partial_reconcile apr
                ON apr.debit_move_id = line.id
              JOIN account_move_line counterpart
                ON counterpart.id = apr.credit_move_id
             WHERE inv.id IN %s
        """, (tuple(invoices.ids),))
        payments = {invoice.id: [] for invoice in invoices}
        for invoice_id, amount, amount_currency, currency_id, date \
                in self.env.cr.fetchall():
            invoice = invoices.browse(invoice_id)
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
        for charge in self.env['late.fee.charge'].sudo().search_read(
                [('invoice_id', 'in', invoices.ids),
                 ('fee_invoice_id.state', '!=', 'cancel')],
                ['invoice_id', 'date', 'amount']):
            charges[charge['invoice_id'][0]].append(
                (charge['date'], charge['amount']))
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
        for invoice in invoices:
            if invoice.id not in facts:
                continue
            terms = invoice._late_payment_terms_at(as_of)
            result[invoice.id] = {
                'terms': terms,
                'facts': facts[invoice.id],
                'evaluation': late_fees.evaluate(
                    terms, facts[invoice.id], as_of,
                    invoice.currency_id.rounding),
            }
        return result

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
        return '\n'.join(lines) or False

    @api.multi
    def _charge_late_fee(self, as_of):
        """Charge the fee due on ``as_of`` (ISO date) in a new invoice.

        Never raises for "nothing due" (the cron's entry point): returns the
        fee invoice, or False when nothing is due. Never edits ``self``.
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
        breakdown = evaluation.breakdown
        self.env['late.fee.charge'].create({
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
        })
        if frozen.get('post_fee_invoices', True):
            fee_invoice.action_invoice_open()
        self.message_post(body=_(
            "Late fee of %(amount)s charged as of %(date)s: invoice "
            "%(invoice)s.") % {
                'amount': formatLang(self.env, float(evaluation.charge),
                                     currency_obj=self.currency_id),
                'date': format_date(self.env, as_of),
                'invoice': fee_invoice.number or _('draft')})
        return fee_invoice

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
        fpos = self.fiscal_position_id
        account = self.env['account.invoice.line'].get_invoice_line_account(
            'out_invoice', product, fpos, self.company_id)
        if not account:
            raise UserError(_(
                "Define an income account on the late-fee product %s or its "
                "category.") % product.display_name)
        taxes = product.taxes_id.filtered(
            lambda tax: tax.company_id == self.company_id)
        taxes = fpos.map_tax(taxes, product, self.partner_id) if fpos \
            else taxes
        return {
            'type': 'out_invoice',
            'partner_id': self.partner_id.id,
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
                'account_id': account.id,
                'invoice_line_tax_ids': [(6, 0, taxes.ids)],
            })],
        }

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

        parts = []
        for segment in breakdown.segments:
            if not segment.interest:
                continue
            values = {
                'rate': percent(breakdown.rate),
                'balance': money(segment.balance), 'days': segment.days,
                'start': day(segment.start), 'end': day(segment.end),
                'interest': money(late_fees.round_money(segment.interest,
                                                        rounding))}
            if segment.days == 1:
                parts.append(_(
                    "interest at %(rate)s %% a year on %(balance)s for 1 "
                    "day, %(start)s: %(interest)s") % values)
            else:
                parts.append(_(
                    "interest at %(rate)s %% a year on %(balance)s for "
                    "%(days)d days, %(start)s to %(end)s: %(interest)s")
                    % values)
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

    # ------------------------------------------------------------------
    # Lifecycle
    # ------------------------------------------------------------------

    @api.depends('state', 'residual')
    def _compute_paid_date(self):
        """The latest date among the lines reconciled with the invoice's
        receivable/payable lines, for paid invoices (one query for all)."""
        paid = self.filtered(
            lambda inv: inv.state == 'paid' and isinstance(inv.id, int))
        dates = {}
        if paid:
            self.env.cr.execute("""
                SELECT inv.id, MAX(counterpart.date)
                  FROM account_invoice inv
                  JOIN account_move_line line
                    ON line.move_id = inv.move_id
                   AND line.account_id = inv.account_id
                  JOIN account_partial_reconcile part
                    ON line.id IN (part.debit_move_id, part.credit_move_id)
                  JOIN account_move_line counterpart
                    ON counterpart.id = CASE
                        WHEN part.debit_move_id = line.id
                        THEN part.credit_move_id
                        ELSE part.debit_move_id END
                 WHERE inv.id IN %s
                 GROUP BY inv.id
            """, (tuple(paid.ids),))
            dates = dict(self.env.cr.fetchall())
        for invoice in self:
            if invoice.state != 'paid':
                invoice.paid_date = False
            else:
                # nothing reconciled: an invoice of zero, paid when issued
                invoice.paid_date = dates.get(invoice.id) \
                    or invoice.date_invoice

    @api.depends('state', 'sent_date', 'viewed_date', 'residual',
                 'amount_total')
    def _compute_lifecycle_state(self):
        for invoice in self:
            rounding = invoice.currency_id.rounding or 0.01
            partially_paid = float_compare(
                invoice.residual, invoice.amount_total,
                precision_rounding=rounding) < 0
            invoice.lifecycle_state = lifecycle.lifecycle_state(
                invoice.state, bool(invoice.sent_date),
                bool(invoice.viewed_date), partially_paid)

    @api.depends('delivery_date', 'validated_date', 'sent_date',
                 'viewed_date', 'date_invoice', 'date_due', 'paid_date')
    def _compute_lifecycle_measures(self):
        """Durations between the steps; 0 when a step is missing (filter on
        the step's date when averaging)."""
        def moment(value):
            return value and fields.Datetime.from_string(value) or None

        def day(value):
            return value and fields.Date.from_string(value) or None

        for invoice in self:
            validated = moment(invoice.validated_date)
            sent = moment(invoice.sent_date)
            paid = day(invoice.paid_date)
            invoice.delivery_to_invoice_hours = lifecycle.hours_between(
                moment(invoice.delivery_date), validated) or 0.0
            invoice.invoice_to_sent_hours = lifecycle.hours_between(
                validated, sent) or 0.0
            invoice.sent_to_view_hours = lifecycle.hours_between(
                sent, moment(invoice.viewed_date)) or 0.0
            invoice.invoice_to_paid_days = lifecycle.days_between(
                day(invoice.date_invoice), paid) or 0.0
            invoice.due_to_paid_days = lifecycle.days_between(
                day(invoice.date_due or invoice.date_invoice), paid) or 0.0

    @api.multi
    def action_invoice_open(self):
        result = super(AccountInvoice, self).action_invoice_open()
        self.filtered(
            lambda inv: inv.state in ('open', 'paid')
            and not inv.validated_date
        ).write({'validated_date': fields.Datetime.now()})
        return result

    @api.multi
    def _mark_sent(self, when=None):
        """Record that the invoices were emailed to the customer at ``when``
        (default now), for those not marked before: the first send counts.
        Every way of sending calls this (see ``mail.message``)."""
        to_mark = self.filtered(lambda inv: not inv.sent_date)
        if to_mark:
            # sudo: whoever may email the invoice may record that he did
            to_mark.sudo().write(
                {'sent_date': when or fields.Datetime.now()})
        return to_mark

    @api.multi
    def _mark_viewed(self, when=None):
        """Record that the customer opened the invoices at ``when`` (default
        now), for those not viewed before."""
        to_mark = self.filtered(lambda inv: not inv.viewed_date)
        if to_mark:
            # sudo: the visitor is a portal or public user
            to_mark.sudo().write(
                {'viewed_date': when or fields.Datetime.now()})
        return to_mark
