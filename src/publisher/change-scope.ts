/**
 * Which public pages a stream record touches. Only keys and images are read; nothing is rendered from
 * a record's image (the table is re-read), so records may arrive twice or out of order.
 */

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, AttributeValue as LambdaAttributeValue } from 'aws-lambda';
import { PARTITION_PREFIX, POST_SORT_PREFIX } from '../core/model.ts';
import { postRef, type SiteScope } from '../core/site/build-site.ts';
import { isSiteTag } from '../core/site/site-model.ts';

export function emptyScope(): SiteScope {
  return { indexes: false, authors: new Set(), tags: new Set(), posts: new Set() };
}

export function mergeScopes(target: SiteScope, source: SiteScope): SiteScope {
  target.indexes ||= source.indexes;
  for (const id of source.authors) target.authors.add(id);
  for (const tag of source.tags) target.tags.add(tag);
  for (const ref of source.posts) target.posts.add(ref);
  return target;
}

type Image = Record<string, unknown>;

function image(value: Record<string, LambdaAttributeValue> | undefined): Image | undefined {
  return value ? unmarshall(value as Record<string, AttributeValue>) : undefined;
}

const strings = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : value instanceof Set
      ? [...value].filter((v): v is string => typeof v === 'string')
      : [];

/** Thrown for a record the publisher cannot read: reported, and the rest of the batch goes on. */
export class UnreadableRecordError extends Error {
  override readonly name = 'UnreadableRecordError';
}

/**
 * The scope of one record. Published posts touch their page, their author's pages, the tags they had
 * and have, and the site-wide indexes; a profile touches all of its author's pages and the indexes
 * (names on cards); comments and hide markers touch their post's page. Drafts (`D#`), counters (`N#`),
 * assets and likes touch nothing public.
 */
export function scopeOfRecord(record: DynamoDBRecord): SiteScope {
  const scope = emptyScope();
  const keys = image(record.dynamodb?.Keys);
  const pk = keys?.PK;
  const sk = keys?.SK;
  if (typeof pk !== 'string' || typeof sk !== 'string') {
    throw new UnreadableRecordError(`stream record ${record.eventID ?? '?'} has no PK/SK keys`);
  }
  if (!pk.startsWith(PARTITION_PREFIX.public)) return scope;
  const owner = pk.slice(PARTITION_PREFIX.public.length);
  const images = [image(record.dynamodb?.OldImage), image(record.dynamodb?.NewImage)].filter(
    (i): i is Image => i !== undefined,
  );
  if (sk.startsWith(POST_SORT_PREFIX)) {
    const slug = sk.slice(POST_SORT_PREFIX.length);
    scope.indexes = true;
    scope.authors.add(owner);
    scope.posts.add(postRef(owner, slug));
    for (const i of images) for (const tag of strings(i.tags).filter(isSiteTag)) scope.tags.add(tag);
  } else if (sk === 'PROFILE') {
    scope.indexes = true;
    scope.authors.add(owner);
    // Every page that shows the author's name or handle: the publisher widens this to all their posts and tags.
  } else if (sk.startsWith('T#')) {
    const [, tag] = sk.split('#');
    if (tag && isSiteTag(tag)) scope.tags.add(tag);
  } else if (sk.startsWith('C#')) {
    // C#<authorId>#<slug>#<time>#<id>: author ids may contain ':' but never '#'.
    const [, authorId, slug] = sk.split('#');
    if (authorId && slug) scope.posts.add(postRef(authorId, slug));
  } else if (sk.startsWith('H#')) {
    const [, slug] = sk.split('#');
    if (slug) scope.posts.add(postRef(owner, slug));
  }
  return scope;
}
