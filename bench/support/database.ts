import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../libs/core/src/database/embedded-postgres.js';
import { prepareDatabase } from '../../libs/core/src/database/prepare-database.js';
import { firstOf } from './defined.js';
import { log } from './log.js';

/** `BENCH_NAME` (default `convene_bench`) names the bench's databases and queue prefix, so two benches can share a server. */
export const BENCH_NAME = /^[a-z_][a-z0-9_]{0,40}$/.test(process.env.BENCH_NAME ?? '') ? process.env.BENCH_NAME! : 'convene_bench';
export const BENCH_DATABASE = BENCH_NAME;
export const TPCB_DATABASE = `${BENCH_NAME}_tpcb`;
export const PEER_DATABASE = `${BENCH_NAME}_peer`;

export interface BenchDatabase {
  /** The app's fresh, migrated database. */
  url: string;
  /** A second fresh database for the TPC-B-like baseline tables. */
  tpcbUrl: string;
  /** A third fresh database for the peer (DBOS Transact: its system tables and the step's tables). */
  peerUrl: string;
  serverVersion: string;
  embedded: boolean;
  stop(): Promise<void>;
}

const withDatabase = (url: string, name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

/**
 * The server: `DATABASE_URL`'s when set, else an embedded PostgreSQL with its own data folder and
 * port (so it never touches the development cluster). Drops and re-creates the bench databases.
 */
export async function openBenchDatabase(root: string): Promise<BenchDatabase> {
  let adminUrl = process.env.DATABASE_URL;
  let stop: () => Promise<void> = () => Promise.resolve();
  if (!adminUrl) {
    const port = Number(process.env.BENCH_PG_PORT ?? 54349);
    log(`starting embedded PostgreSQL on 127.0.0.1:${port} (.data/bench-postgres)`);
    const embedded = await startEmbeddedPostgres({ dataDir: path.join(root, '.data', 'bench-postgres'), port, database: 'postgres' });
    adminUrl = embedded.url;
    stop = () => embedded.stop();
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  let serverVersion: string;
  try {
    serverVersion = firstOf((await admin.query<{ server_version: string }>('SHOW server_version')).rows, 'SHOW server_version').server_version;
    for (const name of [BENCH_DATABASE, TPCB_DATABASE, PEER_DATABASE]) {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${name}`);
    }
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, BENCH_DATABASE);
  await prepareDatabase(url);
  return { url, tpcbUrl: withDatabase(adminUrl, TPCB_DATABASE), peerUrl: withDatabase(adminUrl, PEER_DATABASE), serverVersion, embedded: !process.env.DATABASE_URL, stop };
}
