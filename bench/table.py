"""Prints the ratio table of bench/run.sh from JMH's JSON results and bench/shm_c.c's outputs.

Each Java figure is divided by the floor (MemorySegment.copy of the same bytes, same operation and length) and by
the C figure (the example's loops, C's attach + detach cycle, or C's futex ping-pong). A figure measured in
several runs (C before and after JMH, the interleaved ping-pong rounds) is their mean.

    table.py --jmh a.json [--jmh b.json ...] --c c.txt [--c c-after.txt ...] [--pingpong java.json c.txt ...]

A --pingpong pair is one round of the ping-pong comparison: Java's JMH result and C's figure, taken one right
after the other. Each ping-pong row gives the median over the rounds of its figure and of its ratio to the
same round's C, so that a change of load between rounds does not count as a difference between Java and C.
"""
import argparse
import json
import statistics


def mean(xs):
    return sum(xs) / len(xs)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jmh", action="append", default=[])
    parser.add_argument("--c", action="append", default=[])
    parser.add_argument("--pingpong", action="append", nargs=2, default=[])
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

    # Ping-pong: per round, Java over the C measured just before it; medians over the rounds.
    pp_ratios, pp_java, pp_c = {}, {}, []
    for java_json, c_txt in args.pingpong:
        c_ns = float(open(c_txt).read().split()[2])
        pp_c.append(c_ns)
        for r in json.load(open(java_json)):
            key = (r["benchmark"].rsplit(".", 1)[1], r.get("params", {}).get("peer", "0"))
            pp_java.setdefault(key, []).append(r["primaryMetric"]["score"])
            pp_ratios.setdefault(key, []).append(r["primaryMetric"]["score"] / c_ns)
    if pp_c:
        rows[("c_pingPong", "0")] = (statistics.median(pp_c), float("nan"), None)
    for key, scores in pp_java.items():
        rows[key] = (statistics.median(scores), float("nan"), None)

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
        cx = "1.00" if who == "c" else ratio(ns, cref)
        if (name, param) in pp_ratios:
            cx = f"{statistics.median(pp_ratios[(name, param)]):.2f}"
        print(f"| {name} | {param if param != '0' else ''} | {ns:.1f} | {e} | {a} | "
              f"{ratio(ns, rows.get(('floor_' + op, param)))} | {ratio(ns, rows.get(('floorString_' + op, param)))} | "
              f"{cx} | {ratio(ns, base)} |")
    before_after = [run for run in c_runs if ("c_setGet", "21") in run]
    if len(before_after) > 1:
        drift = max(abs(before_after[0][k] - before_after[1][k]) / before_after[0][k] for k in before_after[0])
        print(f"\nC before vs after JMH: largest change {drift * 100:.0f}% (a measure of how much the load moved)")
    if pp_c:
        print(f"Ping-pong rounds, us (C; then Java, per peer): {', '.join(f'{x / 1000:.1f}' for x in pp_c)}; "
              + "; ".join(f"{k[1]}: {', '.join(f'{x / 1000:.1f}' for x in v)}" for k, v in sorted(pp_java.items())))


main()
