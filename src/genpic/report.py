"""The stats report (``GET /stats``, ``genpic stats``): totals, cache, and the A/B comparison.

The comparison is the enhanced arm's mean rating minus the plain arm's, with
Welch's 95% confidence interval. Under ``MIN_RATINGS`` ratings in either arm it
says "not enough ratings" instead of a number, so nobody calls a winner from
five votes.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from genpic.vocabulary import AB_ARMS
from genpic.welch import welch_interval

if TYPE_CHECKING:
    from genpic.records.base import ArmStats, Stats

#: Ratings each arm needs before the difference is estimated.
MIN_RATINGS = 20
NOT_ENOUGH = "not enough ratings"
CONFIDENCE = 0.95
# Figures are rounded for reading; the counters keep full precision.
_PLACES = 4


def stats_body(stats: Stats, share: float | None) -> dict[str, Any]:
    """Return the public stats body.

    Parameters
    ----------
    stats
        The records store's totals (``RecordStore.stats()``).
    share
        ``GENPIC_AB_ENHANCE_SHARE``, or None when no experiment runs now.
    """
    rate = stats.cache_hit_rate
    return {
        "images": stats.images,
        "cost_usd": stats.cost_usd,
        "saved_usd": stats.saved_usd,
        "cache": {
            "hits": stats.cache_hits,
            "misses": stats.cache_misses,
            "hit_rate": None if rate is None else round(rate, _PLACES),
        },
        "enhancement_fallbacks": stats.enhancement_fallbacks,
        "experiment": {
            "share": share,
            "arms": {arm: _arm_body(stats.arms.get(arm)) for arm in AB_ARMS},
            "difference": difference_body(stats.arms.get("enhanced"), stats.arms.get("plain")),
        },
    }


def difference_body(enhanced: ArmStats | None, plain: ArmStats | None) -> dict[str, Any]:
    """Return the enhanced-minus-plain mean rating with its interval, or why there is none."""
    arms = {"enhanced": enhanced, "plain": plain}
    counts = {arm: figures.rating_count if figures else 0 for arm, figures in arms.items()}
    if enhanced is None or plain is None or min(counts.values()) < MIN_RATINGS:
        have = ", ".join(f"{arm} has {n}" for arm, n in counts.items())
        return {
            "status": NOT_ENOUGH,
            "min_ratings": MIN_RATINGS,
            "message": f"Each arm needs {MIN_RATINGS} ratings before comparing; {have}.",
        }
    interval = welch_interval(
        enhanced.mean_rating or 0.0,
        enhanced.rating_variance or 0.0,
        enhanced.rating_count,
        plain.mean_rating or 0.0,
        plain.rating_variance or 0.0,
        plain.rating_count,
        CONFIDENCE,
    )
    if interval.low > 0:
        conclusion = "enhanced is rated higher"
    elif interval.high < 0:
        conclusion = "plain is rated higher"
    else:
        conclusion = "no clear difference"
    return {
        "status": "estimated",
        "enhanced_minus_plain": round(interval.difference, _PLACES),
        "ci95": [round(interval.low, _PLACES), round(interval.high, _PLACES)],
        # Infinite when every rating in each arm is the same (JSON has no infinity).
        "df": round(interval.df, 2) if math.isfinite(interval.df) else None,
        "method": "Welch's t interval",
        "conclusion": conclusion,
    }


def _arm_body(arm: ArmStats | None) -> dict[str, Any]:
    mean = arm.mean_rating if arm else None
    return {
        "images": arm.images if arm else 0,
        "cost_usd": arm.cost_usd if arm else 0.0,
        "ratings": arm.rating_count if arm else 0,
        "mean_rating": None if mean is None else round(mean, _PLACES),
        "preferred": arm.preferred if arm else 0,
    }
