import { describe, expect, it } from 'vitest';
import { isClaimableHandle } from '../core/site/site-model.ts';
import {
  handleClaim,
  handleProblem,
  type ProfileInput,
  type ProfileStore,
  ProfileValidationError,
  profileProblems,
  saveProfile,
  validateProfile,
} from './profiles.ts';

const USER = 'us-east-1:00000000-0000-4000-8000-0000000a11ce';
const BASE = 'http://127.0.0.1:4566/inkwell-assets/';
const context = { userId: USER, assetBaseUrl: BASE };
const ownAvatar = `${BASE}public/${encodeURIComponent(USER)}/assets/abc123-me.png`;
const valid: ProfileInput = { handle: 'alice', displayName: 'Alice Archer', bio: 'Writes.', avatar: '' };
const codes = (input: Partial<ProfileInput>) =>
  profileProblems({ ...valid, ...input }, context).map((p) => p.code);

describe('handle rules', () => {
  it.each([
    ['ab', 'handle-length'],
    ['a'.repeat(31), 'handle-length'],
    ['al ice', 'handle-characters'],
    ['alice_archer', 'handle-characters'],
    ['élodie', 'handle-characters'],
    ['-alice', 'handle-dash-edge'],
    ['alice-', 'handle-dash-edge'],
    ['ali--ce', 'handle-double-dash'],
    ['u-123456', 'handle-reserved'],
  ])('%s breaks %s', (handle, code) => {
    expect(handleProblem(handle)?.code).toBe(code);
    expect(isClaimableHandle(handle)).toBe(false);
  });

  it.each(['bob', 'alice', 'alice-archer', 'a1b2', 'x'.repeat(30), 'user-1'])('%s is claimable', (handle) => {
    expect(handleProblem(handle)).toBeNull();
    expect(isClaimableHandle(handle)).toBe(true);
  });

  it('stores what the writer typed, trimmed and in lower case', () => {
    expect(validateProfile({ ...valid, handle: '  Alice-Archer ' }, context).handle).toBe('alice-archer');
  });
});

describe('profile rules', () => {
  it('accepts a complete profile and one without avatar', () => {
    expect(codes({})).toEqual([]);
    expect(codes({ avatar: ownAvatar })).toEqual([]);
    // The raw id (not encoded) names the same objects.
    expect(codes({ avatar: `${BASE}public/${USER}/assets/x.png` })).toEqual([]);
  });

  it('a display name has 1 to 80 characters', () => {
    expect(codes({ displayName: '   ' })).toEqual(['display-name-missing']);
    expect(codes({ displayName: 'n'.repeat(80) })).toEqual([]);
    expect(codes({ displayName: 'n'.repeat(81) })).toEqual(['display-name-too-long']);
  });

  it('a bio has at most 300 characters', () => {
    expect(codes({ bio: 'b'.repeat(300) })).toEqual([]);
    expect(codes({ bio: 'b'.repeat(301) })).toEqual(['bio-too-long']);
  });

  it('an avatar is an http(s) URL in the writer’s own upload prefix', () => {
    expect(codes({ avatar: 'not a url' })).toEqual(['avatar-not-url']);
    expect(codes({ avatar: 'javascript:alert(1)' })).toEqual(['avatar-not-url']);
    expect(codes({ avatar: `${ownAvatar}${'x'.repeat(1100)}` })).toEqual(['avatar-not-url']);
    expect(codes({ avatar: 'https://evil.example/public/me/assets/x.png' })).toEqual(['avatar-not-own']);
    expect(codes({ avatar: `${BASE}public/someone-else/assets/x.png` })).toEqual(['avatar-not-own']);
    // A path that climbs out of the prefix is resolved before the check.
    expect(
      codes({ avatar: `${BASE}public/${encodeURIComponent(USER)}/assets/../../other/assets/x.png` }),
    ).toEqual(['avatar-not-own']);
  });

  it('reports every broken rule with its field', () => {
    const problems = profileProblems(
      { handle: 'u-x', displayName: '', bio: 'b'.repeat(301), avatar: 'x' },
      context,
    );
    expect(problems.map((p) => [p.field, p.code])).toEqual([
      ['handle', 'handle-reserved'],
      ['displayName', 'display-name-missing'],
      ['bio', 'bio-too-long'],
      ['avatar', 'avatar-not-url'],
    ]);
    expect(problems.every((p) => p instanceof ProfileValidationError)).toBe(true);
  });
});

describe('saving and claims', () => {
  const store = (sent: unknown[], response?: Response): ProfileStore => ({
    documents: { send: async (command: unknown) => sent.push(command) } as never,
    tableName: 'inkwell',
    assetBaseUrl: BASE,
    siteOrigin: 'http://app.example',
    fetch: async () => response ?? new Response('', { status: 404 }),
  });

  it('validates before any request', async () => {
    const sent: unknown[] = [];
    await expect(saveProfile(store(sent), USER, { ...valid, handle: 'u-me' })).rejects.toMatchObject({
      code: 'handle-reserved',
      field: 'handle',
    });
    expect(sent).toEqual([]);
  });

  it('writes the whole profile item', async () => {
    const sent: { input: { Item: Record<string, unknown> } }[] = [];
    const now = new Date('2026-12-02T10:00:00.000Z');
    await saveProfile(store(sent as unknown[]), USER, { ...valid, avatar: ownAvatar }, { now });
    expect(sent[0]?.input.Item).toEqual({
      PK: `U#${USER}`,
      SK: 'PROFILE',
      type: 'profile',
      handle: 'alice',
      displayName: 'Alice Archer',
      bio: 'Writes.',
      avatar: ownAvatar,
      updatedAt: now.toISOString(),
    });
  });

  it('reads a claim: 404 is pending, own id is granted, another id is taken', async () => {
    const claim = (authorId: string) => new Response(JSON.stringify({ handle: 'alice', authorId }));
    expect(await handleClaim(store([]), USER, 'alice')).toBe('pending');
    expect(await handleClaim(store([], claim(USER)), USER, 'alice')).toBe('granted');
    expect(await handleClaim(store([], claim('someone')), USER, 'alice')).toBe('taken');
    // An origin that answers a missing object with the app's page (200, HTML): not a claim.
    const page = new Response('<!doctype html><title>Inkwell</title>', {
      headers: { 'content-type': 'text/html' },
    });
    expect(await handleClaim(store([], page), USER, 'alice')).toBe('pending');
    await expect(
      handleClaim(store([], new Response('', { status: 500 })), USER, 'alice'),
    ).rejects.toMatchObject({ code: 'unavailable' });
  });
});
