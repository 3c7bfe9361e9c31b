/**
 * The messages between the host page (the loader, embed.js) and the comments iframe on Inkwell's
 * origin. Deliberately tiny: the iframe tells its parent its height, the parent tells the iframe a
 * theme, and nothing else crosses. Each side checks who sent a message (`origin` and `source`) and its
 * exact shape, so a script on the host page can neither drive the widget nor get anything back from it.
 */

export const RESIZE_MESSAGE = 'inkwell-comments:resize';
export const THEME_MESSAGE = 'inkwell-comments:theme';

export type Theme = 'light' | 'dark';

/** iframe → parent: the widget's content height in CSS pixels. */
export interface ResizeMessage {
  type: typeof RESIZE_MESSAGE;
  height: number;
}

/** parent → iframe: switch theme. */
export interface ThemeMessage {
  type: typeof THEME_MESSAGE;
  theme: Theme;
}

/** The tallest the widget may ask to be: a bound against a frame that asks for absurd heights. */
export const MAX_FRAME_HEIGHT = 100_000;

export function isTheme(value: unknown): value is Theme {
  return value === 'light' || value === 'dark';
}

function hasExactKeys(value: unknown, names: readonly string[]): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  const own = Object.keys(value);
  return own.length === names.length && names.every((name) => own.includes(name));
}

export function isResizeMessage(data: unknown): data is ResizeMessage {
  return (
    hasExactKeys(data, ['type', 'height']) &&
    data.type === RESIZE_MESSAGE &&
    typeof data.height === 'number' &&
    Number.isFinite(data.height) &&
    data.height >= 0 &&
    data.height <= MAX_FRAME_HEIGHT
  );
}

export function isThemeMessage(data: unknown): data is ThemeMessage {
  return hasExactKeys(data, ['type', 'theme']) && data.type === THEME_MESSAGE && isTheme(data.theme);
}

/** The parts of a MessageEvent the checks read (so tests need no real window). */
export interface IncomingMessage {
  origin: string;
  source: unknown;
  data: unknown;
}

/** Sender we expect: the origin it must come from and the window it must be. */
export interface ExpectedSender {
  origin: string;
  source: unknown;
}

/** In the loader: the iframe's new height, or null when the message is not the iframe's resize. */
export function acceptResize(event: IncomingMessage, from: ExpectedSender): number | null {
  if (!from.source || event.source !== from.source || event.origin !== from.origin) return null;
  return isResizeMessage(event.data) ? Math.ceil(event.data.height) : null;
}

/** In the iframe: the theme the parent asks for, or null for anything else from anyone else. */
export function acceptTheme(event: IncomingMessage, from: ExpectedSender): Theme | null {
  if (!from.source || event.source !== from.source || event.origin !== from.origin) return null;
  return isThemeMessage(event.data) ? event.data.theme : null;
}

export interface FrameParams {
  post: string;
  theme: Theme;
  /** The host page's origin: where height messages go and the only sender of theme messages. */
  parent?: string;
}

export const FRAME_PATH = '/comments.html';

export function frameUrl(inkwellOrigin: string, params: FrameParams): string {
  const url = new URL(FRAME_PATH, inkwellOrigin);
  url.searchParams.set('post', params.post);
  url.searchParams.set('theme', params.theme);
  if (params.parent) url.searchParams.set('parent', params.parent);
  return url.href;
}

/** Reads the iframe's query; `parent` only when it is a plain origin (no path, no `*`). */
export function readFrameParams(search: string): FrameParams {
  const query = new URLSearchParams(search);
  const theme = query.get('theme');
  const parent = originOf(query.get('parent'));
  return {
    post: query.get('post') ?? '',
    theme: isTheme(theme) ? theme : 'light',
    ...(parent ? { parent } : {}),
  };
}

export function originOf(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  try {
    const url = new URL(text);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    return url.origin === text.replace(/\/$/, '') ? url.origin : undefined;
  } catch {
    return undefined;
  }
}
