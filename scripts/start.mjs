#!/usr/bin/env node
// `npm start`: builds what is not built yet (tsc for the server, Vite for the web app), then runs
// Convene.
//   node scripts/start.mjs          API + worker in one process (default)
//   node scripts/start.mjs api      API only
//   node scripts/start.mjs worker   worker only
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildServer, buildWeb, root } from './lib/build.mjs';

const role = process.argv[2] ?? 'all';
if (!['all', 'api', 'worker'].includes(role)) {
  console.error(`usage: node scripts/start.mjs [all|api|worker] (got "${role}")`);
  process.exit(2);
}

buildServer();
if (role !== 'worker' && !buildWeb()) console.error('convene: the web app did not build; the API runs without it');

const entry = role === 'worker' ? 'dist/apps/worker/src/main.js' : 'dist/apps/api/src/main.js';
process.argv[2] = role;
await import(pathToFileURL(path.join(root, entry)).href);
