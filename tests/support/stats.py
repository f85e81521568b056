"""Percentiles and the latency summary lines the benchmarks print."""

from __future__ import annotations

import math


def percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile (``p`` in 0..100) of an ascending list; NaN for an empty one."""
    if not ordered:
        return math.nan
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def interpolated(values: list[float], q: float) -> float:
    """Percentile by linear interpolation between the closest ranks (``q`` in 0..1, any order);
    NaN for no values."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    k = (len(ordered) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(name: str, samples_ms: list[float], widths: tuple[int, int, int] = (36, 6, 8)) -> dict[str, float]:
    """Print ``name n=.. p50=..ms p90=..ms p99=..ms max=..ms mean=..ms`` and return p50, p90, p99
    and max (NaN each when there are no samples). ``widths``: of the name, the count and each figure."""
    name_w, n_w, value_w = widths
    if not samples_ms:
        print(f"{name:<{name_w}} n=0")
        return {"p50": math.nan, "p90": math.nan, "p99": math.nan, "max": math.nan}
    ordered = sorted(samples_ms)
    stats = {"p50": percentile(ordered, 50), "p90": percentile(ordered, 90),
             "p99": percentile(ordered, 99), "max": ordered[-1]}
    print(f"{name:<{name_w}} n={len(ordered):<{n_w}} "
          + " ".join(f"{k}={v:{value_w}.3f}ms" for k, v in stats.items())
          + f" mean={sum(ordered) / len(ordered):{value_w}.3f}ms", flush=True)
    return stats
