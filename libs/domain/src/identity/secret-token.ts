import { createHash, randomBytes } from 'node:crypto';

/** A random 256-bit bearer secret (refresh token, reset link, SSO hand-over code), base64url. */
export const newSecretToken = () => randomBytes(32).toString('base64url');

/** What the database keeps of a bearer secret: its SHA-256, so a leaked table grants nothing. */
export const hashSecretToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
