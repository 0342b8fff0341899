#!/usr/bin/python3
"""Driver of bench/mc-vs-numpy: regcheck's Monte Carlo against NumPy on one core, per estimand.

Two figures per estimand, each over --reps repetitions with the two sides interleaved
(regcheck, NumPy, regcheck, NumPy, ...; the machine is shared, so everything is CPU time of the
measured process, never wall time), printed as median [min-max] over the repetitions; ratios are
the median [min-max] of the per-repetition ratios:
  - samples/s: plain Monte Carlo kernels on the same estimand. Shift ratio: bench_mc's
    BM_ShiftRatioLanes (the lanes generator, sim/rng_lanes.hpp) and BM_ShiftRatioScalar (ziggurat on
    sim::Stream), 2^21 samples, against bench/numpy_efficiency.py (d = 16, the claim's w) and
    bench/numpy_shift_ratio.py (d = 64). Property 5.1: regcheck has no plain kernel; its figure is
    the claim estimator's points per CPU second (RQMC, control variate) against NumPy's samples.
  - efficiency = (95% CI half-width)^2 x CPU seconds (lower is better): the claim's own estimator
    (bench_mc_efficiency: the function the claim calls, including its power self-test, so its
    seconds are 2x the estimate's) against NumPy's plain Monte Carlo on the same instance
    (bench/numpy_efficiency.py); the ratio printed is NumPy / regcheck (higher is better).
Usage: bench/mc-vs-numpy [BUILD_DIR] [--reps N]
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"


def run(cmd):
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1", OMP_WAIT_POLICY="passive")
    return subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout


def bench_rates(build):
    out = json.loads(run([f"{build}/bin/bench_mc", "--benchmark_filter=BM_ShiftRatio(Lanes|Scalar)/", "--benchmark_format=json"]))
    rates = {}
    for b in out["benchmarks"]:
        scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b["time_unit"]]
        name = b["name"].split("/iterations")[0]  # e.g. BM_ShiftRatioLanes/d:16
        rates[name] = (1 << 21) / (b["cpu_time"] * scale)
    return rates


def fmt_spread(xs, f="{:.3g}"):
    return (f + " [" + f + "-" + f + "]").format(statistics.median(xs), min(xs), max(xs))


def main():
    args = sys.argv[1:]
    reps = 5
    if "--reps" in args:
        i = args.index("--reps")
        reps = int(args[i + 1])
        del args[i : i + 2]
    build = args[0] if args else os.path.join(HERE, "..", "build")
    tmp = tempfile.mkdtemp(prefix="mc_vs_numpy_")
    inst = {e: os.path.join(tmp, e + ".json") for e in ("shift-ratio", "penalty")}
    rows = {k: [] for k in ("lanes16", "scalar16", "lanes64", "scalar64", "np16", "np64",
                            "eff_rc_shift", "eff_np_shift", "eff_rc_pen", "eff_np_pen", "pts_rc_pen", "np_pen",
                            "est_rc_shift", "est_rc_pen")}
    for _ in range(reps):
        r = bench_rates(build)
        rows["lanes16"].append(r["BM_ShiftRatioLanes/d:16"])
        rows["scalar16"].append(r["BM_ShiftRatioScalar/d:16"])
        rows["lanes64"].append(r["BM_ShiftRatioLanes/d:64"])
        rows["scalar64"].append(r["BM_ShiftRatioScalar/d:64"])
        o = run([PY, os.path.join(HERE, "numpy_shift_ratio.py"), "--n", "1000000", "--d", "64", "--cpu-rate"])
        rows["np64"].append(float(o.split("cpu_samples_per_s=")[1].split()[0]))
        rc = json.loads(run([f"{build}/bin/bench_mc_efficiency", "shift-ratio", "--instance", inst["shift-ratio"]]))
        npx = json.loads(run([PY, os.path.join(HERE, "numpy_efficiency.py"), "shift-ratio", inst["shift-ratio"], "--n", "1000000"]))
        rows["eff_rc_shift"].append(rc["hw95"] ** 2 * rc["cpu_s"])
        rows["eff_np_shift"].append(npx["hw95"] ** 2 * npx["cpu_s"])
        rows["np16"].append(npx["samples"] / npx["cpu_s"])
        rows["est_rc_shift"].append((rc["estimate"], rc["hw95"], rc["theory"], npx["estimate"], npx["hw95"]))
        rc = json.loads(run([f"{build}/bin/bench_mc_efficiency", "penalty", "--instance", inst["penalty"]]))
        npx = json.loads(run([PY, os.path.join(HERE, "numpy_efficiency.py"), "penalty", inst["penalty"], "--n", "500000"]))
        rows["eff_rc_pen"].append(rc["hw95"] ** 2 * rc["cpu_s"])
        rows["eff_np_pen"].append(npx["hw95"] ** 2 * npx["cpu_s"])
        rows["pts_rc_pen"].append(rc["points"] / rc["cpu_s"])
        rows["np_pen"].append(npx["samples"] / npx["cpu_s"])
        rows["est_rc_pen"].append((rc["estimate"], rc["hw95"], rc["theory"], npx["estimate"], npx["hw95"]))

    def ratio(a, b):
        return [x / y for x, y in zip(rows[a], rows[b])]

    print(f"# {reps} interleaved repetitions, 1 core each side, CPU time; median [min-max]; load average {os.getloadavg()[0]:.2f}")
    print(f"shift-ratio d=16 p=0.95 (claim instance): samples/s lanes {fmt_spread(rows['lanes16'])} "
          f"(scalar {fmt_spread(rows['scalar16'])}) numpy {fmt_spread(rows['np16'])} ratio {fmt_spread(ratio('lanes16', 'np16'), '{:.2f}')}x; "
          f"efficiency hw95^2*s regcheck {fmt_spread(rows['eff_rc_shift'])} numpy {fmt_spread(rows['eff_np_shift'])} "
          f"ratio numpy/regcheck {fmt_spread(ratio('eff_np_shift', 'eff_rc_shift'), '{:.0f}')}x")
    print(f"shift-ratio d=64 p=0.95 (plain MC only): samples/s lanes {fmt_spread(rows['lanes64'])} "
          f"(scalar {fmt_spread(rows['scalar64'])}) numpy {fmt_spread(rows['np64'])} ratio {fmt_spread(ratio('lanes64', 'np64'), '{:.2f}')}x")
    print(f"penalty d=64 m=8 n_in=16 p=0.8 (Property 5.1 instance): samples/s regcheck RQMC points {fmt_spread(rows['pts_rc_pen'])} "
          f"numpy {fmt_spread(rows['np_pen'])} ratio {fmt_spread(ratio('pts_rc_pen', 'np_pen'), '{:.2f}')}x; "
          f"efficiency hw95^2*s regcheck {fmt_spread(rows['eff_rc_pen'])} numpy {fmt_spread(rows['eff_np_pen'])} "
          f"ratio numpy/regcheck {fmt_spread(ratio('eff_np_pen', 'eff_rc_pen'), '{:.0f}')}x")
    for k in ("est_rc_shift", "est_rc_pen"):
        e, h, t, ne, nh = rows[k][0]
        print(f"# {k[7:]}: regcheck {e:.9g} +- {h:.3g}, numpy {ne:.7g} +- {nh:.3g} (95%); reference {t:.9g}")


if __name__ == "__main__":
    main()
