"""The anatomy model laid out as an SVG diagram, in one language: what the template draws.

Nodes sit where ``anatomy.toml`` puts them; each relation is a line between two nodes (curved
apart when two relations join the same pair). A relation's label is shown only while one of its
ends is chosen, so it is placed twice, once for each end: along the line, where it covers no
node, no name and none of the other labels shown with it. A structure that encloses several
others (the femoral sheath) is drawn as a box around them, divided into compartments.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import pairwise

from hipcoach.learn.anatomy import AnatomyModel, Evidence, LabelSide, RelationType

NODE_RADIUS = 18
LABEL_GAP = 14  # between a node and its name
NAME_SIZE = 24  # font size of the names, in diagram units (learn.css says the same)
EDGE_LABEL_SIZE = 22  # ... and of the relation labels
LINE_HEIGHT = 28  # between the lines of a wrapped name
WRAP_SIDE = 14  # characters per line of a name drawn beside its node (names with spaces)
WRAP_UNDER = 9  # ... drawn above or below it
PARALLEL_SPREAD = 70  # how far apart the curves of relations between the same pair bow
BOX_PADDING = 46
# Where a relation's label may go, best first: (shift down, fraction of the way along the line
# from the chosen end). On the line first; just above or below it where the line is crowded.
_ALONG = (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.2, 0.8)
LABEL_SPOTS = tuple((shift, t) for shift in (0, -24, 24, -48, 48, -72, 72) for t in _ALONG)

Rect = tuple[float, float, float, float]  # left, top, right, bottom


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    y: float  # baseline


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    kind: str
    accessible_name: str  # the name and the kind, for screen readers
    x: float
    y: float
    lines: tuple[Line, ...]  # the drawn name
    text_x: float
    anchor: str  # SVG text-anchor


@dataclass(frozen=True, slots=True)
class Edge:
    from_id: str
    to_id: str
    type: str
    evidence: str
    label: str
    path: str  # SVG path data
    # Where the label goes while the "from" end is chosen, and while the "to" end is.
    from_label: tuple[float, float]
    to_label: tuple[float, float]


@dataclass(frozen=True, slots=True)
class Box:
    """A structure that encloses others, drawn around them with a divider between each."""

    id: str
    x: float
    y: float
    width: float
    height: float
    dividers: tuple[float, ...]  # x of each vertical partition

    @property
    def bottom(self) -> float:
        return self.y + self.height


@dataclass(frozen=True, slots=True)
class Diagram:
    width: float
    height: float
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    boxes: tuple[Box, ...]

    @property
    def orientation_right(self) -> float:
        """Where the "outer side" caption ends, near the right edge."""
        return self.width - 16


def build(model: AnatomyModel, language: str) -> Diagram:
    nodes = [_node(model, s.id, language) for s in model.structures]
    return Diagram(
        width=model.width,
        height=model.height,
        nodes=tuple(nodes),
        edges=tuple(_edges(model, language, nodes)),
        boxes=tuple(_boxes(model)),
    )


def wrap(text: str, width: int) -> tuple[str, ...]:
    """Break a name into lines of about ``width`` characters at spaces (Japanese stays whole)."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return tuple(lines)


def text_width(text: str, size: float) -> float:
    """A generous estimate of the drawn width of bold text (no font metrics on the server)."""
    em = 0.0
    for char in text:
        if ord(char) >= 0x2E80:  # CJK and full-width forms
            em += 1.0
        elif char in "mwMW":
            em += 0.95
        elif char.isupper() or char.isdigit():
            em += 0.75
        elif char in " .,:;()'ijlft|":
            em += 0.38
        else:
            em += 0.66
    return em * size


def _node(model: AnatomyModel, structure_id: str, language: str) -> Node:
    s = model.structure(structure_id)
    beside = s.label_side in (LabelSide.LEFT, LabelSide.RIGHT)
    lines = wrap(s.short.get(language), WRAP_SIDE if beside else WRAP_UNDER)
    block = LINE_HEIGHT * (len(lines) - 1)
    offset = NODE_RADIUS + LABEL_GAP
    if s.label_side is LabelSide.RIGHT:
        tx, ty, anchor = s.x + offset, s.y + 8 - block / 2, "start"
    elif s.label_side is LabelSide.LEFT:
        tx, ty, anchor = s.x - offset, s.y + 8 - block / 2, "end"
    elif s.label_side is LabelSide.ABOVE:
        tx, ty, anchor = s.x, s.y - offset - block, "middle"
    else:
        tx, ty, anchor = s.x, s.y + offset + 18, "middle"
    return Node(
        id=s.id,
        kind=s.kind.value,
        accessible_name=("、" if language == "ja" else ", ").join(
            (s.name.get(language), model.kinds[s.kind].get(language))
        ),
        x=s.x,
        y=s.y,
        lines=tuple(Line(text, ty + i * LINE_HEIGHT) for i, text in enumerate(lines)),
        text_x=tx,
        anchor=anchor,
    )


def text_rect(x: float, baseline: float, text: str, size: float, anchor: str) -> Rect:
    width = text_width(text, size)
    left = {"start": x, "end": x - width}.get(anchor, x - width / 2)
    return (left, baseline - size * 0.85, left + width, baseline + size * 0.3)


def _obstacles(nodes: Iterable[Node]) -> list[Rect]:
    """What a label must not cover: every node and every name."""
    out: list[Rect] = []
    for n in nodes:
        r = NODE_RADIUS + 4
        out.append((n.x - r, n.y - r, n.x + r, n.y + r))
        out.extend(text_rect(n.text_x, line.y, line.text, NAME_SIZE, n.anchor) for line in n.lines)
    return out


def overlap(a: Rect, b: Rect) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _edges(model: AnatomyModel, language: str, nodes: list[Node]) -> list[Edge]:
    pairs: dict[frozenset[str], list[int]] = defaultdict(list)
    for n, r in enumerate(model.relations):
        pairs[frozenset((r.from_id, r.to_id))].append(n)
    paths: list[str] = []
    points: list[Callable[[float], tuple[float, float]]] = []
    for n, r in enumerate(model.relations):
        a, b = model.structure(r.from_id), model.structure(r.to_id)
        siblings = pairs[frozenset((r.from_id, r.to_id))]
        bow = (siblings.index(n) - (len(siblings) - 1) / 2) * PARALLEL_SPREAD
        # Bow the same way whichever end the relation starts from.
        if (a.x, a.y) > (b.x, b.y):
            bow = -bow
        path, at = _curve(a.x, a.y, b.x, b.y, bow)
        paths.append(path)
        points.append(at)

    labels = [model.relation_words[r.type].label.get(language) for r in model.relations]
    obstacles = _obstacles(nodes)
    # For each chosen structure, place the labels of its relations one by one.
    spots: dict[tuple[int, str], tuple[float, float]] = {}
    for node in nodes:
        placed: list[Rect] = []
        for n, r in enumerate(model.relations):
            if not r.touches(node.id):
                continue
            from_chosen = r.from_id == node.id
            best: tuple[float, Rect, tuple[float, float]] | None = None
            for shift, t in LABEL_SPOTS:
                x, y = points[n](t if from_chosen else 1 - t)
                y += shift
                rect = text_rect(x, y + EDGE_LABEL_SIZE * 0.35, labels[n], EDGE_LABEL_SIZE, "")
                cost = sum(overlap(rect, o) for o in (*obstacles, *placed))
                if best is None or cost < best[0]:
                    best = (cost, rect, (x, y))
                if cost == 0:
                    break
            assert best is not None
            placed.append(best[1])
            spots[(n, "from" if from_chosen else "to")] = best[2]

    return [
        Edge(
            from_id=r.from_id,
            to_id=r.to_id,
            type=r.type.value,
            evidence=r.evidence.value,
            label=labels[n],
            path=paths[n],
            from_label=spots[(n, "from")],
            to_label=spots[(n, "to")],
        )
        for n, r in enumerate(model.relations)
    ]


def _curve(
    x1: float, y1: float, x2: float, y2: float, bow: float
) -> tuple[str, Callable[[float], tuple[float, float]]]:
    """A line (or a quadratic curve bowed sideways by ``bow``) between two nodes' rims.

    Returns the SVG path and the point at a fraction ``t`` of the way along it.
    """
    length = math.hypot(x2 - x1, y2 - y1)
    nx, ny = -(y2 - y1) / length, (x2 - x1) / length  # unit normal
    cx, cy = (x1 + x2) / 2 + nx * bow, (y1 + y2) / 2 + ny * bow
    # Start and end on the rims, aimed at the control point.
    sx, sy = _towards(x1, y1, cx, cy, NODE_RADIUS)
    ex, ey = _towards(x2, y2, cx, cy, NODE_RADIUS + 4)  # room for the arrowhead

    def at(t: float) -> tuple[float, float]:
        u = 1 - t
        return (
            u * u * sx + 2 * u * t * cx + t * t * ex,
            u * u * sy + 2 * u * t * cy + t * t * ey,
        )

    if bow == 0:
        return f"M{sx:.1f},{sy:.1f} L{ex:.1f},{ey:.1f}", at
    return f"M{sx:.1f},{sy:.1f} Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}", at


def _towards(x: float, y: float, tx: float, ty: float, distance: float) -> tuple[float, float]:
    length = math.hypot(tx - x, ty - y) or 1.0
    return x + (tx - x) / length * distance, y + (ty - y) / length * distance


def _boxes(model: AnatomyModel) -> list[Box]:
    enclosed: dict[str, list[str]] = defaultdict(list)
    for r in model.relations:
        if r.type is RelationType.ENCLOSES and r.evidence is Evidence.ESTABLISHED:
            enclosed[r.from_id].append(r.to_id)
    out = []
    for outer, inner_ids in enclosed.items():
        if len(inner_ids) < 2:
            continue
        inner = sorted((model.structure(i) for i in inner_ids), key=lambda s: s.x)
        xs = [s.x for s in inner]
        ys = [s.y for s in inner]
        left, right = min(xs) - BOX_PADDING * 1.5, max(xs) + BOX_PADDING * 1.5
        top, bottom = min(ys) - BOX_PADDING, max(ys) + BOX_PADDING + 2 * LINE_HEIGHT
        out.append(
            Box(
                id=outer,
                x=left,
                y=top,
                width=right - left,
                height=bottom - top,
                dividers=tuple((p.x + q.x) / 2 for p, q in pairwise(inner)),
            )
        )
    return out
