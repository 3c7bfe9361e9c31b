import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { readJsonFile, writeJsonFile } from './json-file.ts';

/**
 * The provider's RS256 signing key, created on first start and reused after, so ID tokens issued
 * before a restart still verify against the JWKS served after it.
 */
export async function loadOrCreateSigningKeys(dir: string): Promise<{ keys: JWK[] }> {
  const path = join(dir, 'jwks.json');
  const stored = readJsonFile<{ keys: JWK[] }>(path);
  if (stored && stored.keys.length > 0) return stored;
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  const key: JWK = { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'RS256', use: 'sig' };
  const jwks = { keys: [key] };
  writeJsonFile(path, jwks);
  return jwks;
}

/** Keys that sign the provider's cookies; persisted so a browser's sign-in survives a restart. */
export function loadOrCreateCookieKeys(dir: string): string[] {
  const path = join(dir, 'cookie-keys.json');
  const stored = readJsonFile<string[]>(path);
  if (stored && stored.length > 0) return stored;
  const keys = [randomBytes(32).toString('base64url')];
  writeJsonFile(path, keys);
  return keys;
}
