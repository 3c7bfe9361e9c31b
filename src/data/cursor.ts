/**
 * Page cursors: opaque, URL-safe strings that carry where the next page starts. A cursor is DynamoDB's
 * LastEvaluatedKey (plus, for the feed, the year), so a page link keeps pointing at the same place when
 * newer posts arrive: stable, unlike offsets.
 */

export class InvalidCursorError extends Error {
  readonly code = 'invalid-cursor';

  constructor() {
    super('This page link is not valid any more. Start again from the first page.');
    this.name = 'InvalidCursorError';
  }
}

export function toBase64Url(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Parses a cursor's JSON; any malformed input is an InvalidCursorError. */
export function fromBase64Url(text: string): unknown {
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new InvalidCursorError();
  }
}

export type StartKey = Record<string, string>;

/** A LastEvaluatedKey to a cursor. */
export function encodeKeyCursor(key: Record<string, unknown>): string {
  return toBase64Url(key);
}

/**
 * A cursor back to an ExclusiveStartKey, checked: only the expected key attributes, all strings, and in
 * the partition being queried (a cursor from another list is refused rather than sent to DynamoDB).
 */
export function decodeKeyCursor(
  text: string,
  expected: { attributes: readonly string[]; partition: { name: string; value: string } },
): StartKey {
  const value = fromBase64Url(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidCursorError();
  const entries = Object.entries(value as Record<string, unknown>);
  const valid =
    entries.length === expected.attributes.length &&
    entries.every(([name, v]) => expected.attributes.includes(name) && typeof v === 'string') &&
    (value as StartKey)[expected.partition.name] === expected.partition.value;
  if (!valid) throw new InvalidCursorError();
  return value as StartKey;
}
