# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class LatePaymentHold(models.Model):
    """A period during which an invoice accrues no late-payment interest.

    Both ends are inclusive; an empty ``date_end`` means still on hold.
    """
    _name = 'late.payment.hold'
    _description = 'Late-payment hold period'
    _order = 'date_start desc, id desc'
    _rec_name = 'reason'

    invoice_id = fields.Many2one(
        'account.invoice', required=True, index=True,
        ondelete='cascade')
    company_id = fields.Many2one(
        related='invoice_id.company_id', store=True, readonly=True)
    date_start = fields.Date(string='From', required=True)
    date_end = fields.Date(string='To')
    reason = fields.Char(required=True)
    user_id = fields.Many2one(
        'res.users', string='Put on Hold by',
        default=lambda self: self.env.user)
    release_user_id = fields.Many2one('res.users', string='Released by')
    release_reason = fields.Char()

    @api.constrains('date_start', 'date_end')
    def _check_dates(self):
        for hold in self:
            if hold.date_end and hold.date_end < hold.date_start:
                raise ValidationError(
                    _("A payment hold cannot end (%(end)s) before it starts "
                      "(%(start)s).") % {'end': hold.date_end,
                                         'start': hold.date_start})
