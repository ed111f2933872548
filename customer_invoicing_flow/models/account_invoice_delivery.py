# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Delivery invoicing: the customer's PO reference and the deliveries on
the invoice, the checks against the sales order before posting, and the
invoice created, posted and sent when a delivery is validated."""
from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare
from odoo.tools.misc import html_escape as escape


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
