/**
 * An author's profile: the item `U#<userId>` / `PROFILE` (handle asked for, display name, bio, avatar
 * URL), read and written by its owner only (IAM's LeadingKeys), and the public claim files the
 * publisher writes to say who holds a handle. IAM cannot make a handle unique, so saving a profile only
 * *asks* for a handle; the publisher grants it to the first claimant and publishes
 * `/_handles/<handle>.json` (docs/security.md, "Handles: how uniqueness is decided").
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AwsSession } from '../aws/aws-session.ts';
import { PUBLIC_ASSET_PREFIX } from '../core/access-policy.ts';
import { keys } from '../core/model.ts';
import { sitePaths } from '../core/site/paths.ts';
import { defaultHandle, isClaimableHandle } from '../core/site/site-model.ts';
import { ASSET_KEY_FOLDER } from './assets.ts';
import { toDataError } from './post-errors.ts';

export const PROFILE_LIMITS = {
  handleMin: 3,
  handleMax: 30,
  displayNameMax: 80,
  bioMax: 300,
  avatarMax: 1024,
} as const;

export interface Profile {
  /** The handle asked for: granted or not, see `handleClaim`. */
  handle: string;
  displayName: string;
  bio: string;
  /** Absolute URL of an image in the author's own upload prefix, or ''. */
  avatar: string;
  updatedAt: string;
}

export type ProfileInput = Omit<Profile, 'updatedAt'>;

export type ProfileField = 'handle' | 'displayName' | 'bio' | 'avatar';

/** One code per rule, so the form can say exactly what to change. */
export type ProfileErrorCode =
  | 'handle-length'
  | 'handle-characters'
  | 'handle-dash-edge'
  | 'handle-double-dash'
  | 'handle-reserved'
  | 'display-name-missing'
  | 'display-name-too-long'
  | 'bio-too-long'
  | 'avatar-not-url'
  | 'avatar-not-own';

const FIELD_OF: Record<ProfileErrorCode, ProfileField> = {
  'handle-length': 'handle',
  'handle-characters': 'handle',
  'handle-dash-edge': 'handle',
  'handle-double-dash': 'handle',
  'handle-reserved': 'handle',
  'display-name-missing': 'displayName',
  'display-name-too-long': 'displayName',
  'bio-too-long': 'bio',
  'avatar-not-url': 'avatar',
  'avatar-not-own': 'avatar',
};

/** A field breaks a rule; raised before any request. */
export class ProfileValidationError extends Error {
  readonly code: ProfileErrorCode;
  readonly field: ProfileField;

  constructor(code: ProfileErrorCode, message: string) {
    super(message);
    this.name = 'ProfileValidationError';
    this.code = code;
    this.field = FIELD_OF[code];
  }
}

/** What the data layer needs: the table, where public images live, and where claim files are read. */
export interface ProfileStore {
  documents: DynamoDBDocumentClient;
  tableName: string;
  /** Where readers load public assets from (bucket URL or CDN), ending in '/'. */
  assetBaseUrl: string;
  /** The public site's origin, which serves `/_handles/<handle>.json`. */
  siteOrigin: string;
  fetch?: typeof fetch;
}

export function profileStoreFor(session: AwsSession, siteOrigin = location.origin): ProfileStore {
  return {
    documents: session.clients().documents,
    tableName: session.config.tableName,
    assetBaseUrl: session.config.assetBaseUrl,
    siteOrigin,
  };
}

/** Where the author's uploads live, as URLs (the id encoded as `assetUrl` does, or raw). */
function ownUploadPrefixes(assetBaseUrl: string, userId: string): string[] {
  return [encodeURIComponent(userId), userId].map(
    (id) => new URL(`${PUBLIC_ASSET_PREFIX}${id}/${ASSET_KEY_FOLDER}/`, assetBaseUrl).href,
  );
}

/** The handle as stored: what the writer typed, trimmed, in lower case. */
export const normalizeHandle = (handle: string) => handle.trim().toLowerCase();

/** The first rule the handle breaks, or null when `isClaimableHandle` accepts it. */
export function handleProblem(handle: string): ProfileValidationError | null {
  const { handleMin, handleMax } = PROFILE_LIMITS;
  if (handle.length < handleMin || handle.length > handleMax)
    return new ProfileValidationError(
      'handle-length',
      `A handle has ${handleMin} to ${handleMax} characters.`,
    );
  if (!/^[a-z0-9-]+$/.test(handle))
    return new ProfileValidationError('handle-characters', 'A handle has only a-z, 0-9 and dashes.');
  if (handle.startsWith('-') || handle.endsWith('-'))
    return new ProfileValidationError('handle-dash-edge', 'A handle cannot start or end with a dash.');
  if (handle.includes('--'))
    return new ProfileValidationError('handle-double-dash', 'A handle cannot have two dashes in a row.');
  if (handle.startsWith('u-'))
    return new ProfileValidationError(
      'handle-reserved',
      'Handles starting with "u-" are reserved for authors without one.',
    );
  // The publisher grants only what isClaimableHandle accepts: the rules above must never let more through.
  if (!isClaimableHandle(handle))
    return new ProfileValidationError('handle-characters', 'A handle has only a-z, 0-9 and dashes.');
  return null;
}

/** Every rule the profile breaks, in form order (the form shows them all at once). */
export function profileProblems(input: ProfileInput, context: { userId: string; assetBaseUrl: string }) {
  const problems: ProfileValidationError[] = [];
  const handle = handleProblem(normalizeHandle(input.handle));
  if (handle) problems.push(handle);
  const name = input.displayName.trim();
  if (!name) problems.push(new ProfileValidationError('display-name-missing', 'Enter a display name.'));
  else if (name.length > PROFILE_LIMITS.displayNameMax)
    problems.push(
      new ProfileValidationError(
        'display-name-too-long',
        `A display name has at most ${PROFILE_LIMITS.displayNameMax} characters.`,
      ),
    );
  if (input.bio.trim().length > PROFILE_LIMITS.bioMax)
    problems.push(
      new ProfileValidationError('bio-too-long', `A bio has at most ${PROFILE_LIMITS.bioMax} characters.`),
    );
  const avatar = input.avatar.trim();
  if (avatar) {
    let url: URL | undefined;
    try {
      url = new URL(avatar);
    } catch {
      url = undefined;
    }
    if (!url || !/^https?:$/.test(url.protocol) || avatar.length > PROFILE_LIMITS.avatarMax)
      problems.push(new ProfileValidationError('avatar-not-url', 'The avatar must be an image URL.'));
    // Normalised (`..` resolved), so a path cannot climb out of the prefix.
    else if (!ownUploadPrefixes(context.assetBaseUrl, context.userId).some((p) => url.href.startsWith(p)))
      problems.push(
        new ProfileValidationError('avatar-not-own', 'The avatar must be an image you uploaded.'),
      );
  }
  return problems;
}

/** The profile as it will be stored; throws the first rule broken. */
export function validateProfile(
  input: ProfileInput,
  context: { userId: string; assetBaseUrl: string },
): ProfileInput {
  const [first] = profileProblems(input, context);
  if (first) throw first;
  return {
    handle: normalizeHandle(input.handle),
    displayName: input.displayName.trim(),
    bio: input.bio.trim(),
    avatar: input.avatar.trim(),
  };
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** The signed-in author's own profile, read consistently (the form saves over it); null if none yet. */
export async function getMyProfile(store: ProfileStore, userId: string): Promise<Profile | null> {
  try {
    const { Item } = await store.documents.send(
      new GetCommand({ TableName: store.tableName, Key: keys.profile(userId), ConsistentRead: true }),
    );
    if (!Item) return null;
    return {
      handle: text(Item.handle),
      displayName: text(Item.displayName),
      bio: text(Item.bio),
      avatar: text(Item.avatar),
      updatedAt: text(Item.updatedAt),
    };
  } catch (error) {
    throw toDataError(error);
  }
}

/**
 * Writes the whole profile item (validated first). `updatedAt` orders claims: the publisher grants a
 * free handle to the profile that asked for it first.
 */
export async function saveProfile(
  store: ProfileStore,
  userId: string,
  input: ProfileInput,
  options: { now?: Date } = {},
): Promise<Profile> {
  const valid = validateProfile(input, { userId, assetBaseUrl: store.assetBaseUrl });
  const profile: Profile = { ...valid, updatedAt: (options.now ?? new Date()).toISOString() };
  try {
    await store.documents.send(
      new PutCommand({
        TableName: store.tableName,
        Item: { ...keys.profile(userId), type: 'profile', ...profile },
      }),
    );
  } catch (error) {
    throw toDataError(error);
  }
  return profile;
}

/**
 * Who holds a handle, by the publisher's public claim file: `granted` (to this author), `taken` (by
 * someone else), or `pending` (no claim yet: the publisher has not seen the profile, or nobody asked).
 */
export type HandleClaim = 'granted' | 'taken' | 'pending';

export async function handleClaim(store: ProfileStore, userId: string, handle: string): Promise<HandleClaim> {
  const get = store.fetch ?? fetch;
  let response: Response;
  try {
    // no-store: the answer changes from 404 to a claim while the form polls.
    response = await get(new URL(sitePaths.handleClaim(handle), store.siteOrigin), { cache: 'no-store' });
  } catch (error) {
    throw toDataError(error);
  }
  // A missing object is 404 from S3, 403 without list rights, or the app's own page from an origin
  // that falls back to it: none of them is a claim.
  if (response.status === 404 || response.status === 403) return 'pending';
  if (!response.ok) throw toDataError(new Error(`claim of ${handle}: HTTP ${response.status}`));
  const claim = (await response.json().catch(() => undefined)) as
    | { handle?: unknown; authorId?: unknown }
    | undefined;
  if (claim?.handle !== handle || typeof claim.authorId !== 'string') return 'pending';
  return claim.authorId === userId ? 'granted' : 'taken';
}

/**
 * The handle the author's pages are at: the one the profile asks for if the publisher granted it,
 * else the default `u-…` handle (whose URLs redirect to the author's current ones).
 */
export async function grantedHandle(store: ProfileStore, userId: string): Promise<string> {
  const profile = await getMyProfile(store, userId);
  if (profile?.handle && isClaimableHandle(profile.handle)) {
    if ((await handleClaim(store, userId, profile.handle)) === 'granted') return profile.handle;
  }
  return defaultHandle(userId);
}
