# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.account.controllers.portal import PortalAccount


class CustomerPortalAccount(PortalAccount):
    """Record the first time the customer opens an invoice in the portal,
    its page or its PDF, logged in or through the emailed link; show on
    the page what the invoice stands at."""

    @http.route()
    def portal_my_invoice_detail(self, invoice_id, access_token=None, **kw):
        self._invoice_mark_viewed(invoice_id, access_token)
        return super(CustomerPortalAccount, self).portal_my_invoice_detail(
            invoice_id, access_token=access_token, **kw)

    @http.route()
    def portal_my_invoice_report(self, invoice_id, access_token=None, **kw):
        self._invoice_mark_viewed(invoice_id, access_token)
        return super(CustomerPortalAccount, self).portal_my_invoice_report(
            invoice_id, access_token=access_token, **kw)

    def _invoice_get_page_view_values(self, invoice, access_token, **kwargs):
        """The invoice page also states what is due, the payments, the
        overdue state and the fees charged (``late_payment_facts``)."""
        values = super(CustomerPortalAccount, self) \
            ._invoice_get_page_view_values(invoice, access_token, **kwargs)
        values['late_payment_facts'] = invoice.sudo() \
            ._customer_document_facts()
        return values

    def _invoice_mark_viewed(self, invoice_id, access_token):
        """Mark the invoice viewed when the visitor may see it and is not an
        internal user (a portal user, or anyone with the access token)."""
        if request.env.user.has_group('base.group_user'):
            return
        try:
            invoice_sudo = self._invoice_check_access(invoice_id,
                                                      access_token)
        except (AccessError, MissingError):
            return
        invoice_sudo._mark_viewed()
