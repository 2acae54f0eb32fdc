import { describe, expect, it } from 'vitest';
import { parseRoute, paths } from './router.js';

describe('parseRoute', () => {
  it('reads every page from its path, including the ones links point at', () => {
    expect(parseRoute('/')).toEqual({ name: 'home' });
    expect(parseRoute('/login')).toEqual({ name: 'login' });
    expect(parseRoute('/signup/')).toEqual({ name: 'signup' });
    expect(parseRoute(paths.account())).toEqual({ name: 'account' });
    expect(parseRoute(paths.workspace('0f8c6d1e-aaaa'))).toEqual({ name: 'workspace', workspaceId: '0f8c6d1e-aaaa' });
    expect(parseRoute(paths.invite('tok_EN-123'))).toEqual({ name: 'invite', token: 'tok_EN-123' });
  });

  it('answers unknown or malformed paths with not-found', () => {
    expect(parseRoute('/w')).toEqual({ name: 'not-found' });
    expect(parseRoute('/w/a/b')).toEqual({ name: 'not-found' });
    expect(parseRoute('/invite/%E0%A4%A')).toEqual({ name: 'not-found' });
    expect(parseRoute('/elsewhere')).toEqual({ name: 'not-found' });
  });
});
