/**
 * Handles are unique, and IAM cannot make a write create-only across partitions, so the publisher
 * decides: the first profile it sees asking for a free handle gets it, for good (a handle an author
 * leaves stays theirs, so its old URLs keep redirecting). Everyone else keeps the handle they had, or
 * the default `u-…` one; the profile form reads `/_handles/<handle>.json` to tell them. docs/security.md.
 */
import { defaultHandle, isClaimableHandle, type SiteAuthor } from '../core/site/site-model.ts';
import type { ProfileRecord } from './read-site.ts';

export interface HandleRegistry {
  /** handle → the author who holds it. */
  claims: Record<string, string>;
  /** author → every handle they have held, the current one last. */
  history: Record<string, string[]>;
}

/** Grants the handles profiles ask for, in the order the profiles were written. Mutates `registry`. */
export function grantHandles(registry: HandleRegistry, profiles: Iterable<ProfileRecord>): void {
  const ordered = [...profiles].sort(
    (a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.authorId.localeCompare(b.authorId),
  );
  for (const profile of ordered) {
    const wanted = profile.handle;
    if (!isClaimableHandle(wanted)) continue;
    const holder = registry.claims[wanted];
    if (holder !== undefined && holder !== profile.authorId) continue;
    registry.claims[wanted] = profile.authorId;
    const history = registry.history[profile.authorId] ?? [];
    if (history.at(-1) !== wanted)
      registry.history[profile.authorId] = [...history.filter((h) => h !== wanted), wanted];
  }
}

/** The author as pages show them: granted handle, profile name, else the name on their latest post. */
export function siteAuthor(
  registry: HandleRegistry,
  authorId: string,
  profile: ProfileRecord | undefined,
  fallbackName: string,
): SiteAuthor {
  const handle = registry.history[authorId]?.at(-1) ?? defaultHandle(authorId);
  return {
    id: authorId,
    handle,
    name: profile?.displayName || fallbackName || `@${handle}`,
    bio: profile?.bio ?? '',
    ...(profile?.avatar ? { avatar: profile.avatar } : {}),
  };
}

/** Handles the author held before the current one (their URLs redirect), default handle included. */
export function formerHandles(registry: HandleRegistry, authorId: string): string[] {
  const history = registry.history[authorId] ?? [];
  const current = history.at(-1) ?? defaultHandle(authorId);
  return [defaultHandle(authorId), ...history].filter((h, i, all) => h !== current && all.indexOf(h) === i);
}
