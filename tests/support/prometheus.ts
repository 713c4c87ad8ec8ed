/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests: every line must be
 * a well-formed HELP, TYPE, comment or sample, and the document must be consistent — TYPE before
 * a family's samples and at most once, a family's samples together, no series twice, histograms
 * with cumulative buckets ending in `le="+Inf"` equal to `_count`. It throws naming the line.
 */

import { at, defined } from './defined.js';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  help?: string;
  type: MetricType;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set<MetricType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Record<MetricType, string[]> = {
  counter: ['', '_total', '_created'],
  gauge: [''],
  histogram: ['_bucket', '_sum', '_count', '_created'],
  summary: ['', '_sum', '_count', '_created'],
  untyped: [''],
};

export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const families = new Map<string, MetricFamily>();
  const series = new Set<string>();
  const helps = new Map<string, string>();
  let current: MetricFamily | undefined;
  const closed = new Set<string>();

  const familyOf = (sampleName: string): MetricFamily | undefined => {
    for (const f of [current, ...families.values()]) {
      if (f && SUFFIXES[f.type].some((s) => sampleName === f.name + s)) return f;
    }
    return undefined;
  };

  text.split('\n').forEach((line, index) => {
    const where = `line ${index + 1}: ${JSON.stringify(line.slice(0, 120))}`;
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (!m) {
        if (/^#\s*(HELP|TYPE)\b/.test(line)) throw new Error(`${where}: malformed ${line.split(/\s+/)[1]} line`);
        return; // a plain comment
      }
      const kind = at(m, 1, where);
      const name = at(m, 2, where);
      const rest = m[3] ?? '';
      if (!METRIC_NAME.test(name)) throw new Error(`${where}: bad metric name`);
      if (kind === 'HELP') {
        if (helps.has(name)) throw new Error(`${where}: second HELP for ${name}`);
        if (/\\[^\\n]/.test(rest.replace(/\\\\/g, ''))) throw new Error(`${where}: bad escape in HELP`);
        helps.set(name, rest.replace(/\\n/g, '\n').replace(/\\\\/g, '\\'));
        const family = families.get(name);
        if (family) family.help = helps.get(name);
        return;
      }
      if (!TYPES.has(rest as MetricType)) throw new Error(`${where}: unknown type ${rest}`);
      if (families.has(name)) throw new Error(`${where}: second TYPE for ${name}`);
      if (current) closed.add(current.name);
      current = { name, type: rest as MetricType, help: helps.get(name), samples: [] };
      families.set(name, current);
      return;
    }
    const sample = parseSample(line, where);
    const family = familyOf(sample.name);
    if (!family) throw new Error(`${where}: sample without a TYPE line`);
    if (family !== current || closed.has(family.name)) throw new Error(`${where}: samples of ${family.name} are not together`);
    const key = `${sample.name}{${Object.entries(sample.labels).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
    if (series.has(key)) throw new Error(`${where}: series ${key} appears twice`);
    series.add(key);
    if (family.type === 'histogram' && sample.name.endsWith('_bucket') && !('le' in sample.labels)) throw new Error(`${where}: bucket without le`);
    if (family.type === 'counter' && sample.value < 0) throw new Error(`${where}: negative counter`);
    family.samples.push(sample);
  });

  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

function parseSample(line: string, where: string): Sample {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)(?: (-?\d+))?$/.exec(line);
  if (!m) throw new Error(`${where}: not a sample`);
  const name = at(m, 1, where);
  const body = m[3];
  const valueText = at(m, 4, where);
  const labels: Record<string, string> = {};
  if (body !== undefined) {
    let rest = body;
    while (rest.length > 0) {
      const lm = /^([^=,"\s]+)="((?:[^"\\]|\\[\\"n])*)"(,?)/.exec(rest);
      if (!lm) throw new Error(`${where}: malformed labels`);
      const all = at(lm, 0, where);
      const label = at(lm, 1, where);
      const raw = at(lm, 2, where);
      const comma = lm[3];
      if (!LABEL_NAME.test(label) || label.startsWith('__')) throw new Error(`${where}: bad label name ${label}`);
      if (label in labels) throw new Error(`${where}: label ${label} twice`);
      labels[label] = raw.replace(/\\(["\\n])/g, (_m, c: string) => (c === 'n' ? '\n' : c));
      rest = rest.slice(all.length);
      if (!comma && rest.length > 0) throw new Error(`${where}: labels not separated by commas`);
    }
  }
  return { name, labels, value: parseValue(valueText, where) };
}

function parseValue(text: string, where: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`${where}: bad value ${text}`);
  return Number(text);
}

/** Per label set (less `le`): buckets ascending by `le`, counts non-decreasing, +Inf = _count. */
function checkHistogram(family: MetricFamily): void {
  const groups = new Map<string, { buckets: Array<[number, number]>; count?: number; sum?: number }>();
  for (const s of family.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b)));
    const group = groups.get(key) ?? { buckets: [] };
    groups.set(key, group);
    if (s.name.endsWith('_bucket')) group.buckets.push([parseValue(defined(le, `${family.name} le`), `${family.name} le`), s.value]);
    else if (s.name.endsWith('_count')) group.count = s.value;
    else if (s.name.endsWith('_sum')) group.sum = s.value;
  }
  for (const [key, g] of groups) {
    const what = `${family.name}${key}`;
    if (g.count === undefined || g.sum === undefined) throw new Error(`${what}: histogram without _count or _sum`);
    for (let i = 1; i < g.buckets.length; i++) {
      const [le, count] = at(g.buckets, i, what);
      const [previousLe, previousCount] = at(g.buckets, i - 1, what);
      if (!(le > previousLe)) throw new Error(`${what}: buckets not in ascending le order`);
      if (count < previousCount) throw new Error(`${what}: bucket counts not cumulative`);
    }
    const last = g.buckets.at(-1);
    if (!last || last[0] !== Infinity) throw new Error(`${what}: no le="+Inf" bucket`);
    if (last[1] !== g.count) throw new Error(`${what}: +Inf bucket ${last[1]} differs from _count ${g.count}`);
  }
}

/** The samples of `name` (a sample name, e.g. `convene_http_request_duration_seconds_count`) matching `labels`. */
export function samplesOf(families: Map<string, MetricFamily>, name: string, labels: Record<string, string> = {}): Sample[] {
  return [...families.values()]
    .flatMap((f) => f.samples)
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}
