"""Prints the ratio table of bench/run.sh from JMH's JSON results and bench/shm_c.c's outputs.

Each Java figure is divided by the floor (MemorySegment.copy of the same bytes, same operation and length) and by
the C figure (the example's loops, C's attach + detach cycle, or C's futex ping-pong). A figure measured in
several runs (C before and after JMH, the interleaved ping-pong rounds) is their mean.

    table.py --jmh a.json [--jmh b.json ...] --c c.txt [--c c-after.txt ...]
"""
import argparse
import json


def mean(xs):
    return sum(xs) / len(xs)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jmh", action="append", default=[])
    parser.add_argument("--c", action="append", default=[])
    args = parser.parse_args()

    c_runs = []
    for p in args.c:
        figures = {}
        for line in open(p):
            name, param, ns = line.split()
            figures[(name, param)] = float(ns)
        c_runs.append(figures)
    collected = {}
    for p in args.jmh:
        for r in json.load(open(p)):
            name = r["benchmark"].rsplit(".", 1)[1]
            params = r.get("params", {})
            param = params.get("length", params.get("peer", "0"))
            metrics = r["secondaryMetrics"]
            alloc = metrics.get("gc.alloc.rate.norm", metrics.get("·gc.alloc.rate.norm", {})).get("score")
            err = r["primaryMetric"]["scoreError"]
            err = float(err) if isinstance(err, (int, float)) else float("nan")  # "NaN" with fewer than 3 iterations
            collected.setdefault((name, param), []).append((r["primaryMetric"]["score"], err, alloc))
    rows = {k: (mean([v[0] for v in vs]), max(v[1] for v in vs), next((v[2] for v in vs if v[2] is not None), None))
            for k, vs in collected.items()}
    for k in {k for run in c_runs for k in run}:
        rows[k] = (mean([run[k] for run in c_runs if k in run]), float("nan"), None)

    print("| benchmark | units | ns/op | ± | B/op | x floor | x floor+String | x C | x baseline |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    order = ["setGet", "get", "set", "openClose", "openCloseSegment", "pingPong"]
    WHO = ["floor", "floorString", "c", "baseline", "panama", "mbb", "jna"]

    def key(k):
        name, param = k
        who, op = name.split("_", 1)
        return (order.index(op) if op in order else 99, int(param) if param.isdigit() else 0, param,
                WHO.index(who) if who in WHO else 9)

    def ratio(ns, ref):
        return f"{ns / ref[0]:.2f}" if ref else ""

    for k in sorted(rows, key=key):
        name, param = k
        who, op = name.split("_", 1)
        ns, err, alloc = rows[k]
        cref = rows.get(("c_" + op, param)) or rows.get(("c_" + op, "0"))
        base = rows.get(("baseline_" + op, param)) if who == "panama" else None
        e = "" if err != err else f"{err:.1f}"
        a = "" if alloc is None else f"{alloc:.0f}"
        print(f"| {name} | {param if param != '0' else ''} | {ns:.1f} | {e} | {a} | "
              f"{ratio(ns, rows.get(('floor_' + op, param)))} | {ratio(ns, rows.get(('floorString_' + op, param)))} | "
              f"{ratio(ns, cref) if who != 'c' else '1.00'} | {ratio(ns, base)} |")
    before_after = [run for run in c_runs if ("c_setGet", "21") in run]
    if len(before_after) > 1:
        drift = max(abs(before_after[0][k] - before_after[1][k]) / before_after[0][k] for k in before_after[0])
        print(f"\nC before vs after JMH: largest change {drift * 100:.0f}% (a measure of how much the load moved)")
    pp = [run[("c_pingPong", "0")] for run in c_runs if ("c_pingPong", "0") in run]
    if len(pp) > 1:
        print(f"C ping-pong rounds: {', '.join(f'{x / 1000:.1f}' for x in pp)} us")


main()
