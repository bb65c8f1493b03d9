/**
 * The Learn page's diagram (templates/learn/index.html).
 *
 * The server draws everything, in the page language: the nodes (links to each part's entry in
 * the list below, so the page works without this script), the relation lines with their labels,
 * and the list itself. This module only toggles: each node becomes a toggle button that shows
 * its part in the panel beside the drawing and highlights its relations and neighbours.
 *
 * Keys on a node: Enter or Space chooses it (again: clears); the arrow keys move to the nearest
 * node in that direction, Home and End to the first and last; Tab walks them in order; Escape
 * clears the choice.
 */

const ARROWS = {
  ArrowRight: [1, 0],
  ArrowLeft: [-1, 0],
  ArrowDown: [0, 1],
  ArrowUp: [0, -1],
};

/** The node nearest to `from` in the direction of an arrow key (sideways distance counts double). */
function nearestInDirection(nodes, from, [dx, dy]) {
  const x0 = Number(from.dataset.x);
  const y0 = Number(from.dataset.y);
  let best = null;
  let bestScore = Infinity;
  for (const node of nodes) {
    if (node === from) continue;
    const vx = Number(node.dataset.x) - x0;
    const vy = Number(node.dataset.y) - y0;
    const along = vx * dx + vy * dy;
    if (along <= 0) continue;
    const score = along + 2 * Math.abs(vx * dy - vy * dx);
    if (score < bestScore) {
      best = node;
      bestScore = score;
    }
  }
  return best;
}

function enhance(svg, panel) {
  const nodes = [...svg.querySelectorAll('.learn-node')];
  const edges = [...svg.querySelectorAll('.learn-edge')];
  const edgeLayer = svg.querySelector('.learn-edges');
  const empty = [...panel.childNodes].map((child) => child.cloneNode(true));
  let chosen = null;

  function showPart(id) {
    const entry = id ? document.getElementById(`part-${id}`) : null;
    if (!entry) {
      panel.replaceChildren(...empty.map((child) => child.cloneNode(true)));
      return;
    }
    const copy = entry.cloneNode(true);
    for (const element of copy.querySelectorAll('[id]')) element.removeAttribute('id');
    panel.replaceChildren(...copy.childNodes);
  }

  function choose(node) {
    chosen = node;
    const id = node ? node.dataset.id : null;
    const neighbours = new Set();
    for (const edge of edges) {
      const related = id !== null && (edge.dataset.from === id || edge.dataset.to === id);
      edge.classList.toggle('is-related', related);
      edge.classList.toggle('is-from', related && edge.dataset.from === id);
      edge.classList.toggle('is-to', related && edge.dataset.to === id);
      if (related) {
        neighbours.add(edge.dataset.from === id ? edge.dataset.to : edge.dataset.from);
        edgeLayer.append(edge); // drawn last, so on top of the others
      }
    }
    for (const other of nodes) {
      other.classList.toggle('is-selected', other === node);
      other.classList.toggle('is-related', neighbours.has(other.dataset.id));
      other.setAttribute('aria-pressed', String(other === node));
    }
    svg.classList.toggle('has-selection', node !== null);
    showPart(id);
  }

  function toggle(node) {
    choose(chosen === node ? null : node);
  }

  // On a narrow screen the panel sits below the drawing: after a tap, bring its start into
  // view if it is out of sight, leaving some of the drawing above it.
  function revealPanel() {
    const top = panel.getBoundingClientRect().top;
    if (top > window.innerHeight * 0.8) {
      const smooth = !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
      window.scrollBy({ top: top - window.innerHeight * 0.4, behavior: smooth ? 'smooth' : 'auto' });
    }
  }

  function onKey(event, node) {
    let target = null;
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      toggle(node);
      return;
    }
    if (event.key === 'Escape') {
      if (chosen) {
        event.preventDefault();
        choose(null);
      }
      return;
    }
    if (event.key in ARROWS) target = nearestInDirection(nodes, node, ARROWS[event.key]);
    else if (event.key === 'Home') target = nodes[0];
    else if (event.key === 'End') target = nodes[nodes.length - 1];
    else return;
    event.preventDefault(); // the arrow keys would otherwise scroll the page
    if (target) target.focus();
  }

  for (const node of nodes) {
    node.removeAttribute('href'); // the list entry is shown in the panel instead
    node.setAttribute('role', 'button');
    node.setAttribute('aria-pressed', 'false');
    node.setAttribute('aria-controls', panel.id);
    node.addEventListener('click', (event) => {
      event.preventDefault();
      toggle(node);
      if (chosen) revealPanel();
    });
    node.addEventListener('keydown', (event) => onKey(event, node));
  }
}

const svg = document.getElementById('learn-svg');
const panel = document.getElementById('learn-detail');
if (svg && panel) enhance(svg, panel);
