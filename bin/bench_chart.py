"""The benchmark's chart: the daily run's time and queries per processed
invoice against the number of open invoices, per contender, from the
results bin/bench.py keeps (DIR/*.json, every label merged, medians of the
runs). Runs in .local/bench-venv (matplotlib); writes bench/daily_run.png.

    python bin/bench_chart.py [DIR] [--out PATH]
"""
import argparse
import glob
import json
import os
import statistics

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402  (after the backend)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LABELS = {'addon': 'customer_invoicing_flow',
          'credit_control': 'OCA account_credit_control + dunning fees'}


def points(directory):
    """{contender: {n: (median seconds, median queries per processed)}}."""
    runs = {}
    for path in sorted(glob.glob(os.path.join(directory, '*.json'))):
        with open(path) as handle:
            for record in json.load(handle).get('records', []):
                if record.get('bench') != 'daily_run':
                    continue
                runs.setdefault(record['contender'], {}).setdefault(
                    record['n'], []).append(record)
    result = {}
    for contender, sizes in runs.items():
        result[contender] = {
            n: (statistics.median(r['seconds'] for r in records),
                statistics.median(r['queries'] / max(r['processed'], 1)
                                  for r in records))
            for n, records in sizes.items()}
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('directory', nargs='?', default=os.path.join(ROOT, '.local', 'bench'))
    parser.add_argument('--out', default=os.path.join(ROOT, 'bench', 'daily_run.png'))
    args = parser.parse_args()
    data = points(args.directory)
    if not data:
        print('no daily-run results in %s' % args.directory)
        return
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for contender, sizes in sorted(data.items()):
        ns = sorted(sizes)
        label = LABELS.get(contender, contender)
        left.plot(ns, [sizes[n][0] for n in ns], marker='o', label=label)
        right.plot(ns, [sizes[n][1] for n in ns], marker='o', label=label)
    for axis, title in ((left, 'Wall time of the day\'s run (s)'),
                        (right, 'SQL queries per processed invoice')):
        axis.set_xscale('log')
        axis.set_xlabel('open invoices')
        axis.set_title(title)
        axis.grid(True, which='both', alpha=0.3)
    left.set_yscale('log')
    left.legend(fontsize=8)
    figure.suptitle('The daily late-payment run, medians of the runs (bench/results.md)')
    figure.tight_layout()
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    figure.savefig(args.out, dpi=110)
    print('chart: %s' % args.out)


if __name__ == '__main__':
    main()
