"""Print how long the offline preview engine takes per aspect ratio and output format.

Run: python bench/preview_render.py [repeats]
"""

from __future__ import annotations

import statistics
import sys
import time

from genpic.catalog import STABILITY_SIZES
from genpic.engines.base import ImageJob
from genpic.engines.preview import PreviewEngine


def main(repeats: int) -> None:
    engine = PreviewEngine()
    engine.render(ImageJob("warm up", "m", 1, "jpeg", "1:1"))  # loads the font once
    print(f"{'ratio':>6} {'size':>10} " + " ".join(f"{fmt:>9}" for fmt in ("jpeg", "png", "webp")))
    for ratio, (width, height) in STABILITY_SIZES.items():
        cells = []
        for fmt in ("jpeg", "png", "webp"):
            samples = []
            for seed in range(1, repeats + 1):
                job = ImageJob("a cat on a neon rooftop at night", "m", seed, fmt, ratio)
                start = time.perf_counter()
                engine.render(job)
                samples.append(time.perf_counter() - start)
            cells.append(f"{statistics.median(samples) * 1000:7.1f}ms")
        print(f"{ratio:>6} {f'{width}x{height}':>10} " + " ".join(cells))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
