import type { PathwayDefinition } from '#engine';

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

// jsonb stores keys in its own order; files read better in the order people write them.
const TOP_ORDER = ['key', 'title', 'description', 'machine'];
const NODE_ORDER = ['id', 'description', 'type', 'initial', 'meta', 'tags', 'entry', 'exit', 'on', 'after', 'always', 'onDone', 'output', 'states'];

function ordered(obj: Json, order: string[]): Json {
  const out: Json = {};
  for (const k of order) if (k in obj) out[k] = obj[k];
  for (const k of Object.keys(obj)) if (!(k in out)) out[k] = obj[k];
  return out;
}

function orderNode(node: Json): Json {
  const out = ordered(node, NODE_ORDER);
  if (isRecord(out.states)) {
    out.states = Object.fromEntries(Object.entries(out.states).map(([k, child]) => [k, isRecord(child) ? orderNode(child) : child]));
  }
  return out;
}

/** The definition as a `workflows/` file: the same JSON, keys in reading order, two-space indent. */
export function definitionFile(def: PathwayDefinition): string {
  const top = ordered(def as unknown as Json, TOP_ORDER);
  if (isRecord(top.machine)) top.machine = orderNode(top.machine);
  return `${JSON.stringify(top, null, 2)}\n`;
}
