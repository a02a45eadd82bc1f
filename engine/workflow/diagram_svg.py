"""SVG drawing primitives for BPMN diagrams: shapes, wrapped text, arrowheads, the style sheet.

engine/workflow/diagram.py decides what to draw and in which state; this module knows how each
BPMN notation element looks. Everything is built as lxml elements, so text is always escaped.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"
GATEWAY_MARKS = {"exclusiveGateway": "×", "parallelGateway": "+", "complexGateway": "*"}
INTERMEDIATE_EVENTS = {"intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
#: the left band of a pool or lane, where its name is written upwards
BAND_WIDTH = 30
LINE_HEIGHT = 14

STYLE = """
.bpmn-diagram text{font-family:system-ui,'Segoe UI',Arial,sans-serif;font-size:12px;fill:#1f2933}
.bpmn-pool>rect,.bpmn-lane>rect{fill:none;stroke:#7b8794;stroke-width:1}
.bpmn-pool .band{fill:#f5f7fa}
.bpmn-lane text,.bpmn-pool text{font-weight:600}
.bpmn-node .shape{fill:#fff;stroke:#9aa5b1;stroke-width:1.5}
.bpmn-node.is-completed .shape{fill:#e3f9e5;stroke:#1f7a3a;stroke-width:2}
.bpmn-node.is-current .shape{fill:#fff3c4;stroke:#b44d12;stroke-width:3.5}
.bpmn-node.is-pending text{fill:#616e7c}
.bpmn-endEvent .shape{stroke-width:3.5}
.bpmn-node .mark{fill:none;stroke:#3e4c59;stroke-width:1.5}
.bpmn-diagram .gateway-mark{font-size:22px}
.bpmn-node .badge{font-weight:700;font-size:13px}
.bpmn-node.is-completed .badge{fill:#1f7a3a}
.bpmn-node.is-current .badge{fill:#b44d12}
.bpmn-edge path{fill:none;stroke:#9aa5b1;stroke-width:1.5}
.bpmn-edge.is-completed path{stroke:#1f7a3a;stroke-width:2}
.bpmn-messageFlow path{stroke-dasharray:6 4}
.bpmn-association path{stroke-dasharray:2 3}
.bpmn-edge text{font-size:11px;fill:#3e4c59}
.bpmn-artifact rect{fill:#fff;stroke:#9aa5b1;stroke-dasharray:3 3}
"""


@dataclass(frozen=True)
class Bounds:
    x: float
    y: float
    width: float
    height: float

    @property
    def center(self) -> tuple[float, float]:
        return self.x + self.width / 2, self.y + self.height / 2


def svg_child(parent: etree._Element, tag: str, attrib: dict[str, str] | None = None):
    return etree.SubElement(parent, f"{{{SVG_NS}}}{tag}", attrib=attrib or {})


def rect_attributes(bounds: Bounds) -> dict[str, str]:
    return {
        "x": f"{bounds.x:g}",
        "y": f"{bounds.y:g}",
        "width": f"{bounds.width:g}",
        "height": f"{bounds.height:g}",
    }


def circle_attributes(cx: float, cy: float, radius: float, css: str) -> dict[str, str]:
    return {"cx": f"{cx:g}", "cy": f"{cy:g}", "r": f"{radius:g}", "class": css}


def arrowheads(svg, colours: dict[str, str]) -> None:
    """One arrowhead marker per edge state, `bpmn-arrow-<state>`, in that state's colour."""
    defs = svg_child(svg, "defs")
    for state, colour in colours.items():
        marker = svg_child(
            defs,
            "marker",
            {
                "id": f"bpmn-arrow-{state}",
                "viewBox": "0 0 10 10",
                "refX": "10",
                "refY": "5",
                "markerWidth": "8",
                "markerHeight": "8",
                "orient": "auto-start-reverse",
            },
        )
        svg_child(marker, "path", {"d": "M0,0 L10,5 L0,10 z", "fill": colour})


def draw_band(layer, bounds: Bounds, name: str, *, pool: bool) -> None:
    """A pool or lane: its frame and its name written upwards in the band on the left."""
    group = svg_child(layer, "g", {"class": "bpmn-pool" if pool else "bpmn-lane"})
    svg_child(group, "rect", rect_attributes(bounds))
    band = Bounds(bounds.x, bounds.y, BAND_WIDTH, bounds.height)
    if pool:
        svg_child(group, "rect", {**rect_attributes(band), "class": "band"})
    else:
        x = f"{bounds.x + BAND_WIDTH:g}"
        line = {"x1": x, "x2": x, "y1": f"{bounds.y:g}", "y2": f"{bounds.y + bounds.height:g}"}
        svg_child(group, "line", {**line, "stroke": "#cbd2d9"})
    cx, cy = band.center
    text = svg_child(
        group,
        "text",
        {
            "x": f"{cx:g}",
            "y": f"{cy:g}",
            "text-anchor": "middle",
            "dominant-baseline": "middle",
            "transform": f"rotate(-90 {cx:g} {cy:g})",
        },
    )
    text.text = shorten(name, int(bounds.height / 7))


def draw_activity(group, bounds: Bounds, name: str) -> None:
    svg_child(group, "rect", {**rect_attributes(bounds), "rx": "10", "ry": "10", "class": "shape"})
    wrapped_text(group, name, bounds)


def draw_event(group, bounds: Bounds, kind: str, *, timer: bool) -> None:
    """A circle; intermediate and boundary events get a double rim, timers a clock face."""
    cx, cy = bounds.center
    radius = min(bounds.width, bounds.height) / 2
    svg_child(group, "circle", circle_attributes(cx, cy, radius, "shape"))
    if kind in INTERMEDIATE_EVENTS:
        svg_child(group, "circle", circle_attributes(cx, cy, radius - 3, "mark"))
    if timer:
        svg_child(group, "circle", circle_attributes(cx, cy, radius - 8, "mark"))
        hands = f"M{cx:g},{cy - radius + 11:g} L{cx:g},{cy:g} L{cx + radius - 12:g},{cy:g}"
        svg_child(group, "path", {"d": hands, "class": "mark"})


def draw_gateway(group, bounds: Bounds, kind: str, *, marker_visible: bool) -> None:
    """A diamond with its type's mark (× exclusive, + parallel, ○ inclusive)."""
    cx, cy = bounds.center
    corners = [
        (cx, bounds.y),
        (bounds.x + bounds.width, cy),
        (cx, bounds.y + bounds.height),
        (bounds.x, cy),
    ]
    points = " ".join(f"{x:g},{y:g}" for x, y in corners)
    svg_child(group, "polygon", {"points": points, "class": "shape"})
    if kind == "inclusiveGateway":
        svg_child(group, "circle", circle_attributes(cx, cy, bounds.width / 4, "mark"))
    elif kind in GATEWAY_MARKS and (marker_visible or kind != "exclusiveGateway"):
        mark = svg_child(
            group,
            "text",
            {
                "x": f"{cx:g}",
                "y": f"{cy:g}",
                "text-anchor": "middle",
                "dominant-baseline": "central",
                "class": "gateway-mark",
            },
        )
        mark.text = GATEWAY_MARKS[kind]


def draw_badge(group, bounds: Bounds, symbol: str) -> None:
    """A small mark in an activity's corner, so state does not rest on colour alone."""
    attributes = {"x": f"{bounds.x + 6:g}", "y": f"{bounds.y + 15:g}", "class": "badge"}
    svg_child(group, "text", attributes).text = symbol


def wrapped_text(
    group,
    text: str,
    bounds: Bounds,
    *,
    anchor: str = "middle",
    vertical: str = "middle",
    min_chars: int = 4,
) -> None:
    """Text broken into lines that fit the box (about 6.5 px per character at 12 px).

    Labels outside shapes pass `min_chars`: editors size their boxes to the measured text,
    which our estimate would otherwise break word by word.
    """
    lines = wrap(text, max(int(bounds.width / 6.5), min_chars))
    if not lines:
        return
    if vertical == "middle":
        top = bounds.center[1] - (len(lines) - 1) * LINE_HEIGHT / 2
    else:
        top = bounds.y + LINE_HEIGHT / 2
    x = f"{bounds.center[0] if anchor == 'middle' else bounds.x:g}"
    node = svg_child(
        group,
        "text",
        {"x": x, "y": f"{top:g}", "text-anchor": anchor, "dominant-baseline": "middle"},
    )
    for index, line in enumerate(lines):
        span = svg_child(node, "tspan", {"x": x, "dy": "0" if index == 0 else f"{LINE_HEIGHT}"})
        span.text = line


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap; a word longer than a line is hyphenated."""
    lines: list[str] = []
    for word in text.split():
        while len(word) > width:
            lines.append(word[: width - 1] + "-")
            word = word[width - 1 :]
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 1)] + "…"
