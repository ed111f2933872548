"""The dashboard's SVG bar charts (customer_invoicing_flow/charts.py).

Pure Python, no Odoo and no database:
    .venv/bin/pytest -p no:odoo tests/test_charts_pure.py
"""
import re
import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from pure_module import load

charts = load('customer_invoicing_flow/charts.py')

SVG = '{http://www.w3.org/2000/svg}'


def parse(svg):
    return ET.fromstring(svg)


def rects(svg):
    return [rect.attrib for rect in parse(svg).iter(SVG + 'rect')]


def texts(svg, css_class):
    return [''.join(node.itertext()) for node in parse(svg).iter(SVG + 'text')
            if node.get('class') == css_class]


def test_nice_ticks_hand_computed():
    # 815 / 4 = 203.75 -> a step of 250
    assert charts.nice_ticks(0, 815) == [0, 250, 500, 750, 1000]
    assert charts.nice_ticks(0, 33.25) == [0, 10, 20, 30, 40]
    assert charts.nice_ticks(-100, 300) == [-100, 0, 100, 200, 300]
    assert charts.nice_ticks(0, 1.2) == [0, 0.5, 1, 1.5]
    assert charts.nice_ticks(0, 0) == [0, 1]
    # 0 is always on the axis
    assert charts.nice_ticks(50, 90)[0] == 0


@given(st.floats(min_value=-1e7, max_value=1e7),
       st.floats(min_value=-1e7, max_value=1e7))
def test_nice_ticks_cover_the_values(first, second):
    low, high = min(first, second), max(first, second)
    ticks = charts.nice_ticks(low, high)
    # up to float noise (a billionth of a step)
    noise = (ticks[1] - ticks[0]) * 1e-9
    assert ticks[0] <= min(low, 0) + noise
    assert ticks[-1] >= max(high, 0) - noise
    assert 0 in ticks
    assert ticks == sorted(ticks) and len(ticks) <= 12


def test_bar_geometry_hand_computed():
    svg = charts.bar_chart('c', 'Two bars',
                           [('a', 50, '50'), ('b', 100, '100')])
    # plot from y=40 (100) to y=224 (0), ticks every 25; two slots of
    # (628 - 64) / 2 = 282 px, bars 60 % of it: 169.2 px
    first, second = rects(svg)
    assert (first['x'], first['y'], first['width'], first['height']) == (
        '120.4', '132', '169.2', '92')
    assert (second['x'], second['y'], second['height']) == (
        '402.4', '40', '184')
    assert texts(svg, 'o_cif_value') == ['50', '100']
    assert texts(svg, 'o_cif_label') == ['a', 'b']
    assert texts(svg, 'o_cif_tick') == ['0', '25', '50', '75', '100']


def test_negative_bar_hangs_below_zero():
    svg = charts.bar_chart('c', 'T', [('credit', -100, '-100'),
                                      ('debit', 300, '300')])
    # ticks -100..300: zero at 224 - 100 x 184 / 400 = 178
    credit, debit = rects(svg)
    assert (credit['y'], credit['height']) == ('178', '46')
    assert (debit['y'], debit['height']) == ('40', '138')


def test_accessible_title_description_and_escaping():
    svg = charts.bar_chart(
        'o_aging', 'Aging <at> 03/31 & more',
        [('Not due', 300, '$ 300.00'), ('1-30\ndays', None, 'n/a')],
        y_label='USD', x_label='Days past due',
        desc_intro='Open amounts:')
    root = parse(svg)   # well-formed XML despite < and &
    assert root.get('role') == 'img'
    assert root.get('aria-labelledby') == 'o_aging_title o_aging_desc'
    assert root.find(SVG + 'title').text == 'Aging <at> 03/31 & more'
    assert root.find(SVG + 'desc').text == \
        'Open amounts: Not due: $ 300.00; 1-30 days: -'
    # no bar for a missing value, a dash instead; the label on two lines
    assert len(rects(svg)) == 1
    assert texts(svg, 'o_cif_value') == ['$ 300.00', '-']
    assert texts(svg, 'o_cif_label') == ['Not due', '1-30days']
    assert svg.count('<tspan') == 1
    assert 'Days past due' in svg and '>USD<' in svg


def test_colors_and_tick_format():
    svg = charts.bar_chart('c', 'T', [('a', 1000, '1,000', '#ff0000')],
                           tick_format=lambda tick: '{:,}'.format(tick))
    assert rects(svg)[0]['fill'] == '#ff0000'
    assert texts(svg, 'o_cif_tick')[-1] == '1,000'


def test_empty_chart():
    svg = charts.bar_chart('c', 'Nothing', [])
    assert rects(svg) == []
    assert not parse(svg).find(SVG + 'desc').text
    assert re.search(r'viewBox="0 0 640 280"', svg)
