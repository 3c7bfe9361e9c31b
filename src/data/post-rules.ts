/**
 * The rules a post must follow before anything is written: field limits, the slug and tag formats, and
 * the item size that keeps a post inside one DynamoDB item. Pure functions: the editor checks as the
 * writer types, the data layer checks again before every write.
 */
import { TAG_PATTERN } from '../core/site/site-model.ts';
import { PostTooLargeError, PostValidationError } from './post-errors.ts';

export const POST_LIMITS = {
  titleMax: 200,
  excerptMax: 300,
  tagsMax: 5,
  tagMax: 30,
  slugMax: 80,
  /**
   * DynamoDB items are at most 400 KB. A post's largest item (working or published copy) must stay under
   * this, leaving room for the keys, summary attributes and later additions.
   */
  itemMaxBytes: 350 * 1024,
} as const;

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export { TAG_PATTERN };

/** Letters that Unicode decomposition does not reduce to ASCII. */
const TRANSLITERATIONS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ŋ: 'ng',
  '&': ' and ',
};

/**
 * A URL slug from a title: accents transliterated (`Crème brûlée` → `creme-brulee`), lowercase ASCII
 * letters and digits joined by single dashes, at most 80 characters, cut at a word boundary when possible.
 * Returns '' when the title has no letters or digits at all.
 */
export function slugify(title: string): string {
  const ascii = title
    .toLowerCase()
    .replace(/[ßæœøłđðþıŋ&]/g, (letter) => TRANSLITERATIONS[letter] ?? letter)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '');
  const slug = ascii.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (slug.length <= POST_LIMITS.slugMax) return slug;
  const cut = slug.slice(0, POST_LIMITS.slugMax + 1);
  const lastDash = cut.lastIndexOf('-');
  return (
    lastDash > POST_LIMITS.slugMax / 2 ? cut.slice(0, lastDash) : cut.slice(0, POST_LIMITS.slugMax)
  ).replace(/-+$/, '');
}

/** Tags as a writer types them ("AWS, Web Components") to the stored form (["aws", "web-components"]). */
export function normalizeTags(text: string): string[] {
  const tags = text
    .split(',')
    .map((tag) => tag.trim().replace(/^#+/, '').toLowerCase().replace(/\s+/g, '-'))
    .filter(Boolean);
  return [...new Set(tags)];
}

export interface PostFields {
  title: string;
  slug: string;
  excerpt: string;
  tags: string[];
  body: string;
}

/** Every problem with the fields, in the order the editor shows them; empty when the post is valid. */
export function postProblems(fields: PostFields): PostValidationError[] {
  const problems: PostValidationError[] = [];
  const title = fields.title.trim();
  if (!title) problems.push(new PostValidationError('title', 'Give the post a title.'));
  else if ([...title].length > POST_LIMITS.titleMax) {
    problems.push(
      new PostValidationError('title', `The title is too long: at most ${POST_LIMITS.titleMax} characters.`),
    );
  }
  if (!fields.slug || fields.slug.length > POST_LIMITS.slugMax || !SLUG_PATTERN.test(fields.slug)) {
    problems.push(
      new PostValidationError(
        'slug',
        `The address must be 1–${POST_LIMITS.slugMax} lowercase letters (a–z), digits and single dashes.`,
      ),
    );
  }
  if (fields.tags.length > POST_LIMITS.tagsMax) {
    problems.push(new PostValidationError('tags', `A post can have at most ${POST_LIMITS.tagsMax} tags.`));
  }
  const badTag = fields.tags.find((tag) => tag.length > POST_LIMITS.tagMax || !TAG_PATTERN.test(tag));
  if (badTag !== undefined) {
    problems.push(
      new PostValidationError(
        'tags',
        `"${badTag}" is not a valid tag: use 1–${POST_LIMITS.tagMax} lowercase letters, digits and dashes.`,
      ),
    );
  }
  if (new Set(fields.tags).size !== fields.tags.length) {
    problems.push(new PostValidationError('tags', 'A tag is listed twice.'));
  }
  if ([...fields.excerpt].length > POST_LIMITS.excerptMax) {
    problems.push(
      new PostValidationError(
        'excerpt',
        `The excerpt is too long: at most ${POST_LIMITS.excerptMax} characters.`,
      ),
    );
  }
  return problems;
}

/** Throws the first problem: the data layer's guard before any write. */
export function validatePost(fields: PostFields): void {
  const [first] = postProblems(fields);
  if (first) throw first;
}

/** Throws PostTooLargeError when an item would not fit (see POST_LIMITS.itemMaxBytes). */
export function assertItemFits(item: Record<string, unknown>): void {
  const bytes = itemSize(item);
  if (bytes > POST_LIMITS.itemMaxBytes) throw new PostTooLargeError(bytes, POST_LIMITS.itemMaxBytes);
}

const utf8 = new TextEncoder();

/**
 * An item's size as DynamoDB counts it for the 400 KB limit and for capacity units: attribute names plus
 * values; strings in UTF-8 bytes, numbers about one byte per two digits plus one, lists and maps 3 bytes
 * plus one per element.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
 */
export function itemSize(item: Record<string, unknown>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    bytes += utf8.encode(name).length + valueSize(value);
  }
  return bytes;
}

function valueSize(value: unknown): number {
  if (typeof value === 'string') return utf8.encode(value).length;
  if (typeof value === 'number') {
    const digits = String(Math.abs(value))
      .replace(/[.-]|e.*$/gi, '')
      .replace(/^0+/, '');
    return Math.ceil(Math.max(1, digits.length) / 2) + 1;
  }
  if (typeof value === 'boolean' || value === null) return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value))
    return 3 + value.reduce<number>((sum, element) => sum + 1 + valueSize(element), 0);
  if (value instanceof Set) return [...value].reduce<number>((sum, element) => sum + valueSize(element), 0);
  if (typeof value === 'object') {
    return (
      3 +
      Object.entries(value as Record<string, unknown>).reduce<number>(
        (sum, [key, element]) => sum + 1 + utf8.encode(key).length + valueSize(element),
        0,
      )
    );
  }
  return 0;
}
