#!/usr/bin/env node
// `npm run bench`: builds what is not built yet (incremental tsc), then runs the benchmarks.
//   node scripts/bench.mjs [--quick] [--scale N] [--only 1,2,3,4]
// DATABASE_URL / REDIS_URL make it use those servers; otherwise it starts an embedded PostgreSQL
// (data in .data/bench-postgres, port BENCH_PG_PORT or 54349). Results: bench/results/<timestamp>.json
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildServer, root } from './lib/build.mjs';

buildServer();
process.chdir(root);
await import(pathToFileURL(path.join(root, 'dist', 'bench', 'main.js')).href);
