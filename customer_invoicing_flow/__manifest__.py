# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Customer Invoicing Flow",
    "summary": "Invoice on delivery, late-payment policies, fees and "
               "scheduled payment reminders",
    "version": "11.0.1.0.0",
    "category": "Accounting",
    "license": "LGPL-3",
    "author": "customer_invoicing_flow contributors",
    "website": "https://github.com/customer-invoicing-flow/customer_invoicing_flow",
    "depends": [
        "sale_stock",
    ],
    "data": [
        "security/customer_invoicing_flow_security.xml",
    ],
}
