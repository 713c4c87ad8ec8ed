import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Reads a secret kept under the data folder, generating it on first use. */
export async function keptSecret(dataDir: string, name: string): Promise<{ value: string; created: boolean }> {
  const file = path.join(dataDir, name);
  if (existsSync(file)) return { value: (await readFile(file, 'utf8')).trim(), created: false };
  await mkdir(dataDir, { recursive: true });
  const value = randomBytes(32).toString('base64url');
  await writeFile(file, value + '\n', { mode: 0o600 });
  return { value, created: true };
}
