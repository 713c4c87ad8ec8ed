import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { PathwayDefinition } from '../../../libs/engine/src/types.js';
import { renderSvg } from '../../../libs/pathway-tools/src/index.js';
import { contributions, referralV1, referralV2 } from './fixtures.js';
import { checkWellFormedXml } from './xml-check.js';

const WORKFLOWS = join(process.cwd(), 'workflows');

function shippedWorkflows(): Array<[string, PathwayDefinition]> {
  let files: string[] = [];
  try {
    files = readdirSync(WORKFLOWS).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return [];
  }
  return files.map((f) => [f, JSON.parse(readFileSync(join(WORKFLOWS, f), 'utf8')) as PathwayDefinition]);
}

describe('checkWellFormedXml (the test helper itself)', () => {
  it('accepts a well-formed document and spots broken ones', () => {
    expect(checkWellFormedXml('<a x="1"><b/>t &amp; u</a>').problems).toEqual([]);
    expect(checkWellFormedXml('<a><b></a>').problems.length).toBeGreaterThan(0);
    expect(checkWellFormedXml('<a>x < y</a>').problems.length).toBeGreaterThan(0);
    expect(checkWellFormedXml('<a t="R&D"/>').problems.length).toBeGreaterThan(0);
    expect(checkWellFormedXml('<a/><b/>').problems.length).toBeGreaterThan(0);
  });
});

describe('renderSvg', () => {
  it('draws a standalone, well-formed SVG with an accessible title', () => {
    const svg = renderSvg(referralV2());
    const { problems, elements } = checkWellFormedXml(svg);
    expect(problems).toEqual([]);
    expect(elements[0]).toBe('svg');
    expect(elements[1]).toBe('title');
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg).toMatch(/<title id="[^"]+">Referral \(referral\)<\/title>/);
  });

  it('shows every state with its title and task count, and every event on an edge', () => {
    const svg = renderSvg(referralV2());
    for (const title of ['Initial screening', 'Intake', 'Triage', 'Planning', 'Draft', 'Plan sign-off', 'Closed']) {
      expect(svg).toContain(`>${title}<`);
    }
    expect(svg).toContain('>2 tasks<'); // intake: consent + id-check
    expect(svg).toContain('>1 task<');
    for (const label of ['SUBMIT [allTasksDone]', 'CHECK', 'CHECKED', 'READY', 'REDO', 'AGREE', 'after P21D', 'after P1D']) {
      expect(svg).toContain(`>${label}<`);
    }
  });

  it('gives final states a double border', () => {
    const svg = renderSvg(referralV1());
    const closed = /<g[^>]*data-state="closed"[^>]*>(.*?)<\/g>/s.exec(svg)?.[1] ?? '';
    expect(closed.match(/<rect /g)).toHaveLength(2);
    const planning = /<g[^>]*data-state="planning"[^>]*>(.*?)<\/g>/s.exec(svg)?.[1] ?? '';
    expect(planning.match(/<rect /g)).toHaveLength(1);
  });

  it('highlights the current states', () => {
    const plain = renderSvg(referralV1());
    const svg = renderSvg(referralV1(), { highlight: ['screening.intake'] });
    expect(plain).not.toContain('class="current"');
    expect(svg).toMatch(/<g class="current" data-state="screening.intake">/);
    expect(svg).toContain('Current: Intake.');
  });

  it("prints each state's title, never its id; the id is in the state's tooltip", () => {
    const svg = renderSvg(referralV2());
    const printed = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    const intake = /<g[^>]*data-state="screening.intake"[^>]*>(.*?)<\/g>/s.exec(svg)?.[1] ?? '';
    expect(intake).toMatch(/<title>Intake \(screening\.intake\)/);
    expect(intake).toContain('>Intake<');
    for (const id of ['screening.intake', 'screening.triage', 'planning.draft', 'closed']) expect(printed).not.toContain(id);
  });

  it('escapes text so titles with markup characters stay well-formed', () => {
    const def = contributions(true);
    def.title = 'Contributions <draft> & "notes"';
    const svg = renderSvg(def);
    expect(checkWellFormedXml(svg).problems).toEqual([]);
    expect(svg).toContain('Contributions &lt;draft&gt; &amp; &quot;notes&quot;');
    expect(svg).toContain('Collecting &lt;reports&gt; &amp; notes (in parallel)');
  });

  it('is deterministic', () => {
    expect(renderSvg(referralV2(), { highlight: ['planning.draft'] })).toBe(renderSvg(referralV2(), { highlight: ['planning.draft'] }));
  });

  it('draws a transition of the machine root from an "any state" port', () => {
    const def = referralV1();
    def.machine.on = { WITHDRAW: { target: '.closed', meta: { title: 'Withdraw' } } };
    const svg = renderSvg(def);
    expect(svg).toContain('>any state<');
    expect(svg).toContain('>WITHDRAW<');
    expect(checkWellFormedXml(svg).problems).toEqual([]);
  });

  it.each(shippedWorkflows())('renders the shipped workflow %s as well-formed XML', (_file, def) => {
    const svg = renderSvg(def);
    expect(checkWellFormedXml(svg).problems).toEqual([]);
    expect(svg).toContain(`(${def.key})</title>`);
  });
});
