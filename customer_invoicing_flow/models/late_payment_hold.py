# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class LatePaymentHold(models.Model):
    """A period during which an invoice accrues no late-payment interest.

    Both ends are inclusive: ``date_end`` is the last day on hold, the day
    before the release (``release_date``); an empty ``date_end`` means
    still on hold. A hold released the day it started holds no day
    (``date_end`` the day before ``date_start``).
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
    date_end = fields.Date(
        string='Last Day on Hold',
        help="The day before the release; empty while on hold.")
    reason = fields.Char(required=True)
    user_id = fields.Many2one(
        'res.users', string='Put on Hold by',
        default=lambda self: self.env.user)
    release_date = fields.Date(
        string='Released on',
        help="The first day no longer on hold.")
    release_user_id = fields.Many2one('res.users', string='Released by')
    release_reason = fields.Char()

    @api.constrains('date_start', 'date_end')
    def _check_dates(self):
        for hold in self:
            if hold.date_end and fields.Date.from_string(hold.date_end) \
                    < fields.Date.from_string(hold.date_start) \
                    - timedelta(days=1):
                raise ValidationError(
                    _("A payment hold cannot end (%(end)s) before it starts "
                      "(%(start)s).") % {'end': hold.date_end,
                                         'start': hold.date_start})
