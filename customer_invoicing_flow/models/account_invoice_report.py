# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The invoice PDF's asset bundles, built before any PDF is printed inside
a transaction that must not be committed halfway."""
import logging

from odoo import api, models

_logger = logging.getLogger(__name__)

# The asset bundles a PDF report loads (web.report_layout and
# web.minimal_layout)
REPORT_BUNDLES = ('web.assets_common', 'web.report_assets_common',
                  'web_editor.summernote', 'web_editor.assets_editor',
                  'web.report_assets_editor', 'web.report_assets_pdf')


class AccountInvoice(models.Model):
    _inherit = 'account.invoice'  # pylint: disable=R8180

    @api.model
    def _ensure_report_assets(self):
        """Build the invoice PDF's asset bundles now, in this transaction.

        Printing a PDF while a bundle is missing (the first print after an
        install or upgrade) builds it and commits the transaction (Odoo's
        ``commit_assetsbundle``): in the middle of a reminder batch or of a
        delivery validation, that would commit half of it and lose its
        savepoints. Built here first, nothing is left for the PDF to build.
        wkhtmltopdf fetches the bundles over HTTP, so a PDF is styled once
        they are committed: the registry load (this model's
        ``_register_hook``) and the reminder run commit them; elsewhere the
        transaction's own commit does.
        """
        QWeb = self.env['ir.qweb'].sudo().with_context(
            commit_assetsbundle=False)
        for xmlid in REPORT_BUNDLES:
            if not self.env.ref(xmlid, raise_if_not_found=False):
                continue
            files, _remains = QWeb._get_asset_content(xmlid, {})
            bundle = QWeb.get_asset_bundle(xmlid, files, env=QWeb.env)
            if bundle.stylesheets and not bundle.get_attachments('css'):
                bundle.css()
            if bundle.javascripts and not bundle.get_attachments('js'):
                bundle.js()

    @api.model_cr
    def _register_hook(self):
        super(AccountInvoice, self)._register_hook()
        try:
            with self.env.cr.savepoint():
                self._ensure_report_assets()
        except Exception:  # pylint: disable=broad-except
            # never stop the server for this: the first PDF builds them
            _logger.warning("Could not build the invoice report styles",
                            exc_info=True)
