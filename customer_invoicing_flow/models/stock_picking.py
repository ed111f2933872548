# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


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
            orders.sudo()._auto_invoice_delivery()
        return True
