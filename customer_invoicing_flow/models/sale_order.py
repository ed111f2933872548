# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import threading

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero
from odoo.tools.misc import format_date, formatLang

_logger = logging.getLogger(__name__)

# Orders invoiced per call of Odoo's action_invoice_create and validation:
# both cost more per order the more orders one call holds (every write
# recomputes over the whole prefetch set), so a large transfer goes in
# chunks of this many, each with records of its own (issue 15, point 3).
# 5 rather than 20: 12-15 % less time per order at 20 orders (the chunks
# of 20 were one batch there), while order by order (1) reads more again
# than it saves.
AUTO_INVOICE_CHUNK = 5


class SaleOrder(models.Model):
    _inherit = 'sale.order'

    client_order_date = fields.Date(
        string='Customer PO date', copy=False,
        help="Date of the customer's purchase order, printed on the "
             "invoices with the customer reference.")
    auto_invoice_pending = fields.Boolean(
        string='Delivery invoicing pending', copy=False, readonly=True,
        index=True,
        help="Invoicing this order after a delivery failed; the scheduled "
             "action retries it.")
    auto_invoice_error = fields.Text(
        string='Delivery invoicing error', copy=False, readonly=True)

    credit_hold = fields.Boolean(
        related='partner_id.commercial_partner_id.credit_hold',
        string='Customer on Credit Hold', readonly=True)

    @api.multi
    def action_confirm(self):
        self._check_credit_hold()
        return super(SaleOrder, self).action_confirm()

    @api.multi
    def _check_credit_hold(self):
        """Refuse to confirm orders of customers on credit hold; a hold
        whose overdue invoices were all paid meanwhile is lifted first."""
        partners = self.mapped('partner_id.commercial_partner_id').filtered(
            'credit_hold')
        if not partners:
            return
        self.env['res.partner'].sudo()._credit_hold_release_paid()
        partners.invalidate_cache(['credit_hold', 'credit_hold_reason'])
        held = partners.filtered('credit_hold')
        if not held:
            return
        # sudo: a salesman may not read every invoice of the customer
        overdue = self.env['account.invoice'].sudo().search([
            ('commercial_partner_id', 'in', held.ids),
            ('type', '=', 'out_invoice'), ('state', '=', 'open'),
            ('date_due', '<', fields.Date.context_today(self))],
            order='date_due, number')
        messages = []
        for partner in held:
            lines = [
                _("%(invoice)s, due %(due)s: %(amount)s") % {
                    'invoice': invoice.number,
                    'due': format_date(self.env, invoice.date_due),
                    'amount': formatLang(self.env, invoice.residual,
                                         currency_obj=invoice.currency_id)}
                for invoice in overdue
                if invoice.commercial_partner_id == partner]
            messages.append(_(
                "%(customer)s is on credit hold (%(reason)s): the order "
                "cannot be confirmed until the overdue invoices are paid or "
                "a collections manager releases the hold. Overdue "
                "invoices:\n%(invoices)s") % {
                    'customer': partner.name,
                    'reason': partner.credit_hold_reason or '',
                    'invoices': '\n'.join(
                        '- %s' % line for line in lines) or _("none")})
        raise UserError('\n\n'.join(messages))

    @api.multi
    def _prepare_invoice(self):
        # The journal default reads the company from the context: give it
        # the order's company, as delivery invoicing runs as superuser.
        order = self
        if self.env.context.get('cif_auto_invoice_pickings') is not None:
            order = self.with_context(company_id=self.company_id.id)
        vals = super(SaleOrder, order)._prepare_invoice()
        vals.update({
            'client_order_ref': self.client_order_ref,
            'client_order_date': self.client_order_date,
        })
        delivered = self.env.context.get('cif_auto_invoice_pickings')
        if delivered is not None:
            # set at creation: a later write of the date would recompute
            # the amounts of every line
            vals.update(self.env['account.invoice']
                        ._auto_invoice_delivery_values(
                            self.env['stock.picking'].browse(
                                delivered.get(self.id, [])),
                            self.company_id))
        return vals

    @api.multi
    def _get_auto_invoice_mode(self):
        self.ensure_one()
        return self.partner_id._get_auto_invoice_mode(self.company_id)

    @api.multi
    def _lock_for_invoicing(self):
        """Lock the orders' rows until the end of the transaction.

        A second transaction invoicing the same order (e.g. two backorders
        validated at the same time) waits here; as invoicing writes on the
        order rows (see ``_auto_invoice_create``), it then fails with a
        serialization error and Odoo replays it: the replay sees the first
        transaction's invoice lines in ``qty_invoiced``, so the same quantity
        is never invoiced twice.
        """
        if not self.ids:
            return
        self.env.cr.execute(
            "SELECT id FROM sale_order WHERE id IN %s ORDER BY id FOR UPDATE",
            (tuple(self.ids),))
        self.mapped('order_line').invalidate_cache(
            ['qty_delivered', 'qty_invoiced', 'qty_to_invoice'])

    @api.multi
    def _auto_invoice_delivery(self):
        """Invoice these orders' invoiceable quantities in their customer's
        delivery invoicing mode; never raises for an invoicing error.

        The orders go in chunks of ``AUTO_INVOICE_CHUNK`` (by id): each
        chunk is first invoiced in one batch; when the batch fails, each of
        its orders is invoiced again in its own savepoint, and an order
        that still fails is marked pending with its error.

        :return: the invoices created
        """
        Invoice = self.env['account.invoice']
        orders = self.filtered(
            lambda o: o.state in ('sale', 'done')
            and o._get_auto_invoice_mode() != 'off')
        if not orders:
            return Invoice
        # flush pending recomputations (delivered quantities...) so that a
        # rolled back savepoint cannot discard them
        orders.recompute()
        if len(orders) <= AUTO_INVOICE_CHUNK:
            return orders._auto_invoice_delivery_chunk()
        # in order of id, as the lock takes them: two transactions never
        # wait for each other's chunks crosswise
        ids = sorted(orders.ids)
        invoices = Invoice
        for start in range(0, len(ids), AUTO_INVOICE_CHUNK):
            # browsed afresh: a prefetch set of the chunk's orders only
            chunk = self.browse(ids[start:start + AUTO_INVOICE_CHUNK])
            invoices |= chunk._auto_invoice_delivery_chunk()
            # what the chunk read is not read again by the next ones
            self.invalidate_cache()
        return Invoice.browse(invoices.ids)

    @api.multi
    def _auto_invoice_delivery_chunk(self):
        """:meth:`_auto_invoice_delivery` of these orders (at most
        ``AUTO_INVOICE_CHUNK``), eligible and recomputed."""
        Invoice = self.env['account.invoice']
        orders = self
        orders._lock_for_invoicing()
        try:
            with self.env.cr.savepoint():
                invoices = orders._auto_invoice_create()
            return invoices
        except psycopg2.OperationalError:
            raise
        except Exception:
            _logger.info("Batch delivery invoicing of %d orders failed, "
                         "invoicing them one by one", len(orders),
                         exc_info=True)
            self.env.clear()
        invoices = Invoice
        for order in orders:
            try:
                with self.env.cr.savepoint():
                    invoices |= order._auto_invoice_create()
            except psycopg2.OperationalError:
                raise
            except Exception as error:
                self.env.clear()
                order._auto_invoice_report_error(error)
        return invoices

    @api.multi
    def _auto_invoice_create(self):
        """Create, check and post or send the invoices of these orders.

        Raises on any error; the caller holds the savepoint.
        """
        Invoice = self.env['account.invoice']
        precision = self.env['decimal.precision'].precision_get(
            'Product Unit of Measure')
        to_invoice = self.filtered(lambda o: any(
            not float_is_zero(line.qty_to_invoice, precision_digits=precision)
            for line in o.order_line))
        invoices = Invoice
        if to_invoice:
            # the done deliveries and returns not invoiced yet, per order
            delivered = {}
            for picking in self.env['stock.picking'].search([
                    ('sale_id', 'in', to_invoice.ids),
                    ('state', '=', 'done'),
                    ('invoice_ids', '=', False)]):
                if picking._is_auto_invoice_delivery():
                    delivered.setdefault(picking.sale_id.id, []).append(
                        picking.id)
            try:
                invoices = Invoice.browse(to_invoice.with_context(
                    cif_auto_invoice_pickings=delivered).action_invoice_create(
                        grouped=True, final=True))
            except UserError as error:
                if error.name != _('There is no invoiceable line.'):
                    raise
        # the write on the order rows is also what makes a concurrent
        # transaction fail and replay (see _lock_for_invoicing)
        self.write({'auto_invoice_pending': False,
                    'auto_invoice_error': False})
        if invoices:
            invoices._auto_invoice_process()
        return invoices

    @api.multi
    def _auto_invoice_report_error(self, error):
        """Mark the order pending and tell its responsible, once per error."""
        self.ensure_one()
        text = getattr(error, 'name', None)
        if not isinstance(text, str):
            # not a user-facing Odoo exception: keep the traceback
            _logger.error("Delivery invoicing of %s failed", self.name,
                          exc_info=error)
            text = str(error) or repr(error)
        if self.auto_invoice_pending and self.auto_invoice_error == text:
            return
        self.write({'auto_invoice_pending': True, 'auto_invoice_error': text})
        body = _("The delivery could not be invoiced automatically: %s. "
                 "It will be retried by the scheduled action once the cause "
                 "is fixed.") % text
        self.message_post(body=body)
        self._auto_invoice_schedule_activity(
            _("Delivery not invoiced"), body)

    @api.multi
    def _auto_invoice_responsible(self):
        """The order's salesperson, else as for every activity (see
        ``res.partner._activity_responsible``)."""
        self.ensure_one()
        return self.partner_id._activity_responsible(
            self.company_id, salesperson=self.user_id)

    @api.multi
    def _auto_invoice_schedule_activity(self, summary, note, record=None):
        """Schedule a to-do for the order's responsible on ``record``
        (default: the order)."""
        self.ensure_one()
        record = record or self
        self.env['mail.activity'].create({
            'res_model_id': self.env['ir.model']._get(record._name).id,
            'res_id': record.id,
            'activity_type_id': self.env.ref('mail.mail_activity_data_todo').id,
            'summary': summary,
            'note': note,
            'user_id': self._auto_invoice_responsible().id,
            'date_deadline': fields.Date.context_today(self),
        })

    @api.model
    def _cron_retry_auto_invoice(self, batch_size=50):
        """Retry the orders whose delivery invoicing failed."""
        orders = self.search([('auto_invoice_pending', '=', True)])
        # switched off or cancelled meanwhile: invoiced by hand, if at all
        dropped = orders.filtered(
            lambda o: o.state not in ('sale', 'done')
            or o._get_auto_invoice_mode() == 'off')
        dropped.write({'auto_invoice_pending': False})
        orders -= dropped
        testing = getattr(threading.currentThread(), 'testing', False)
        for start in range(0, len(orders), batch_size):
            orders[start:start + batch_size]._auto_invoice_delivery()
            if not testing:
                # keep each batch's invoices even if a later batch is
                # killed (time limit); every batch is complete in itself
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return True
