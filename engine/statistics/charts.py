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


@dataclass(frozen=True)
class Segment:
    """One level's part of a stacked bar: its key (e.g. a rating level) and its count."""

    key: int
    value: int
    x: float
    width: float


@dataclass(frozen=True)
class StackedBar:
    row: object
    label: str
    y: float
    segments: list[Segment]
    total: int


@dataclass(frozen=True)
class StackedLayout:
    bars: list[StackedBar]
    width: int
    height: int
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT


def stacked_bars(rows: list, keys: list[int]) -> StackedLayout:
    """One full-width bar per row, split by `row.counts[key]` in proportion (a 100% stack).

    Shares, not volumes: a small unit's satisfaction reads as clearly as the province's; the
    row's total is printed beside its bar. A key with no count gets no segment.
    """
    bars = []
    for index, row in enumerate(rows):
        total = sum(row.counts[key] for key in keys)
        x, segments = float(LABEL_WIDTH), []
        for key in keys:
            value = row.counts[key]
            if not value:
                continue
            width = round(PLOT_WIDTH * value / total, 1)
            segments.append(Segment(key=key, value=value, x=round(x, 1), width=width))
            x += width
        y = GAP + index * (BAR_HEIGHT + GAP)
        bars.append(StackedBar(row=row, label=row.label, y=y, segments=segments, total=total))
    height = GAP + len(rows) * (BAR_HEIGHT + GAP)
    return StackedLayout(bars=bars, width=LABEL_WIDTH + PLOT_WIDTH + 140, height=max(height, 30))
