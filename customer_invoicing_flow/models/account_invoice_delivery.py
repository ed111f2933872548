# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Delivery invoicing: the customer's PO reference and the deliveries on
the invoice, the checks against the sales order before posting, and the
invoice created, posted and sent when a delivery is validated."""
from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import html_escape as escape

from .. import delivery_checks


class AccountInvoice(models.Model):
    _inherit = 'account.invoice'  # pylint: disable=R8180

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
        """Check this invoice against its sales orders before posting (the
        checks are delivery_checks').

        :return: a list of translated, plain-language messages, one per
            discrepancy; empty when the invoice can be posted.
        """
        self.ensure_one()
        found = delivery_checks.discrepancies(
            self._delivery_check_lines(), self._delivery_check_quantities(),
            self._delivery_check_totals(), self._delivery_check_orders(),
            self._delivery_check_precision())
        return [self._delivery_discrepancy_message(discrepancy)
                for discrepancy in found]

    @api.multi
    def _delivery_check_precision(self):
        precision = self.env['decimal.precision'].precision_get
        return delivery_checks.Precision(
            quantity=precision('Product Unit of Measure'),
            price=precision('Product Price'),
            discount=precision('Discount'),
            currency=self.currency_id.rounding)

    @api.multi
    def _delivery_check_lines(self):
        """Each invoice line against each of its order lines."""
        self.ensure_one()
        facts = []
        for line in self.invoice_line_ids:
            for so_line in line.sale_line_ids:
                order = so_line.order_id
                expected_taxes = order.fiscal_position_id.map_tax(
                    so_line.tax_id, so_line.product_id,
                    order.partner_shipping_id)
                earlier = so_line.invoice_lines.filtered(
                    lambda other: other.invoice_id != self
                    and other.invoice_id.state != 'cancel')
                facts.append(delivery_checks.LineFacts(
                    product=so_line.product_id.display_name or so_line.name,
                    price=line.price_unit, ordered_price=so_line.price_unit,
                    discount=line.discount,
                    ordered_discount=so_line.discount,
                    tax_ids=frozenset(line.invoice_line_tax_ids.ids),
                    tax_names=tuple(line.invoice_line_tax_ids.mapped('name')),
                    expected_tax_ids=frozenset(expected_taxes.ids),
                    expected_tax_names=tuple(expected_taxes.mapped('name')),
                    earlier_prices=tuple(earlier.mapped('price_unit'))))
        return facts

    @api.multi
    def _delivery_check_quantities(self):
        """Per order line, in its unit: the quantity on this invoice, on its
        other invoices (not cancelled) and ordered or delivered."""
        self.ensure_one()
        sign = -1 if self.type == 'out_refund' else 1
        qty_here = {}
        for line in self.invoice_line_ids:
            for so_line in line.sale_line_ids:
                qty_here.setdefault(so_line, 0.0)
                qty_here[so_line] += sign * line.uom_id._compute_quantity(
                    line.quantity, so_line.product_uom)
        facts = []
        for so_line, qty in qty_here.items():
            elsewhere = 0.0
            for inv_line in so_line.invoice_lines:
                invoice = inv_line.invoice_id
                if invoice == self or invoice.state == 'cancel':
                    continue
                other_sign = -1 if invoice.type == 'out_refund' else 1
                elsewhere += other_sign * inv_line.uom_id._compute_quantity(
                    inv_line.quantity, so_line.product_uom)
            facts.append(delivery_checks.QuantityFacts(
                product=so_line.product_id.display_name or so_line.name,
                here=qty, elsewhere=elsewhere,
                reference=so_line.product_uom_qty
                if so_line.product_id.invoice_policy == 'order'
                else so_line.qty_delivered))
        return facts

    @api.multi
    def _delivery_check_totals(self):
        self.ensure_one()
        return delivery_checks.TotalFacts(
            amount_untaxed=self.amount_untaxed, amount_tax=self.amount_tax,
            amount_total=self.amount_total,
            lines_untaxed=sum(self.invoice_line_ids.mapped('price_subtotal')),
            lines_tax=sum(self.currency_id.round(vals['amount'])
                          for vals in self.get_taxes_values().values()))

    @api.multi
    def _delivery_check_orders(self):
        self.ensure_one()
        return [delivery_checks.OrderFacts(
            name=order.name,
            requires_po_ref=order.partner_id.commercial_partner_id
            .require_po_ref,
            client_order_ref=order.client_order_ref)
            for order in self.invoice_line_ids.mapped(
                'sale_line_ids.order_id')]

    @api.model
    def _delivery_discrepancy_message(self, discrepancy):
        """The translated message for one delivery_checks.Discrepancy."""
        code, values = discrepancy.code, dict(discrepancy.values)
        if code == 'price':
            return _("%(product)s: the unit price on the invoice "
                     "(%(invoiced)s) differs from the sales order "
                     "(%(ordered)s).") % values
        if code == 'discount':
            return _("%(product)s: the discount on the invoice "
                     "(%(invoiced)s%%) differs from the sales order "
                     "(%(ordered)s%%).") % values
        if code == 'taxes':
            values.update(
                invoiced=', '.join(values['invoiced']) or _('none'),
                ordered=', '.join(values['ordered']) or _('none'))
            return _("%(product)s: the taxes on the invoice (%(invoiced)s) "
                     "differ from the sales order after fiscal position "
                     "(%(ordered)s).") % values
        if code == 'price_changed':
            return _("%(product)s: the price changed on the sales order "
                     "after an earlier delivery; invoiced before at "
                     "%(before)s, now at %(now)s.") % values
        if code == 'over_invoiced':
            return _("%(product)s: %(qty)s invoiced, but only %(left)s "
                     "delivered and not yet invoiced.") % values
        if code == 'over_credited':
            return _("%(product)s: %(qty)s credited, but only %(left)s was "
                     "invoiced beyond what the customer kept.") % values
        if code == 'totals':
            return _("The invoice total (%(total)s, of which %(tax)s taxes) "
                     "does not match its lines (%(lines_untaxed)s untaxed, "
                     "%(lines_tax)s taxes).") % values
        return _("%s: the customer requires a purchase order reference "
                 "and the order has none.") % values['order']

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
