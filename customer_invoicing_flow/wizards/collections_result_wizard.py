# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models

from ..button_api import without_defaults


class CollectionsResultWizard(models.TransientModel):
    """What a collections action did, shown once it is done: Odoo 11 has no
    notification client action, so the list actions answer with this
    dialog (n reminders sent, n fees charged, n left alone and why)."""
    _name = 'collections.result.wizard'
    _description = 'Result of a collections action'

    message = fields.Text(readonly=True)
    invoice_ids = fields.Many2many(
        'account.invoice', 'collections_result_wizard_invoice_rel',
        'wizard_id', 'invoice_id', string='Invoices Created',
        readonly=True)

    @api.model
    def _show(self, title, lines, invoices=None):
        """The action opening the result ``lines`` under ``title``, with a
        button to open ``invoices`` (e.g. the fee invoices created)."""
        wizard = without_defaults(self).create({
            'message': '\n'.join(lines),
            'invoice_ids': [(6, 0, invoices.ids if invoices else [])],
        })
        return {
            'type': 'ir.actions.act_window',
            'name': title,
            'res_model': self._name,
            'res_id': wizard.id,
            'view_mode': 'form',
            'views': [(self.env.ref(
                'customer_invoicing_flow.collections_result_wizard_view_form'
            ).id, 'form')],
            'target': 'new',
            'context': {},
        }

    @api.multi
    def action_view_invoices(self):
        self.ensure_one()
        action = self.env.ref('account.action_invoice_tree1').read()[0]
        action['name'] = _('Invoices Created')
        action['domain'] = [('id', 'in', self.invoice_ids.ids)]
        action['context'] = {'type': 'out_invoice', 'create': False}
        return action
