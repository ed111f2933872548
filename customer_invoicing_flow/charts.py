# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bar charts as inline SVG, plain Python with no ORM import.

The dashboard shows pictures without any JavaScript library: the server
draws them as SVG text, which the browser renders inside an HTML field.
Every text given here is already translated and formatted by the caller
(amounts in the company currency, month names in the user's language);
this module only places it and escapes it.

Accessibility: each chart is an ``<svg role="img">`` labelled by its
``<title>`` and described by its ``<desc>``, which lists every bar with
its value, so a screen reader reads the same figures the eye sees.
"""
import math
from xml.sax.saxutils import escape, quoteattr

WIDTH = 640
HEIGHT = 280
MARGIN_LEFT = 64
MARGIN_RIGHT = 12
MARGIN_TOP = 40
MARGIN_BOTTOM = 56
DEFAULT_COLOR = '#337ab7'
AXIS_COLOR = '#555555'
GRID_COLOR = '#dddddd'
MISSING_TEXT = '-'


def nice_ticks(low, high, count=4):
    """Round axis ticks covering ``low`` .. ``high`` (0 always included):
    a step of 1, 2, 2.5 or 5 times a power of ten giving about ``count``
    intervals, and the ticks from the first multiple of the step at or
    below ``low`` to the first at or above ``high``. ``[0, 1]`` when
    everything is 0 (``[-1, 0, 1]`` for a negative speck)."""
    low = min(low, 0)
    high = max(high, 0)
    if high - low < 1e-6:
        # nothing to scale (all zero, or below any displayed precision)
        return ([-1] if low < 0 else []) + [0, 1]
    raw = (high - low) / float(count)
    power = 10 ** math.floor(math.log10(raw))
    step = next(power * factor for factor in (1, 2, 2.5, 5, 10)
                if power * factor >= raw)
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    # enough decimals for the step, none of the float noise (0.30000004)
    digits = max(0, 2 - int(math.floor(math.log10(step))))
    ticks = []
    for index in range(int(first), int(last) + 1):
        value = round(index * step, digits)
        ticks.append(int(value) if value == int(value) else value)
    return ticks


def _text(x, y, content, anchor='middle', size=11, extra=''):
    """A text at ``x``, ``y``; each line of ``content`` below the
    previous one."""
    lines = content.split('\n')
    body = escape(lines[0]) + ''.join(
        '<tspan x="%s" dy="%d">%s</tspan>' % (_num(x), size + 1, escape(line))
        for line in lines[1:])
    return '<text x="%s" y="%s" text-anchor="%s" font-size="%d"%s>%s</text>' \
        % (_num(x), _num(y), anchor, size, extra, body)


def _spoken(bar):
    """The label of a bar as read aloud (see :func:`bar_chart`)."""
    if len(bar) > 4 and bar[4]:
        return bar[4]
    return bar[0].replace('\n', ' ')


def _num(value):
    """A coordinate, with at most one decimal."""
    value = round(value, 1)
    return str(int(value)) if value == int(value) else str(value)


def bar_chart(chart_id, title, bars, y_label='', x_label='',
              tick_format=str, desc_intro='', width=WIDTH, height=HEIGHT):
    """An SVG bar chart, as text.

    ``chart_id``: a prefix for the ids of the title and description
    (unique in the page); ``title``: the heading, shown and read;
    ``bars``: ``(label, value, value_text[, color[, spoken label]])``
    rows, left to right (a label may hold a line break; the spoken label,
    for the description, defaults to the label on one line); ``value`` a number or None
    (no data: no bar, ``-`` instead of the value); ``value_text`` the value
    as shown above the bar (e.g. a formatted amount); ``y_label`` and
    ``x_label``: the axes' names; ``tick_format``: how the axis ticks are
    written; ``desc_intro``: a sentence read before the list of values.
    Negative values go below the zero line.
    """
    values = [bar[1] for bar in bars if bar[1] is not None]
    ticks = nice_ticks(min(values or [0]), max(values or [0]))
    low, high = ticks[0], ticks[-1]
    plot_top = MARGIN_TOP
    plot_bottom = height - MARGIN_BOTTOM
    plot_left = MARGIN_LEFT
    plot_right = width - MARGIN_RIGHT

    def y_of(value):
        return plot_bottom - (value - low) * (plot_bottom - plot_top) \
            / float(high - low)

    title_id = '%s_title' % chart_id
    desc_id = '%s_desc' % chart_id
    described = '; '.join(
        '%s: %s' % (_spoken(bar),
                    bar[2] if bar[1] is not None else MISSING_TEXT)
        for bar in bars)
    desc = ('%s %s' % (desc_intro, described)).strip()
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="o_cif_chart" '
        'id=%s role="img" aria-labelledby="%s %s" viewBox="0 0 %d %d" '
        'width="100%%" style="max-width: %dpx; font-family: sans-serif;">'
        % (quoteattr(chart_id), title_id, desc_id, width, height, width),
        '<title id="%s">%s</title>' % (title_id, escape(title)),
        '<desc id="%s">%s</desc>' % (desc_id, escape(desc)),
        _text(width / 2.0, 18, title, size=14, extra=' font-weight="bold"'),
    ]
    parts += _y_axis(ticks, y_of, (plot_left, plot_top, plot_right,
                                   plot_bottom), tick_format)
    if y_label:
        parts.append(_text(
            14, (plot_top + plot_bottom) / 2.0, y_label, size=11,
            extra=' transform="rotate(-90 14 %s)"'
            % _num((plot_top + plot_bottom) / 2.0)))
    if x_label:
        parts.append(_text((plot_left + plot_right) / 2.0, height - 6,
                           x_label, size=11))
    # bars
    slot = (plot_right - plot_left) / float(max(len(bars), 1))
    bar_width = slot * 0.6
    for index, bar in enumerate(bars):
        parts += _bar(bar, plot_left + slot * (index + 0.5), bar_width,
                      y_of, plot_bottom)
    return ''.join(parts) + '</svg>'


def _y_axis(ticks, y_of, plot, tick_format):
    """The grid lines with their ticks and the y axis, in the plot area
    ``(left, top, right, bottom)``."""
    plot_left, plot_top, plot_right, plot_bottom = plot
    parts = []
    for tick in ticks:
        y = y_of(tick)
        parts.append('<line x1="%d" y1="%s" x2="%d" y2="%s" stroke="%s"/>'
                     % (plot_left, _num(y), plot_right, _num(y),
                        AXIS_COLOR if tick == 0 else GRID_COLOR))
        parts.append(_text(plot_left - 6, y + 4, tick_format(tick),
                           anchor='end', size=10,
                           extra=' class="o_cif_tick"'))
    parts.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s"/>'
                 % (plot_left, plot_top, plot_left, plot_bottom,
                    AXIS_COLOR))
    return parts


def _bar(bar, center, bar_width, y_of, plot_bottom):
    """One bar centred on ``center``: its rectangle (or ``-`` for no data),
    its value above it (below it when negative) and its label."""
    label, value, value_text = bar[:3]
    color = bar[3] if len(bar) > 3 else DEFAULT_COLOR
    zero = y_of(0)
    parts = []
    if value is None:
        parts.append(_text(center, zero - 4, MISSING_TEXT, size=10,
                           extra=' class="o_cif_value"'))
    else:
        y = y_of(value)
        top, bottom = min(y, zero), max(y, zero)
        parts.append(
            '<rect class="o_cif_bar" x="%s" y="%s" width="%s" '
            'height="%s" fill=%s><title>%s</title></rect>'
            % (_num(center - bar_width / 2), _num(top),
               _num(bar_width), _num(bottom - top), quoteattr(color),
               escape('%s: %s' % (_spoken(bar), value_text))))
        label_y = top - 4 if value >= 0 else bottom + 12
        parts.append(_text(center, label_y, value_text, size=10,
                           extra=' class="o_cif_value"'))
    parts.append(_text(center, plot_bottom + 14, label, size=10,
                       extra=' class="o_cif_label"'))
    return parts
