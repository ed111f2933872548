# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Translations: the template in i18n/ is the one Odoo exports from the
module, and the French translation covers it.

The export and the comparison are ``i18n_tools``'s, which ``bin/update-pot``
runs too, so the test and the script agree on what "the module's template"
is (header dates and code line numbers aside, demo records' terms left out).
"""
import difflib
import io
import os
import re

from babel.messages.pofile import read_po

from odoo.tests.common import SavepointCase
from odoo.tools.translate import trans_load

from ..i18n_tools import (
    MODULE, comparable, demo_xmlids, drop_references, generate_pot,
    is_demo_xmlid)

I18N_DIR = os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), 'i18n')
POT_PATH = os.path.join(I18N_DIR, MODULE + '.pot')
FR_PATH = os.path.join(I18N_DIR, 'fr.po')
REGENERATE = 'bin/update-pot   (or: bin/update-pot DB, on a database of yours)'

MAKO_LINE = re.compile(
    r'^[ \t]*%[ \t]*(?:for|endfor|if|elif|else|endif|while|endwhile|'
    r'try|except|finally|endtry)\b.*$', re.MULTILINE)
PY_PLACEHOLDER = re.compile(
    r'%(?:\((?P<name>[^)]+)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?'
    r'[diouxXeEfFgGcrsa%]')
HTML_TAG = re.compile(r'<[^<>]+>')


# --- placeholders ------------------------------------------------------------

def mako_expressions(text):
    """The ``${...}`` expressions of a mail template text (braces may nest),
    and the text without them."""
    found, rest, i = [], [], 0
    while True:
        start = text.find('${', i)
        if start < 0:
            rest.append(text[i:])
            return found, ''.join(rest)
        rest.append(text[i:start])
        depth, j = 0, start + 1
        while j < len(text):
            if text[j] == '{':
                depth += 1
            elif text[j] == '}':
                depth -= 1
                if not depth:
                    break
            j += 1
        found.append(text[start:j + 1])
        i = j + 1


def placeholders(text, python_format):
    """What a translation must keep from its source: Python placeholders
    (named ones in any order, positional ones in order), mako expressions,
    mako control lines in order, and HTML tags with their attributes."""
    expressions, rest = mako_expressions(text)
    named, positional = [], []
    if python_format:
        for match in PY_PLACEHOLDER.finditer(rest):
            (named if match.group('name') else positional).append(
                match.group(0))
    return {
        'named %-placeholders': sorted(named),
        'positional %-placeholders (in order)': positional,
        '${...} expressions': sorted(expressions),
        'mako control lines (in order)': [
            line.strip() for line in MAKO_LINE.findall(rest)],
        'HTML tags': sorted(HTML_TAG.findall(rest)),
    }


def read_catalog(path):
    with open(path, 'rb') as pofile:
        return read_po(pofile)


class TestTranslationTemplate(SavepointCase):

    def test_pot_is_up_to_date(self):
        """i18n/customer_invoicing_flow.pot is what Odoo exports from the
        module now (header dates and code line numbers aside)."""
        generated = comparable(generate_pot(self.env))
        with io.open(POT_PATH, encoding='utf-8') as potfile:
            stored = comparable(potfile.read())
        if generated != stored:
            diff = ''.join(difflib.unified_diff(
                stored.splitlines(True), generated.splitlines(True),
                'i18n/%s.pot (stored)' % MODULE,
                'i18n/%s.pot (generated)' % MODULE, n=1))
            self.fail(
                "The translation template is out of date; regenerate it with\n"
                "    %s\nthen update i18n/fr.po. Differences:\n%s"
                % (REGENERATE, diff[:20000]))

    def test_code_terms_exported_while_the_module_loads(self):
        """Odoo's runner tests the module before marking it installed:
        the export has the terms of the Python code all the same, and the
        module's state is left as it was."""
        Module = self.env['ir.module.module']
        module = Module.search([('name', '=', MODULE)])
        self.env.cr.execute(
            "UPDATE ir_module_module SET state = 'installed' WHERE id = %s",
            module.ids)
        Module.invalidate_cache(['state'])
        installed = generate_pot(self.env)
        self.assertIn('#: code:addons/%s/' % MODULE, installed)
        for state in ('to upgrade', 'to install'):
            self.env.cr.execute(
                "UPDATE ir_module_module SET state = %s WHERE id = %s",
                (state, module.id))
            Module.invalidate_cache(['state'])
            self.assertEqual(comparable(generate_pot(self.env)),
                             comparable(installed), state)
            self.assertEqual(module.state, state)

    def test_comparison_ignores_dates_and_line_numbers_only(self):
        template = (
            '"POT-Creation-Date: 2026-01-01 10:00+0000\\n"\n'
            '"PO-Revision-Date: 2026-01-01 10:00+0000\\n"\n\n'
            '#: code:addons/%s/models/x.py:%d\n#, python-format\n'
            'msgid "%s"\nmsgstr ""\n')
        base = template % (MODULE, 12, 'Late fee')
        self.assertEqual(
            comparable(base),
            comparable(template.replace('2026-01-01 10:00', '2027-05-06 11:12')
                       % (MODULE, 40, 'Late fee')))
        self.assertNotEqual(comparable(base),
                            comparable(template % (MODULE, 12, 'Late fees')))
        self.assertNotEqual(comparable(base),
                            comparable(template % ('other', 12, 'Late fee')))

    def test_demo_terms_left_out(self):
        """The terms of demo records are dropped, the others kept."""
        text = (
            'header\n\n'
            '#: model:product.product,name:%(m)s.product_desk_demo\n'
            '#: model:product.template,name:'
            '%(m)s.product_desk_demo_product_template\n'
            'msgid "Desk"\nmsgstr ""\n\n'
            '#: model:product.product,name:%(m)s.product_desk_demo\n'
            '#: code:addons/%(m)s/models/x.py:3\n'
            '#, python-format\nmsgid "Lamp"\nmsgstr ""\n\n'
            '#: model:ir.model.fields,field_description:%(m)s.field_x\n'
            'msgid "Chair"\nmsgstr ""\n' % {'m': MODULE})
        result = drop_references(text, is_demo_xmlid(
            {'%s.product_desk_demo' % MODULE}))
        self.assertNotIn('Desk', result)
        self.assertIn('#: code:addons/%s/models/x.py:3\n#, python-format\n'
                      'msgid "Lamp"' % MODULE, result)
        self.assertNotIn('product_desk_demo', result)
        self.assertIn('msgid "Chair"', result)
        self.assertTrue(result.startswith('header\n\n'))
        self.assertIn(
            '%s.product_standing_desk_demo' % MODULE, demo_xmlids())


class TestFrenchTranslation(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(TestFrenchTranslation, cls).setUpClass()
        cls.pot = read_catalog(POT_PATH)
        cls.french = read_catalog(FR_PATH)

    def test_every_term_translated(self):
        """Every term of the template has a French translation, none fuzzy,
        and fr.po has no term the template lost."""
        problems = []
        for message in self.pot:
            if not message.id:
                continue
            translated = self.french.get(message.id)
            if translated is None:
                problems.append('missing: %r' % message.id)
            elif not translated.string:
                problems.append('empty: %r' % message.id)
            elif translated.fuzzy:
                problems.append('fuzzy: %r' % message.id)
        for message in self.french:
            if message.id and self.pot.get(message.id) is None:
                problems.append('not in the template: %r' % message.id)
        self.assertFalse(problems, "i18n/fr.po does not match the template "
                         "(merge it: msgmerge -U --no-fuzzy-matching "
                         "fr.po %s.pot):\n%s" % (MODULE, '\n'.join(problems)))
        self.assertEqual(self.french.locale.language, 'fr')

    def test_placeholders_kept(self):
        """Each translation keeps its source's placeholders, mako code and
        HTML tags."""
        problems = []
        for message in self.french:
            if not message.id or not message.string:
                continue
            # Odoo's export marks python-format the terms of the Python
            # code only; babel guesses the flag from the text itself (the
            # label "% of the open balance" reads as "% o"), so the code
            # references decide.
            python_format = any(filename.startswith('code:')
                                for filename, _line in message.locations)
            source = placeholders(message.id, python_format)
            target = placeholders(message.string, python_format)
            for kind in source:
                if source[kind] != target[kind]:
                    problems.append('%r\n  %s: %s in the source, %s in the '
                                    'translation' % (message.id[:80], kind,
                                                     source[kind],
                                                     target[kind]))
        self.assertFalse(problems, '\n'.join(problems))

    def test_placeholder_check_catches_changes(self):
        """The comparison sees a renamed, lost or added placeholder."""
        source = placeholders('Policy %s: %(x)s <b>${a.b}</b>\n% if y:', True)
        for broken in ('Politique %d : %(x)s <b>${a.b}</b>\n% if y:',
                       'Politique %s : %(y)s <b>${a.b}</b>\n% if y:',
                       'Politique %s : %(x)s <b>${a.c}</b>\n% if y:',
                       'Politique %s : %(x)s <b>${a.b}</b>',
                       'Politique %s : %(x)s ${a.b}\n% if y:'):
            self.assertNotEqual(placeholders(broken, True), source, broken)
        self.assertEqual(
            placeholders('Politique %s : %(x)s <b>${a.b}</b>\n  % if y:',
                         True), source)
        # A percent sign in a label is no placeholder.
        self.assertEqual(
            placeholders('Taux annuel (%)', False)['positional '
                                                   '%-placeholders (in order)'],
            [])

    def test_french_loads(self):
        """Loaded into the database, fr.po translates a field label, a code
        string and a reminder template's subject."""
        trans_load(self.env.cr, FR_PATH, 'fr_FR', verbose=False,
                   module_name=MODULE)
        french = dict((m.id, m.string) for m in self.french if m.id)

        label = self.env['late.payment.policy']._fields['grace_days'].string
        self.assertNotEqual(french[label], label)
        fields = self.env['late.payment.policy'].with_context(
            lang='fr_FR').fields_get(['grace_days'])
        self.assertEqual(fields['grace_days']['string'], french[label])

        self.assertEqual(
            self.env['ir.translation']._get_source(
                None, ('code',), 'fr_FR', 'There is no invoiceable line.'),
            french['There is no invoiceable line.'])

        template = self.env['mail.template'].search(
            [('model', '=', 'account.invoice'),
             ('subject', 'like', 'get_reminder_statement_label')], limit=1)
        self.assertTrue(template, 'no reminder mail template found')
        subject = template.subject
        self.assertNotEqual(french[subject], subject)
        self.assertEqual(
            template.with_context(lang='fr_FR').subject, french[subject])
