"""Prints the ratio table of bench/run.sh from JMH's JSON result and bench/shm_c.c's output.

Each Java figure is divided by the floor (MemorySegment.copy of the same bytes, same operation and length) and by
the C figure (the example's loops, or C's attach + detach cycle). C is the mean of its run before and after JMH.
"""
import json
import sys


def load_c(paths):
    runs = []
    for p in paths:
        figures = {}
        for line in open(p):
            name, param, ns = line.split()
            figures[(name, param)] = float(ns)
        runs.append(figures)
    return {k: sum(r[k] for r in runs) / len(runs) for k in runs[0]}, runs


def main():
    jmh = json.load(open(sys.argv[1]))
    c, c_runs = load_c(sys.argv[2:])
    rows = {}
    for r in jmh:
        name = r["benchmark"].rsplit(".", 1)[1]
        param = r.get("params", {}).get("length", "0")
        alloc = r["secondaryMetrics"].get("gc.alloc.rate.norm", r["secondaryMetrics"].get("·gc.alloc.rate.norm", {})).get("score")
        err = r["primaryMetric"]["scoreError"]
        err = float(err) if isinstance(err, (int, float)) else float("nan")  # "NaN" with fewer than 3 iterations
        rows[(name, param)] = (r["primaryMetric"]["score"], err, alloc)
    for (name, param), ns in c.items():
        rows[(name, param)] = (ns, float("nan"), None)

    print("| benchmark | units | ns/op | ± | B/op | x floor | x floor+String | x C |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    order = ["setGet", "get", "set", "openClose", "openCloseSegment"]
    WHO = ["floor", "floorString", "c", "panama", "mbb", "jna"]

    def key(k):
        name, param = k
        who, op = name.split("_", 1)
        return (order.index(op) if op in order else 99, int(param),
                WHO.index(who) if who in WHO else 9)

    for k in sorted(rows, key=key):
        name, param = k
        who, op = name.split("_", 1)
        ns, err, alloc = rows[k]
        floor = rows.get(("floor_" + op, param))
        cref = rows.get(("c_" + op, param))
        fs = rows.get(("floorString_" + op, param))
        fsx = f"{ns / fs[0]:.2f}" if fs else ""
        fx = f"{ns / floor[0]:.2f}" if floor else ""
        cx = f"{ns / cref[0]:.2f}" if cref else ""
        e = "" if err != err else f"{err:.1f}"
        a = "" if alloc is None else f"{alloc:.0f}"
        print(f"| {name} | {param if param != '0' else ''} | {ns:.1f} | {e} | {a} | {fx} | {fsx} | {cx} |")
    if len(c_runs) > 1:
        drift = max(abs(c_runs[0][k] - c_runs[1][k]) / c_runs[0][k] for k in c_runs[0])
        print(f"\nC before vs after JMH: largest change {drift * 100:.0f}% (a measure of how much the load moved)")


main()
