import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, parseConfig } from '../../../libs/core/src/config/config.schema.js';

describe('configuration', () => {
  it('needs nothing: every variable has a default', () => {
    const config = parseConfig({}, '/srv/convene');
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.dataDir).toBe(path.resolve('/srv/convene/.data'));
  });

  it('derives PUBLIC_URL from PORT and trims a trailing slash when given', () => {
    expect(parseConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(parseConfig({ PUBLIC_URL: 'https://convene.example.org/' }).publicUrl).toBe('https://convene.example.org');
  });

  it('defaults WORKER_CONCURRENCY to fit the queue backend, and takes it as given', () => {
    expect(parseConfig({}).workerConcurrency).toBe(8);
    expect(parseConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).workerConcurrency).toBe(16);
    expect(parseConfig({ REDIS_URL: 'redis://127.0.0.1:6379', WORKER_CONCURRENCY: '4' }).workerConcurrency).toBe(4);
    expect(parseConfig({ WORKER_CONCURRENCY: '32' }).workerConcurrency).toBe(32);
  });

  it('treats empty strings as unset', () => {
    expect(parseConfig({ DATABASE_URL: '', REDIS_URL: '' }).databaseUrl).toBeUndefined();
  });

  it('names every bad variable and never echoes its value', () => {
    let error: unknown;
    try {
      parseConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://secret-host/db', JWT_SECRET: 'short' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual(['DATABASE_URL', 'JWT_SECRET', 'PORT']);
    expect(message).toContain('DATABASE_URL');
    expect(message).not.toContain('secret-host');
  });

  it('reads delivery timing, the web build and the workflows folder through the schema', () => {
    const defaults = parseConfig({}, '/srv/convene');
    expect(defaults.delivery).toEqual({ backoffBaseMs: 5000, timeoutMs: 10000 });
    expect(defaults.webDist).toBe('/srv/convene/apps/web/dist');
    expect(defaults.workflowsDir).toBe('/srv/convene/workflows');
    const set = parseConfig({ DELIVERY_BACKOFF_BASE_MS: '40', DELIVERY_TIMEOUT_MS: '1000', WEB_DIST: 'build/web', WORKFLOWS_DIR: '/etc/convene/pathways' }, '/srv/convene');
    expect(set.delivery).toEqual({ backoffBaseMs: 40, timeoutMs: 1000 });
    expect(set.webDist).toBe('/srv/convene/build/web');
    expect(set.workflowsDir).toBe('/etc/convene/pathways');
    expect(() => parseConfig({ DELIVERY_TIMEOUT_MS: 'soon' })).toThrow(ConfigError);
  });
});
