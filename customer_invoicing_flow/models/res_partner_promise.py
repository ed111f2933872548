# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The customer's promises to pay: counts, the smart button, and the
button recording a promise on its late invoices."""
from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = 'res.partner'  # pylint: disable=R8180

    promise_count = fields.Integer(
        string='Promises to Pay', compute='_compute_promise_counts')
    promise_open_count = fields.Integer(
        string='Promises Open', compute='_compute_promise_counts')
    promise_kept_count = fields.Integer(
        string='Promises Kept', compute='_compute_promise_counts')
    promise_broken_count = fields.Integer(
        string='Promises Broken', compute='_compute_promise_counts')

    @api.multi
    def _compute_promise_counts(self):
        """One read_group for the customers (of their commercial
        partner)."""
        partners = self.filtered('id')
        counts = {}
        if partners:
            for row in self.env['payment.promise'].read_group(
                    [('partner_id', 'in', partners.mapped(
                        'commercial_partner_id').ids)],
                    ['partner_id', 'state'], ['partner_id', 'state'],
                    lazy=False):
                counts[(row['partner_id'][0], row['state'])] = \
                    row['__count']
        for partner in self:
            key = partner.commercial_partner_id.id
            partner.promise_open_count = counts.get((key, 'open'), 0)
            partner.promise_kept_count = counts.get((key, 'kept'), 0)
            partner.promise_broken_count = counts.get((key, 'broken'), 0)
            partner.promise_count = sum(
                count for (partner_id, _state), count in counts.items()
                if partner_id == key)

    @api.multi
    def action_promise_to_pay(self):
        """Record a promise to pay on the customer's open late invoices
        not already under an open promise (preselected; the dialog may
        change them)."""
        self.ensure_one()
        Invoice = self.env['account.invoice']
        Invoice._check_collections_user()
        invoices = Invoice.search([
            ('commercial_partner_id', '=', self.commercial_partner_id.id),
            ('type', '=', 'out_invoice'), ('state', '=', 'open'),
            ('late_payment_state', '=', 'late')])
        return Invoice._promise_wizard_action(
            invoices.filtered(lambda invoice: not invoice.promise_id))

    @api.multi
    def action_view_promises(self):
        self.ensure_one()
        action = self.env.ref(
            'customer_invoicing_flow.payment_promise_action').read()[0]
        action['domain'] = [
            ('partner_id', '=', self.commercial_partner_id.id)]
        action['context'] = {}
        return action
