import dagre from '@dagrejs/dagre';
import type { PathwayDefinition } from '#engine';
import { buildStateTree, resolveTarget, type StateTree, type TransitionView } from './state-tree.js';

export interface RenderSvgOptions {
  /** State ids to highlight (e.g. an instance's current states); ancestors may be given too. */
  highlight?: string[];
}

interface NodeLabel {
  kind: 'state' | 'cluster' | 'start' | 'any';
  stateId?: string;
  lines: string[];
  width: number;
  height: number;
  final?: boolean;
  x?: number;
  y?: number;
}

interface EdgeLabel {
  text: string;
  tooltip: string;
  width: number;
  height: number;
  labelpos: 'c';
  points?: Array<{ x: number; y: number }>;
  x?: number;
  y?: number;
}

interface GraphLabel {
  rankdir: 'TB';
  nodesep: number;
  ranksep: number;
  edgesep: number;
  marginx: number;
  marginy: number;
  /** Set by the layout. */
  width?: number;
  height?: number;
}

interface EdgeRef {
  v: string;
  w: string;
  name?: string;
}

/** The part of graphlib's Graph used here, with this file's labels. */
interface LayoutGraph {
  setGraph(label: GraphLabel): LayoutGraph;
  graph(): GraphLabel;
  setNode(id: string, label: NodeLabel): LayoutGraph;
  hasNode(id: string): boolean;
  node(id: string): NodeLabel;
  nodes(): string[];
  setParent(id: string, parent: string): LayoutGraph;
  setEdge(v: string, w: string, label: EdgeLabel, name: string): LayoutGraph;
  edges(): EdgeRef[];
  edge(e: EdgeRef): EdgeLabel;
}

// dagre's bundled typings reach graphlib's through extensionless paths NodeNext does not resolve, so
// they read as unresolved types: the part used here is typed by hand, once.
const layoutLib = dagre as unknown as {
  graphlib: { Graph: new (opts: { multigraph: boolean; compound: boolean }) => LayoutGraph };
  layout(g: LayoutGraph): void;
};

// Text is measured by character count: the SVG must be deterministic and render without a DOM.
const CHAR_W = 7.2;
const LINE_H = 16;
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif"';
const COLOURS = {
  stroke: '#44546a',
  fill: '#ffffff',
  cluster: '#f4f6f9',
  text: '#1f2933',
  muted: '#6b7785',
  edge: '#7b8794',
  highlightFill: '#fff4cc',
  highlightStroke: '#c27c0e',
};

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function textWidth(text: string): number {
  return Math.ceil(text.length * CHAR_W);
}

function n(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function guardName(guard: unknown): string | undefined {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && guard !== null && typeof (guard as { type?: unknown }).type === 'string') {
    return (guard as { type: string }).type;
  }
  return undefined;
}

function edgeText(t: TransitionView): string {
  const event = t.kind === 'after' ? `after ${t.delay}` : t.event;
  const guard = guardName(t.guard);
  return guard === undefined ? event : `${event} [${guard}]`;
}

function buildGraph(tree: StateTree) {
  const g = new layoutLib.graphlib.Graph({ multigraph: true, compound: true });
  g.setGraph({ rankdir: 'TB', nodesep: 36, ranksep: 56, edgesep: 16, marginx: 24, marginy: 24 });

  const isCluster = (id: string) => {
    const type = tree.byId.get(id)?.type;
    return type === 'compound' || type === 'parallel';
  };

  for (const s of tree.states) {
    if (isCluster(s.id)) {
      const label = s.type === 'parallel' ? `${s.title ?? s.key} (in parallel)` : (s.title ?? s.key);
      g.setNode(s.id, { kind: 'cluster', stateId: s.id, lines: [label], width: 0, height: 0 });
    } else {
      const count = s.tasks.length;
      // The title is printed; the id only in the box's tooltip (<title>), for those who edit the definition.
      const lines = [s.type === 'history' ? 'H' : (s.title ?? s.key)];
      if (count > 0) lines.push(count === 1 ? '1 task' : `${count} tasks`);
      const width = Math.max(110, ...lines.map(textWidth)) + 28;
      g.setNode(s.id, { kind: 'state', stateId: s.id, lines, width, height: lines.length * LINE_H + 20, final: s.type === 'final' });
    }
    if (s.parentId !== null) g.setParent(s.id, s.parentId);
  }

  // A transition declared on a compound state (or the root) fires from any of its sub-states:
  // it leaves from a small "any" port inside the cluster, since dagre cannot attach edges to clusters.
  const sourceNode = (stateId: string | null): string => {
    if (stateId !== null && !isCluster(stateId)) return stateId;
    const port = `__any:${stateId ?? ''}`;
    if (!g.hasNode(port)) {
      g.setNode(port, { kind: 'any', lines: [stateId === null ? 'any state' : 'any'], width: stateId === null ? 84 : 44, height: 22 });
      if (stateId !== null) g.setParent(port, stateId);
    }
    return port;
  };

  // Each compound state gets its own start dot; an edge entering the state ends there, which reads
  // as "enters at its initial state" and keeps edges from crossing into nested clusters.
  for (const s of tree.states) {
    if (s.type !== 'compound') continue;
    g.setNode(`__start:${s.id}`, { kind: 'start', lines: [], width: 14, height: 14 });
    g.setParent(`__start:${s.id}`, s.id);
  }
  const entryNodes = (id: string): string[] => {
    const s = tree.byId.get(id);
    if (s?.type === 'compound') return [`__start:${id}`];
    if (s?.type === 'parallel') return s.childIds.flatMap(entryNodes);
    return [id];
  };

  let edgeCount = 0;
  const startEdge = (from: string, to: string) =>
    g.setEdge(from, to, { text: '', tooltip: 'start', width: 0, height: 0, labelpos: 'c' }, `e${edgeCount++}`);
  const addEdges = (sourceId: string | null, transitions: TransitionView[]) => {
    for (const t of transitions) {
      for (const target of t.targets) {
        const resolved = resolveTarget(tree, sourceId, target);
        if (resolved === null) continue;
        const text = edgeText(t);
        const title = typeof t.meta?.title === 'string' ? t.meta.title : undefined;
        const roles = Array.isArray(t.meta?.roles) ? ` (${t.meta.roles.join(', ')})` : '';
        const from = sourceNode(sourceId);
        for (const to of entryNodes(resolved)) {
          g.setEdge(from, to, {
            text,
            tooltip: `${title ?? text}${roles}`,
            width: textWidth(text) + 8,
            height: LINE_H,
            labelpos: 'c',
          }, `e${edgeCount++}`);
        }
      }
    }
  };
  addEdges(null, tree.rootTransitions);
  for (const s of tree.states) addEdges(s.id, s.transitions);

  g.setNode('__start', { kind: 'start', lines: [], width: 14, height: 14 });
  const rootEntry = tree.rootType === 'parallel' ? tree.rootChildIds : [tree.rootInitial ?? tree.rootChildIds[0]];
  for (const id of rootEntry) if (id !== undefined) for (const to of entryNodes(id)) startEdge('__start', to);
  for (const s of tree.states) {
    if (s.type !== 'compound') continue;
    const initial = s.initial !== undefined ? `${s.id}.${s.initial}` : s.childIds[0];
    if (initial !== undefined) for (const to of entryNodes(initial)) startEdge(`__start:${s.id}`, to);
  }

  layoutLib.layout(g);
  return g;
}

function multiline(lines: string[], x: number, top: number, highlighted: boolean): string {
  return lines
    .map((line, i) => {
      const size = i === 0 ? 13 : 11;
      const weight = i === 0 ? ' font-weight="600"' : '';
      const fill = i === 0 ? COLOURS.text : highlighted ? COLOURS.text : COLOURS.muted;
      return `<text x="${n(x)}" y="${n(top + LINE_H * (i + 1) - 3)}" text-anchor="middle" font-size="${size}"${weight} fill="${fill}">${escapeXml(line)}</text>`;
    })
    .join('');
}

/**
 * Draws a pathway as a standalone SVG document: states as rounded boxes (title and task count; the
 * state id in the box's tooltip),
 * final states with a double border, compound and parallel states as labelled clusters, edges
 * labelled with their event and guard. The same definition always gives the same bytes.
 *
 * @example
 * const svg = renderSvg(definition, { highlight: ['planning.contributions'] });
 */
export function renderSvg(def: PathwayDefinition, opts: RenderSvgOptions = {}): string {
  const tree = buildStateTree(def);
  const g = buildGraph(tree);
  const highlight = new Set(opts.highlight ?? []);
  const prefix = `cv-${def.key.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const graph = g.graph();
  const width = Math.max(240, Math.ceil(graph.width ?? 0));
  const height = Math.max(80, Math.ceil(graph.height ?? 0)) + 28;
  const dy = 28; // room for the heading above the diagram

  const clusters: string[] = [];
  const nodes: string[] = [];
  const edges: string[] = [];
  const depth = (id: string) => id.split('.').length;

  const nodeOf = (id: string) => g.node(id);
  const nodeIds = g.nodes().slice().sort((a, b) => {
    const la = nodeOf(a);
    const lb = nodeOf(b);
    if (la.kind === 'cluster' && lb.kind === 'cluster') return depth(a) - depth(b);
    return 0;
  });
  for (const id of nodeIds) {
    const label = nodeOf(id);
    const x = label.x ?? 0;
    const y = (label.y ?? 0) + dy;
    const left = x - label.width / 2;
    const top = y - label.height / 2;
    const on = label.stateId !== undefined && highlight.has(label.stateId);
    const stroke = on ? COLOURS.highlightStroke : COLOURS.stroke;
    const strokeWidth = on ? 3 : 1.5;
    const data = label.stateId === undefined ? '' : ` data-state="${escapeXml(label.stateId)}"`;
    const current = on ? ' class="current"' : '';
    if (label.kind === 'cluster') {
      clusters.push(
        `<g${current}${data}><title>${escapeXml(`${label.lines[0]} (${label.stateId})`)}</title>` +
          `<rect x="${n(left)}" y="${n(top)}" width="${n(label.width)}" height="${n(label.height)}" rx="12" ry="12" fill="${on ? COLOURS.highlightFill : COLOURS.cluster}" stroke="${stroke}" stroke-width="${strokeWidth}" stroke-dasharray="6 4"/>` +
          `<text x="${n(left + 12)}" y="${n(top + 18)}" font-size="12" font-weight="600" fill="${COLOURS.muted}">${escapeXml(label.lines[0]!)}</text></g>`,
      );
    } else if (label.kind === 'start') {
      const inner = id !== '__start';
      const tip = inner ? `initial state of ${id.slice('__start:'.length)}` : 'start of the pathway';
      nodes.push(`<circle cx="${n(x)}" cy="${n(y)}" r="${inner ? 5 : 7}" fill="${COLOURS.stroke}"><title>${escapeXml(tip)}</title></circle>`);
    } else if (label.kind === 'any') {
      nodes.push(
        `<g><title>${escapeXml(label.lines[0] === 'any state' ? 'from any state' : 'from any sub-state')}</title>` +
          `<rect x="${n(left)}" y="${n(top)}" width="${n(label.width)}" height="${n(label.height)}" rx="11" ry="11" fill="${COLOURS.cluster}" stroke="${COLOURS.edge}" stroke-dasharray="3 3"/>` +
          `<text x="${n(x)}" y="${n(y + 4)}" text-anchor="middle" font-size="11" fill="${COLOURS.muted}">${escapeXml(label.lines[0]!)}</text></g>`,
      );
    } else {
      const state = tree.byId.get(label.stateId!)!;
      const tip = [`${label.lines[0]} (${state.id})`, ...state.tasks.map((t) => `task: ${t.title} → ${t.assignee?.role ?? '?'}`)].join('\n');
      const fill = on ? COLOURS.highlightFill : COLOURS.fill;
      const inner = label.final
        ? `<rect x="${n(left + 4)}" y="${n(top + 4)}" width="${n(label.width - 8)}" height="${n(label.height - 8)}" rx="8" ry="8" fill="none" stroke="${stroke}" stroke-width="${strokeWidth}"/>`
        : '';
      nodes.push(
        `<g${current}${data}><title>${escapeXml(tip)}</title>` +
          `<rect x="${n(left)}" y="${n(top)}" width="${n(label.width)}" height="${n(label.height)}" rx="12" ry="12" fill="${fill}" stroke="${stroke}" stroke-width="${strokeWidth}"/>${inner}` +
          multiline(label.lines, x, top + 8, on) +
          `</g>`,
      );
    }
  }

  let startEdges = 0;
  for (const e of g.edges()) {
    const label = g.edge(e);
    if (label.text === '') startEdges++;
    const points = label.points ?? [];
    if (points.length === 0) continue;
    const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${n(p.x)},${n(p.y + dy)}`).join(' ');
    const text =
      label.text === '' || label.x === undefined || label.y === undefined
        ? ''
        : `<rect x="${n(label.x - label.width / 2)}" y="${n(label.y + dy - LINE_H / 2)}" width="${n(label.width)}" height="${LINE_H}" rx="3" fill="#ffffff" fill-opacity="0.85"/>` +
          `<text x="${n(label.x)}" y="${n(label.y + dy + 4)}" text-anchor="middle" font-size="11" fill="${COLOURS.text}">${escapeXml(label.text)}</text>`;
    edges.push(
      `<g><title>${escapeXml(label.tooltip)}</title><path d="${d}" fill="none" stroke="${COLOURS.edge}" stroke-width="1.4" marker-end="url(#${prefix}-arrow)"/>${text}</g>`,
    );
  }

  const heading = `${def.title} (${def.key})`;
  const current = [...highlight].filter((id) => tree.byId.has(id)).map((id) => tree.byId.get(id)!.title ?? id);
  const desc =
    `${tree.states.length} states, ${edges.length - startEdges} transitions drawn.` +
    (current.length > 0 ? ` Current: ${current.join(', ')}.` : '');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${prefix}-title ${prefix}-desc" ${FONT}>`,
    `<title id="${prefix}-title">${escapeXml(heading)}</title>`,
    `<desc id="${prefix}-desc">${escapeXml(desc)}</desc>`,
    `<defs><marker id="${prefix}-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${COLOURS.edge}"/></marker></defs>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="24" y="24" font-size="15" font-weight="700" fill="${COLOURS.text}">${escapeXml(heading)}</text>`,
    ...clusters,
    ...edges,
    ...nodes,
    '</svg>',
  ].join('\n');
}
