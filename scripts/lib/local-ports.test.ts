import { describe, expect, it } from 'vitest';
import { localAppUrl, localPorts } from './local-ports.ts';

describe('the port settings every script shares', () => {
  it('defaults to the README table', () => {
    expect(localPorts({})).toEqual({
      app: 5173,
      gateway: 4566,
      oidc: 4567,
      dynamodb: 4568,
      s3: 4569,
      oauth2: 4570,
    });
  });

  it('reads each INKWELL_*_PORT, and ephemeral runs use free ports', () => {
    const env = { INKWELL_APP_PORT: '6173', INKWELL_GATEWAY_PORT: '5566', INKWELL_OAUTH2_PORT: '5570' };
    expect(localPorts(env)).toMatchObject({ app: 6173, gateway: 5566, oauth2: 5570, oidc: 4567 });
    expect(Object.values(localPorts(env, { ephemeral: true }))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(() => localPorts({ INKWELL_APP_PORT: 'eighty' })).toThrow(/INKWELL_APP_PORT=eighty/);
  });

  it('finds the app where npm start put it (npm run seed)', () => {
    expect(localAppUrl({ INKWELL_APP_PORT: '6173' })).toBe('http://127.0.0.1:6173');
    expect(localAppUrl({ INKWELL_APP_URL: 'http://localhost:9000' })).toBe('http://localhost:9000');
  });
});
