# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The collections dashboard's promises to pay: open (taken by the period's
end and still open), kept and broken in the period (settled by the daily
run in it), and the share kept (the arithmetic in
``promises.keep_rate``)."""
from odoo import api, fields, models

from .. import promises


class CollectionsDashboard(models.TransientModel):
    _inherit = 'collections.dashboard'  # pylint: disable=R8180

    promise_open_count = fields.Integer(
        string='Promises Open', compute='_compute_promise_kpis',
        help="The promises to pay taken by the end of the period and "
             "still open.")
    promise_kept_count = fields.Integer(
        string='Promises Kept', compute='_compute_promise_kpis',
        help="The promises to pay found kept in the period.")
    promise_broken_count = fields.Integer(
        string='Promises Broken', compute='_compute_promise_kpis',
        help="The promises to pay found broken in the period.")
    promise_keep_rate = fields.Float(
        string='Promises Kept (%)', digits=(16, 2),
        compute='_compute_promise_kpis',
        help="Of the promises settled in the period, the share kept.")

    @api.depends('date_from', 'date_to', 'company_id')
    def _compute_promise_kpis(self):
        """One read_group per dashboard."""
        self._check_dashboard_access()
        for dashboard in self:
            company = dashboard.company_id
            counts = {}
            if dashboard.date_from and dashboard.date_to and company \
                    and dashboard.date_from <= dashboard.date_to \
                    and company in self.env.user.company_ids:
                for row in self.env['payment.promise'].read_group([
                        ('company_id', '=', company.id),
                        '|', '&', ('state', '=', promises.OPEN),
                        ('date', '<=', dashboard.date_to),
                        '&', ('date_settled', '>=', dashboard.date_from),
                        ('date_settled', '<=', dashboard.date_to)],
                        ['state'], ['state']):
                    counts[row['state']] = row['state_count']
            dashboard.promise_open_count = counts.get(promises.OPEN, 0)
            dashboard.promise_kept_count = counts.get(promises.KEPT, 0)
            dashboard.promise_broken_count = counts.get(promises.BROKEN, 0)
            dashboard.promise_keep_rate = promises.keep_rate(
                dashboard.promise_kept_count,
                dashboard.promise_broken_count) or 0.0
