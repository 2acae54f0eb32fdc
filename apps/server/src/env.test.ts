import { describe, expect, it } from 'vitest';
import { loadEnv } from './env.js';
import { isLoopback } from './loopback.js';

describe('configuration for production', () => {
  it('keeps development and tests as they were: any HOST, http, listening on every interface by default', () => {
    expect(loadEnv({}).HOST).toBe('0.0.0.0');
    expect(loadEnv({ NODE_ENV: 'test', PUBLIC_URL: 'http://alliance.example.org' }).HOST).toBe('0.0.0.0');
    expect(loadEnv({ NODE_ENV: 'development', HOST: '0.0.0.0', ALLOW_HTTP_LOCALHOST: 'true' }).HOST).toBe('0.0.0.0');
  });

  it('starts in production with an https PUBLIC_URL, on every interface by default', () => {
    const env = loadEnv({ NODE_ENV: 'production', PUBLIC_URL: 'https://alliance.example.org' });
    expect(env.HOST).toBe('0.0.0.0');
    // The local-use allowance (set by npm start) changes nothing once the address is https.
    expect(loadEnv({ NODE_ENV: 'production', PUBLIC_URL: 'https://alliance.example.org', ALLOW_HTTP_LOCALHOST: 'true' }).HOST).toBe('0.0.0.0');
  });

  it('refuses production without an https PUBLIC_URL, saying what to set', () => {
    expect(() => loadEnv({ NODE_ENV: 'production' })).toThrow(/PUBLIC_URL: NODE_ENV=production needs an https:\/\/ PUBLIC_URL .*ALLOW_HTTP_LOCALHOST=true/);
    expect(() => loadEnv({ NODE_ENV: 'production', PUBLIC_URL: 'http://alliance.example.org' })).toThrow(/needs an https:\/\/ PUBLIC_URL .*not http:\/\/alliance\.example\.org/);
    expect(() => loadEnv({ NODE_ENV: 'production', ALLOW_HTTP_LOCALHOST: 'false' })).toThrow(/needs an https:\/\/ PUBLIC_URL/);
  });

  it('allows http for local use on loopback only, and then listens on 127.0.0.1 by default', () => {
    expect(loadEnv({ NODE_ENV: 'production', ALLOW_HTTP_LOCALHOST: 'true' }).HOST).toBe('127.0.0.1');
    for (const host of ['127.0.0.1', '::1', 'localhost']) {
      expect(loadEnv({ NODE_ENV: 'production', ALLOW_HTTP_LOCALHOST: 'true', HOST: host }).HOST).toBe(host);
    }
    expect(loadEnv({ NODE_ENV: 'production', ALLOW_HTTP_LOCALHOST: 'true', PUBLIC_URL: 'http://localhost:3000' }).PUBLIC_URL).toBe('http://localhost:3000');
  });

  it('refuses the local-use allowance on an address other machines can reach', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.20', 'alliance.example.org']) {
      expect(() => loadEnv({ NODE_ENV: 'production', ALLOW_HTTP_LOCALHOST: 'true', HOST: host })).toThrow(
        new RegExp(`HOST: ALLOW_HTTP_LOCALHOST serves http on a loopback address only, not HOST=${host.replace(/\./g, '\\.')};`),
      );
    }
    expect(() => loadEnv({ NODE_ENV: 'production', ALLOW_HTTP_LOCALHOST: 'true', PUBLIC_URL: 'http://alliance.example.org' })).toThrow(
      /PUBLIC_URL: ALLOW_HTTP_LOCALHOST serves http on a loopback address only, not PUBLIC_URL=http:\/\/alliance\.example\.org/,
    );
  });

  it('takes REDIS_URL only beside a Postgres DATABASE_URL', () => {
    expect(() => loadEnv({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(/REDIS_URL: several server processes need a shared Postgres/);
    const env = loadEnv({ REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' });
    expect(env.REDIS_PREFIX).toBe('alliance');
    expect(() => loadEnv({ REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test', REDIS_PREFIX: 'a b' })).toThrow(/REDIS_PREFIX/);
  });

  it('refuses a metrics token too short to be a secret', () => {
    expect(() => loadEnv({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN: use at least 16 characters/);
    expect(loadEnv({ METRICS_TOKEN: 'a-long-enough-metrics-token' }).METRICS_TOKEN).toBe('a-long-enough-metrics-token');
  });
});

describe('loopback addresses', () => {
  it('counts localhost, 127.0.0.0/8 and ::1 in the forms sockets and URLs write them', () => {
    for (const address of ['localhost', 'LOCALHOST', '127.0.0.1', '127.3.2.1', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopback(address), address).toBe(true);
  });

  it('counts nothing else, however close it looks', () => {
    for (const address of ['0.0.0.0', '::', '192.0.2.2', '::ffff:192.0.2.2', '10.127.0.1', '127.example.org', 'localhost.example.org', '128.0.0.1', 'fd00::1', '']) {
      expect(isLoopback(address), address).toBe(false);
    }
  });
});
