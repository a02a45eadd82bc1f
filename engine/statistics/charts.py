"""Geometry of the dashboard's server-rendered SVG bar charts (no JavaScript, no library)."""

from __future__ import annotations

from dataclasses import dataclass

from engine.statistics.dashboard import Bar

LABEL_WIDTH = 220
PLOT_WIDTH = 360
BAR_HEIGHT = 18
GAP = 8


@dataclass(frozen=True)
class BarShape:
    bar: Bar
    x: float
    y: float
    width: float
    height: float

    @property
    def text(self) -> str:
        return self.bar.caption or str(self.bar.value)


@dataclass(frozen=True)
class ChartLayout:
    shapes: list[BarShape]
    width: int
    height: int
    label_width: int = LABEL_WIDTH


def horizontal_bars(bars: list[Bar], *, full_scale: float | None = None) -> ChartLayout:
    """One row per bar; lengths scaled to the largest bar, or to `full_scale` (100 for rates)."""
    lengths = [bar.length if bar.length is not None else bar.value for bar in bars]
    scale = full_scale or max(lengths, default=0) or 1
    shapes = [
        BarShape(
            bar=bar,
            x=LABEL_WIDTH,
            y=GAP + index * (BAR_HEIGHT + GAP),
            width=round(PLOT_WIDTH * length / scale, 1),
            height=BAR_HEIGHT,
        )
        for index, (bar, length) in enumerate(zip(bars, lengths, strict=True))
    ]
    height = GAP + len(bars) * (BAR_HEIGHT + GAP)
    return ChartLayout(shapes=shapes, width=LABEL_WIDTH + PLOT_WIDTH + 140, height=max(height, 30))
