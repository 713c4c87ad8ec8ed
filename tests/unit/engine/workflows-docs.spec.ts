import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderPathwayDocs } from '../../../libs/engine/src/pathway-docs.js';
import { GUARDS } from '../../../libs/engine/src/registry.js';
import { loadDefinition, SHIPPED } from './model-world.js';

describe('docs/pathways.md', () => {
  const generated = renderPathwayDocs(SHIPPED.map(loadDefinition));

  it('is up to date with workflows/*.json and the registry (regenerate: node dist/scripts/pathway-docs.js)', () => {
    const committed = readFileSync(join(process.cwd(), 'docs', 'pathways.md'), 'utf8');
    expect(committed).toBe(generated);
  });

  it('documents every guard and every shipped pathway with its diagram', () => {
    for (const name of Object.keys(GUARDS)) expect(generated).toContain(`| \`${name}\` |`);
    for (const key of SHIPPED) {
      const def = loadDefinition(key);
      expect(generated).toContain(`## ${def.title}`);
    }
    expect(generated.match(/```mermaid\nstateDiagram-v2/g)).toHaveLength(SHIPPED.length);
    expect(generated).toContain('| Screening (`screening`) | Preliminary assessment');
  });
});
