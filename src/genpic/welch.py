"""Welch's t interval for a difference of two means, with Student's t from first principles.

The standard library has no t distribution and the experiment needs one quantile,
so it is computed here: the t CDF through the regularized incomplete beta
function (Lentz's continued fraction, as in Numerical Recipes §6.4), inverted by
bisection. Welch's interval does not assume the two arms' ratings have the same
variance, and its degrees of freedom are the Welch-Satterthwaite ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

_EPSILON = 1e-15
_TINY = 1e-300


@dataclass(frozen=True)
class Interval:
    """A confidence interval for ``mean_a - mean_b``."""

    difference: float
    low: float
    high: float
    df: float
    confidence: float


def welch_interval(
    mean_a: float,
    var_a: float,
    n_a: int,
    mean_b: float,
    var_b: float,
    n_b: int,
    confidence: float = 0.95,
) -> Interval:
    """Return Welch's ``confidence`` interval for ``mean_a - mean_b``.

    Parameters
    ----------
    mean_a, var_a, n_a, mean_b, var_b, n_b
        Each sample's mean, sample variance (n - 1 denominator) and size (2 or more).
    confidence
        The interval's coverage, between 0 and 1.
    """
    if n_a < 2 or n_b < 2:
        raise ValueError("each sample needs at least two values")
    share_a, share_b = var_a / n_a, var_b / n_b
    error = math.sqrt(share_a + share_b)
    difference = mean_a - mean_b
    if error == 0.0:
        # Every rating equal within each arm: the difference is exact.
        return Interval(difference, difference, difference, math.inf, confidence)
    df = (share_a + share_b) ** 2 / (share_a**2 / (n_a - 1) + share_b**2 / (n_b - 1))
    margin = t_quantile(0.5 + confidence / 2, df) * error
    return Interval(difference, difference - margin, difference + margin, df, confidence)


def t_cdf(t: float, df: float) -> float:
    """Return P(T <= t) for Student's t with ``df`` (> 0) degrees of freedom."""
    tail = 0.5 * _incomplete_beta(df / 2, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def t_quantile(p: float, df: float) -> float:
    """Return the ``t`` with ``t_cdf(t, df) == p``, for ``p`` in (0.5, 1)."""
    if not 0.5 < p < 1.0:
        raise ValueError("p must be between 0.5 and 1")
    if math.isinf(df):
        from statistics import NormalDist

        return NormalDist().inv_cdf(p)
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        low, high = high, high * 2
    for _ in range(200):
        middle = (low + high) / 2
        if t_cdf(middle, df) < p:
            low = middle
        else:
            high = middle
        if high - low <= _EPSILON * high:
            break
    return (low + high) / 2


def _incomplete_beta(a: float, b: float, x: float) -> float:
    """Return the regularized incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    # The continued fraction converges fast only below the mean; use the symmetry above it.
    if x < (a + 1) / (a + b + 2):
        return front * _beta_fraction(a, b, x) / a
    return 1.0 - front * _beta_fraction(b, a, 1.0 - x) / b


def _beta_fraction(a: float, b: float, x: float) -> float:
    """Evaluate the incomplete beta continued fraction by Lentz's method."""
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    result = d
    for m in range(1, 500):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > _TINY else _TINY)
            c = 1.0 + numerator / c
            c = c if abs(c) > _TINY else _TINY
            result *= c * d
        if abs(c * d - 1.0) < _EPSILON:
            break
    return result
