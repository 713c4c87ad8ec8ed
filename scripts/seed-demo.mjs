#!/usr/bin/env node
// `npm run seed:demo`: builds what is not built yet (as `npm start` does), then runs the demo seed
// (scripts/seed-demo.ts, compiled to dist/scripts/seed-demo.js).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildServer, root } from './lib/build.mjs';

buildServer();
await import(pathToFileURL(path.join(root, 'dist', 'scripts', 'seed-demo.js')).href);
