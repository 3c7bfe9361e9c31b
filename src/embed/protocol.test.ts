import { describe, expect, it } from 'vitest';
import {
  acceptResize,
  acceptTheme,
  frameUrl,
  isResizeMessage,
  isThemeMessage,
  MAX_FRAME_HEIGHT,
  originOf,
  RESIZE_MESSAGE,
  readFrameParams,
  THEME_MESSAGE,
} from './protocol.ts';

const INKWELL = 'https://inkwell.example';
const frameWindow = { name: 'the iframe' };
const otherWindow = { name: 'another frame' };

describe('resize messages (iframe → loader)', () => {
  const ok = { type: RESIZE_MESSAGE, height: 321.4 };

  it('accepts the exact shape from the iframe on Inkwell’s origin, rounding up', () => {
    expect(
      acceptResize(
        { origin: INKWELL, source: frameWindow, data: ok },
        { origin: INKWELL, source: frameWindow },
      ),
    ).toBe(322);
  });

  it('refuses another origin, another window, or no iframe yet', () => {
    const from = { origin: INKWELL, source: frameWindow };
    expect(acceptResize({ origin: 'https://evil.example', source: frameWindow, data: ok }, from)).toBeNull();
    expect(acceptResize({ origin: INKWELL, source: otherWindow, data: ok }, from)).toBeNull();
    expect(
      acceptResize({ origin: INKWELL, source: null, data: ok }, { origin: INKWELL, source: null }),
    ).toBeNull();
  });

  it('refuses anything but the strict shape', () => {
    expect(isResizeMessage(ok)).toBe(true);
    for (const bad of [
      null,
      'inkwell-comments:resize',
      [RESIZE_MESSAGE, 10],
      { type: RESIZE_MESSAGE },
      { type: RESIZE_MESSAGE, height: '10' },
      { type: RESIZE_MESSAGE, height: Number.NaN },
      { type: RESIZE_MESSAGE, height: -1 },
      { type: RESIZE_MESSAGE, height: MAX_FRAME_HEIGHT + 1 },
      { type: RESIZE_MESSAGE, height: 10, extra: true },
      { type: THEME_MESSAGE, height: 10 },
      Object.assign(Object.create({ inherited: 1 }), { type: RESIZE_MESSAGE, height: 10 }),
    ]) {
      expect(isResizeMessage(bad), JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('theme messages (host page → iframe)', () => {
  const parent = 'https://blog.example';
  const parentWindow = { name: 'parent' };

  it('accepts only a theme change from the parent window on the origin the loader named', () => {
    const from = { origin: parent, source: parentWindow };
    const data = { type: THEME_MESSAGE, theme: 'dark' };
    expect(acceptTheme({ origin: parent, source: parentWindow, data }, from)).toBe('dark');
    expect(acceptTheme({ origin: 'https://evil.example', source: parentWindow, data }, from)).toBeNull();
    expect(acceptTheme({ origin: parent, source: otherWindow, data }, from)).toBeNull();
  });

  it('refuses other requests, other themes and extra fields', () => {
    expect(isThemeMessage({ type: THEME_MESSAGE, theme: 'light' })).toBe(true);
    expect(isThemeMessage({ type: THEME_MESSAGE, theme: 'neon' })).toBe(false);
    expect(isThemeMessage({ type: THEME_MESSAGE, theme: 'dark', reply: true })).toBe(false);
    expect(isThemeMessage({ type: 'inkwell-comments:get-token' })).toBe(false);
  });
});

describe('frame URL', () => {
  it('round-trips post, theme and parent origin', () => {
    const url = new URL(
      frameUrl(INKWELL, { post: 'us-east-1:abc/hello', theme: 'dark', parent: 'https://blog.example' }),
    );
    expect(url.origin + url.pathname).toBe(`${INKWELL}/comments.html`);
    expect(readFrameParams(url.search)).toEqual({
      post: 'us-east-1:abc/hello',
      theme: 'dark',
      parent: 'https://blog.example',
    });
  });

  it('drops a parent that is not a bare origin, and unknown themes', () => {
    expect(readFrameParams('?post=a/b&theme=neon&parent=*')).toEqual({ post: 'a/b', theme: 'light' });
    expect(originOf('https://blog.example/path')).toBeUndefined();
    expect(originOf('javascript:alert(1)')).toBeUndefined();
    expect(originOf('http://localhost:8080')).toBe('http://localhost:8080');
  });
});
