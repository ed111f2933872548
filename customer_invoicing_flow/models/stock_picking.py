# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.tools.misc import html_escape as escape


class StockPicking(models.Model):
    _inherit = 'stock.picking'

    invoice_ids = fields.Many2many(
        'account.invoice', 'account_invoice_stock_picking_rel',
        'picking_id', 'invoice_id', string='Invoices', copy=False,
        readonly=True)
    invoice_count = fields.Integer(
        string='Invoice count', compute='_compute_invoice_count')

    @api.depends('invoice_ids')
    def _compute_invoice_count(self):
        for picking in self:
            picking.invoice_count = len(picking.invoice_ids)

    @api.multi
    def action_done(self):
        result = super(StockPicking, self).action_done()
        self._auto_invoice_deliveries()
        return result

    @api.multi
    def action_view_invoices(self):
        self.ensure_one()
        action = self.env.ref('account.action_invoice_tree1').read()[0]
        if len(self.invoice_ids) == 1:
            action['views'] = [(self.env.ref('account.invoice_form').id,
                                'form')]
            action['res_id'] = self.invoice_ids.id
        else:
            action['domain'] = [('id', 'in', self.invoice_ids.ids)]
        return action

    @api.multi
    def _is_auto_invoice_delivery(self):
        """A delivery to a customer, or a return from one to refund."""
        self.ensure_one()
        if not self.sale_id:
            return False
        if self.picking_type_code == 'outgoing':
            return True
        return self.picking_type_code == 'incoming' and any(
            move.to_refund and move.location_id.usage == 'customer'
            for move in self.move_lines)

    @api.multi
    def _auto_invoice_deliveries(self):
        """Invoice the sales orders of the done deliveries in ``self``, all
        orders at once, in their customers' modes. The invoicing runs as
        superuser (a warehouse user may not create invoices) and never
        raises for an invoicing error: the delivery stays done."""
        pickings = self.filtered(
            lambda p: p.state == 'done' and p._is_auto_invoice_delivery())
        orders = pickings.mapped('sale_id')
        if orders:
            invoices = orders.sudo()._auto_invoice_delivery()
            pickings._auto_invoice_post_links(invoices)
        return True

    @api.multi
    def _auto_invoice_post_links(self, invoices):
        """Say in each delivery's chatter which invoice (or credit note)
        it went into, with a link to it, or that invoicing is pending."""
        states = dict(invoices._fields['state']._description_selection(
            self.env))
        # each picking's invoices, in one pass over the invoices
        by_picking = {}
        for invoice in invoices:
            for picking_id in invoice.picking_ids.ids:
                by_picking[picking_id] = by_picking.get(
                    picking_id, invoices.browse()) | invoice
        for picking in self:
            mine = by_picking.get(picking.id)
            if mine:
                links = ', '.join(
                    '<a href="#" data-oe-model="account.invoice" '
                    'data-oe-id="%d">%s</a> (%s)' % (
                        invoice.id,
                        escape(invoice.number or invoice.display_name),
                        escape(states.get(invoice.state, invoice.state)))
                    for invoice in mine)
                if all(invoice.type == 'out_refund' for invoice in mine):
                    body = _("Credited in %s.") % links
                else:
                    body = _("Invoiced in %s.") % links
                picking.message_post(body=body)
            elif picking.sale_id.sudo().auto_invoice_pending:
                picking.message_post(body=escape(_(
                    "Not invoiced yet: invoicing the order failed (see "
                    "%s); the scheduled action retries it.")
                    % picking.sale_id.name))
