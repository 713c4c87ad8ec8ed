// What embedded PostgreSQL's bootstrap asks the cluster (plain JavaScript: scripts/test.mjs loads it
// without a build). Takes a connected `pg` client.

/** Creates the database unless it exists. */
export async function ensureDatabase(client, database) {
  const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
}
