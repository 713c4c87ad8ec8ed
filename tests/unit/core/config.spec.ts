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
});
