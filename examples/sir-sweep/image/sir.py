#!/usr/bin/env python3
"""One work unit of the SIR sweep: integrate the SIR model for one (beta, gamma) pair.

    dS/dt = -beta S I,   dI/dt = beta S I - gamma I,   dR/dt = gamma I

in population fractions, from S0 = 1 - I0, I0 = 1e-4, R0 = 0, with classical fourth-order
Runge-Kutta at a fixed step (DT) for DAYS days. Deterministic: the same inputs give the same
bytes on every machine (plain IEEE double arithmetic, no library calls), so replicas can be
compared exactly.

Usage: sir.py BETA GAMMA   → /out/result.json
"""
import json
import sys

I0 = 1e-4
DT = 0.01
DAYS = 400


def deriv(s, i, beta, gamma):
    infection = beta * s * i
    recovery = gamma * i
    return -infection, infection - recovery, recovery


def run(beta, gamma):
    s, i, r = 1.0 - I0, I0, 0.0
    peak_i, peak_day = i, 0.0
    steps = int(round(DAYS / DT))
    for n in range(1, steps + 1):
        a = deriv(s, i, beta, gamma)
        b = deriv(s + 0.5 * DT * a[0], i + 0.5 * DT * a[1], beta, gamma)
        c = deriv(s + 0.5 * DT * b[0], i + 0.5 * DT * b[1], beta, gamma)
        d = deriv(s + DT * c[0], i + DT * c[1], beta, gamma)
        s += DT / 6.0 * (a[0] + 2.0 * b[0] + 2.0 * c[0] + d[0])
        i += DT / 6.0 * (a[1] + 2.0 * b[1] + 2.0 * c[1] + d[1])
        r += DT / 6.0 * (a[2] + 2.0 * b[2] + 2.0 * c[2] + d[2])
        if i > peak_i:
            peak_i, peak_day = i, n * DT
    return s, i, r, peak_i, peak_day


def main():
    beta, gamma = float(sys.argv[1]), float(sys.argv[2])
    s, i, r, peak_i, peak_day = run(beta, gamma)
    result = {
        "beta": beta,
        "gamma": gamma,
        "r0": beta / gamma,
        "final_size": 1.0 - s,
        "infected_at_end": i,
        "peak_infected": peak_i,
        "peak_day": round(peak_day, 2),
    }
    with open("/out/result.json", "w") as f:
        json.dump(result, f, sort_keys=True)
        f.write("\n")
    print(f"beta={beta} gamma={gamma} R0={beta / gamma:.3f} final size={1.0 - s:.6f} peak {peak_i:.4f} on day {peak_day:.1f}")


if __name__ == "__main__":
    main()
