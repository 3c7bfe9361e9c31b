/**
 * What may be uploaded as an image, decided before a single byte leaves the browser: the declared type
 * and extension must name an allowed raster format, and the file's first bytes must be that format.
 *
 * SVG is refused rather than sanitized: an SVG is a document that can carry script, and these files are
 * served from the bucket's origin to every reader. Sanitizing markup we then serve is a parser race we
 * would have to win forever; raster formats cannot run code.
 */
import { AssetError } from './asset-errors.ts';

export const ASSET_LIMITS = {
  /** 25 MiB: a generous photo; larger files are better resized before they become a post's image. */
  maxBytes: 25 * 1024 * 1024,
  /** How many leading bytes `validateImage` needs to recognise every allowed format. */
  sniffBytes: 16,
} as const;

export type ImageType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp' | 'image/avif';

interface Format {
  type: ImageType;
  label: string;
  extensions: readonly string[];
  matches: (head: Uint8Array) => boolean;
}

const bytesAt = (head: Uint8Array, offset: number, expected: readonly number[]) =>
  expected.every((byte, i) => head[offset + i] === byte);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** Magic numbers from each format's specification (PNG §5.2, JFIF/EXIF SOI, GIF87a/89a, RIFF WEBP, ISO BMFF ftyp). */
const FORMATS: readonly Format[] = [
  {
    type: 'image/png',
    label: 'PNG',
    extensions: ['png'],
    matches: (h) => bytesAt(h, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  },
  {
    type: 'image/jpeg',
    label: 'JPEG',
    extensions: ['jpg', 'jpeg', 'jfif', 'pjpeg', 'pjp'],
    matches: (h) => bytesAt(h, 0, [0xff, 0xd8, 0xff]),
  },
  {
    type: 'image/gif',
    label: 'GIF',
    extensions: ['gif'],
    matches: (h) => bytesAt(h, 0, ascii('GIF87a')) || bytesAt(h, 0, ascii('GIF89a')),
  },
  {
    type: 'image/webp',
    label: 'WebP',
    extensions: ['webp'],
    matches: (h) => bytesAt(h, 0, ascii('RIFF')) && bytesAt(h, 8, ascii('WEBP')),
  },
  {
    type: 'image/avif',
    label: 'AVIF',
    extensions: ['avif'],
    matches: (h) =>
      bytesAt(h, 4, ascii('ftyp')) && (bytesAt(h, 8, ascii('avif')) || bytesAt(h, 8, ascii('avis'))),
  },
];

/** Every content type an upload may have: the CDN and the local gateway serve anything else as a download. */
export const IMAGE_TYPES: readonly ImageType[] = FORMATS.map((f) => f.type);

/** The allowed image format the bytes are, by magic number alone; undefined for anything else. */
export function sniffImageType(head: Uint8Array): ImageType | undefined {
  return FORMATS.find((f) => f.matches(head))?.type;
}

/** What a browser `File` says about itself (name, size, declared type): no bytes. */
export interface FileFacts {
  name: string;
  size: number;
  /** The browser's MIME type, from the extension; may be empty. */
  type: string;
}

export interface ValidImage {
  contentType: ImageType;
  /** The canonical extension, for the stored name. */
  extension: string;
}

const megabytes = (bytes: number) =>
  `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
const allowedList = () => FORMATS.map((f) => f.label).join(', ');

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/**
 * Checks the cheap facts (size, declared type, extension): call before reading any bytes.
 * Throws `AssetError` with code asset-empty, asset-too-large, asset-svg-refused or asset-type-refused.
 */
export function checkFileFacts(file: FileFacts): Format {
  if (file.size === 0) throw new AssetError('asset-empty', `"${file.name}" is empty (0 bytes).`);
  if (file.size > ASSET_LIMITS.maxBytes) {
    throw new AssetError(
      'asset-too-large',
      `"${file.name}" is ${megabytes(file.size)}; images can be at most ${megabytes(ASSET_LIMITS.maxBytes)}.`,
    );
  }
  const declared = file.type.toLowerCase();
  const extension = extensionOf(file.name);
  if (declared === 'image/svg+xml' || extension === 'svg' || extension === 'svgz') {
    throw new AssetError(
      'asset-svg-refused',
      `"${file.name}" is an SVG. SVG files can contain scripts, so Inkwell accepts only ${allowedList()}; export it as PNG.`,
    );
  }
  const byType = declared
    ? FORMATS.find((f) => f.type === declared || (declared === 'image/jpg' && f.type === 'image/jpeg'))
    : undefined;
  const byExtension = FORMATS.find((f) => f.extensions.includes(extension));
  const format = byType ?? (declared === '' ? byExtension : undefined);
  if (!format) {
    throw new AssetError(
      'asset-type-refused',
      `"${file.name}" is not an image Inkwell accepts (${declared || extension || 'unknown type'}). Allowed: ${allowedList()}.`,
    );
  }
  if (extension !== '' && byExtension !== format) {
    throw new AssetError(
      'asset-mislabelled',
      `"${file.name}" says it is ${format.label}, but its name ends in .${extension}. Rename it or export it again.`,
    );
  }
  return format;
}

/**
 * The whole check: the facts, then the first bytes (`ASSET_LIMITS.sniffBytes` of them) against the
 * declared format. A file whose content is not what its name and type say is refused, so a renamed
 * HTML page or SVG cannot be served as an image.
 */
export function validateImage(file: FileFacts, head: Uint8Array): ValidImage {
  const format = checkFileFacts(file);
  if (!format.matches(head)) {
    const actual = FORMATS.find((f) => f.matches(head));
    throw new AssetError(
      'asset-mislabelled',
      actual
        ? `"${file.name}" is labelled ${format.label} but is really ${actual.label}. Rename it to .${actual.extensions[0]} and try again.`
        : `"${file.name}" is labelled ${format.label}, but its content is not an image Inkwell can read.`,
    );
  }
  return { contentType: format.type, extension: format.extensions[0]! };
}

/** Reads a browser file's first bytes and validates it; resolves with the type to store it as. */
export async function validateImageFile(file: Blob & FileFacts): Promise<ValidImage> {
  checkFileFacts(file);
  const head = new Uint8Array(await file.slice(0, ASSET_LIMITS.sniffBytes).arrayBuffer());
  return validateImage(file, head);
}

/**
 * A key-safe version of the writer's file name: lower case ASCII letters, digits, `-` and `_`, with the
 * canonical extension; never empty, never a path, at most 80 characters.
 */
export function safeAssetName(name: string, extension: string): string {
  const dot = name.lastIndexOf('.');
  const stem = (dot > 0 ? name.slice(0, dot) : name)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .slice(0, 80 - extension.length - 1);
  return `${stem || 'image'}.${extension}`;
}
