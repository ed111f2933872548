# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Each record's own PDF out of one print of many. Odoo splits a report
printed for several records into one PDF per record and hands each to
``postprocess_pdf_report`` (to keep it as the record's attachment). A
caller passing a dict in the context key ``report_pdfs_by_record`` gets
them there, {record id: PDF bytes}: every record printed (also those Odoo
already keeps a PDF of and would print again anyway, when the report does
not reload from its attachments), none kept twice (context
``report_stored_ids``: the records that have their attachment already).
The reminder run prints its batch's invoices in one wkhtmltopdf call this
way (payment_reminder_run_batch.py)."""
from odoo import api, models


class IrActionsReport(models.Model):
    _inherit = 'ir.actions.report'

    @api.multi
    def retrieve_attachment(self, record):
        if self.env.context.get('report_pdfs_by_record') is not None \
                and not self.attachment_use:
            # printed again all the same: split and handed over like the
            # others rather than left out of postprocess_pdf_report
            return None
        return super(IrActionsReport, self).retrieve_attachment(record)

    @api.multi
    def postprocess_pdf_report(self, record, buffer):
        printed = self.env.context.get('report_pdfs_by_record')
        if printed is None:
            return super(IrActionsReport, self).postprocess_pdf_report(
                record, buffer)
        printed[record.id] = buffer.getvalue()
        if record.id in (self.env.context.get('report_stored_ids') or ()):
            return None
        return super(IrActionsReport, self).postprocess_pdf_report(
            record, buffer)
