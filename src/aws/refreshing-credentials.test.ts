import { describe, expect, it } from 'vitest';
import { RefreshingCredentials } from './refreshing-credentials.ts';

function clockAndSource(lifetimeMs: number) {
  const clock = { now: 1_000_000 };
  let issued = 0;
  const calls: string[] = [];
  const source = async () => {
    issued++;
    calls.push(`source ${issued}`);
    return {
      accessKeyId: `KEY${issued}`,
      secretAccessKey: 's',
      expiration: new Date(clock.now + lifetimeMs),
    };
  };
  return { clock, source, calls };
}

describe('RefreshingCredentials', () => {
  it('keeps keys until a minute before expiry when they live an hour', async () => {
    const { clock, source } = clockAndSource(3600_000);
    const credentials = new RefreshingCredentials({ source, now: () => clock.now });

    expect((await credentials.get()).accessKeyId).toBe('KEY1');
    clock.now += 3600_000 - 60_001;
    expect((await credentials.get()).accessKeyId).toBe('KEY1');
    clock.now += 2;
    expect((await credentials.get()).accessKeyId).toBe('KEY2');
  });

  it('refreshes at 80% of the lifetime when that is sooner than a minute before expiry', async () => {
    const { clock, source } = clockAndSource(100_000);
    const credentials = new RefreshingCredentials({ source, now: () => clock.now });

    await credentials.get();
    clock.now += 79_999;
    expect((await credentials.get()).accessKeyId).toBe('KEY1');
    clock.now += 2;
    expect((await credentials.get()).accessKeyId).toBe('KEY2');
  });

  it('shares one fetch between concurrent callers', async () => {
    const { clock, source, calls } = clockAndSource(3600_000);
    const credentials = new RefreshingCredentials({ source, now: () => clock.now });

    const keys = await Promise.all([credentials.get(), credentials.get(), credentials.get()]);

    expect(keys.map((k) => k.accessKeyId)).toEqual(['KEY1', 'KEY1', 'KEY1']);
    expect(calls).toHaveLength(1);
  });

  it('renews the ID token (beforeRefresh) before each fetch', async () => {
    const { clock, source, calls } = clockAndSource(3600_000);
    const credentials = new RefreshingCredentials({
      source,
      now: () => clock.now,
      beforeRefresh: async () => {
        calls.push('renew id token');
      },
    });

    await credentials.get();
    credentials.invalidate();
    await credentials.get();

    expect(calls).toEqual(['renew id token', 'source 1', 'renew id token', 'source 2']);
  });

  it('invalidate(rejected) refreshes only when the rejected keys are still the ones in hand', async () => {
    const { clock, source } = clockAndSource(3600_000);
    const credentials = new RefreshingCredentials({ source, now: () => clock.now });

    const first = await credentials.get();
    credentials.invalidate(first);
    const second = await credentials.get();
    credentials.invalidate(first); // a late failure of a call signed with KEY1
    const third = await credentials.get();

    expect([first, second, third].map((k) => k.accessKeyId)).toEqual(['KEY1', 'KEY2', 'KEY2']);
  });

  it('keeps using still-valid keys when an early refresh fails, and throws once they have expired', async () => {
    const clock = { now: 0 };
    let fail = false;
    const credentials = new RefreshingCredentials({
      now: () => clock.now,
      retryAfterFailureMs: 1000,
      source: async () => {
        if (fail) throw new Error('network down');
        return { accessKeyId: 'KEY', secretAccessKey: 's', expiration: new Date(clock.now + 100_000) };
      },
    });

    await credentials.get();
    fail = true;
    clock.now = 90_000;
    expect((await credentials.get()).accessKeyId).toBe('KEY');
    clock.now = 100_000;
    await expect(credentials.get()).rejects.toThrow('network down');
  });

  it('is marked memoized, so the SDK calls it instead of caching it again', () => {
    const credentials = new RefreshingCredentials({
      source: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }),
    });
    expect(credentials.provider.memoized).toBe(true);
  });

  it('never refreshes keys without an expiration', async () => {
    let calls = 0;
    const credentials = new RefreshingCredentials({
      source: async () => ({ accessKeyId: `K${++calls}`, secretAccessKey: 'b' }),
    });
    await credentials.get();
    await credentials.get();
    expect(calls).toBe(1);
  });
});
