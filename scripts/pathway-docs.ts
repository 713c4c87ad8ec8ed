/**
 * Writes docs/pathways.md from workflows/*.json and the engine registry.
 * Run after a build: `node dist/scripts/pathway-docs.js` (add `--check` to fail when the file is stale).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderPathwayDocs } from '../libs/engine/src/pathway-docs.js';
import type { PathwayDefinition } from '../libs/engine/src/types.js';
import { validateDefinition } from '../libs/engine/src/validator.js';

/** The repository root: the nearest folder above this script holding workflows/ (else the working directory). */
function repoRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'workflows')) && existsSync(join(dir, 'package.json'))) return dir;
  }
  return process.cwd();
}

function main(): number {
  const root = repoRoot();
  const dir = join(root, 'workflows');
  const defs: PathwayDefinition[] = [];
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.json')).sort()) {
    const def: unknown = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const errors = validateDefinition(def);
    if (errors.length > 0) {
      for (const error of errors) console.error(`workflows/${file}: ${error.path}: ${error.message}`);
      return 1;
    }
    defs.push(def as PathwayDefinition);
  }
  const target = join(root, 'docs', 'pathways.md');
  const text = renderPathwayDocs(defs);
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {
      // A missing file is stale like any other.
    }
    if (current !== text) {
      console.error('docs/pathways.md is out of date: run node dist/scripts/pathway-docs.js');
      return 1;
    }
    return 0;
  }
  writeFileSync(target, text);
  console.log(`wrote docs/pathways.md (${defs.length} pathways)`);
  return 0;
}

process.exitCode = main();
