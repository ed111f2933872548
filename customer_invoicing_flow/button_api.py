# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""How the web client calls the addon's buttons: pure Python, no ORM import.

Odoo 11's web client calls an object button as ``method(records,
context)``. ``odoo.api.call_kw`` takes the context out of the positional
arguments by counting the method's positional parameters with
``inspect.getargspec``: a parameter after ``self`` (``as_of=None``)
receives the context dict, and a keyword-only parameter makes getargspec
raise ValueError before the method runs. :func:`web_button` lets a button
keep keyword-only parameters for its Python API: it shows call_kw the
positional parameters only, so the context is taken out and applied to the
records as for any button.

The context of the action that opened a record carries ``default_*`` keys
(``default_type`` from the invoice actions); every record a button creates
would take them as defaults (an ``ir.attachment`` of type
``out_invoice``). :func:`clean_context` drops them.
"""
import inspect


def web_button(method):
    """Declare ``method`` callable by the web client although it has
    keyword-only parameters (``def action_x(self, *, as_of=None)``).

    Python callers are unaffected (the function is returned as is, with its
    real parameters: a keyword given positionally still raises TypeError);
    only the signature ``inspect`` reports changes, keyword-only parameters
    folded into ``**options``, which is what call_kw reads."""
    signature = inspect.signature(method)
    positional = [
        parameter for parameter in signature.parameters.values()
        if parameter.kind in (parameter.POSITIONAL_ONLY,
                              parameter.POSITIONAL_OR_KEYWORD)]
    positional.append(inspect.Parameter(
        'options', inspect.Parameter.VAR_KEYWORD))
    method.__signature__ = signature.replace(parameters=positional)
    return method


def clean_context(context):
    """``context`` without the ``default_*`` keys of the action that opened
    the records, for the records a button creates."""
    return {key: value for key, value in (context or {}).items()
            if not key.startswith('default_')}


def without_defaults(records):
    """``records`` (any recordset or model) with :func:`clean_context`:
    the context is replaced, as keys must go."""
    # pylint: disable=context-overridden
    return records.with_context(clean_context(records.env.context))
