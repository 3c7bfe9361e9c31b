/**
 * The JavaScript a reader downloads to make a post's comments interactive, measured in Chromium: the
 * rendered post page is opened, scrolled to its comments (embed.js frames the widget lazily), and
 * every script the page and the comments iframe load until the widget has replaced its "Loading
 * comments…" placeholder is gzipped (-9) from its response body.
 */
import { gzipSync } from 'node:zlib';
import type { Browser } from '@playwright/test';

export interface CommentsJsFigures {
  files: { path: string; gzipBytes: number }[];
  gzipBytes: number;
  /** The widget's own element rendered inside the frame (its session and first read done). */
  ready: boolean;
}

export async function measureCommentsJs(browser: Browser, postUrl: string): Promise<CommentsJsFigures> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    const scripts = new Map<string, Promise<number>>();
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (!/\.m?js$/.test(url.pathname) || scripts.has(url.pathname)) return;
      scripts.set(
        url.pathname,
        response.body().then(
          (body) => gzipSync(body, { level: 9 }).length,
          () => 0,
        ),
      );
    });
    await page.goto(postUrl, { waitUntil: 'load' });
    await page.locator('#comments').scrollIntoViewIfNeeded();
    const frame = page.frameLocator('#comments iframe');
    let ready = true;
    await frame
      .locator('ink-comments')
      .waitFor({ state: 'attached', timeout: 20_000 })
      .catch(() => {
        ready = false;
      });
    await page.waitForLoadState('networkidle').catch(() => {});
    const files = await Promise.all(
      [...scripts].map(async ([path, size]) => ({ path, gzipBytes: await size })),
    );
    return { files, gzipBytes: files.reduce((sum, file) => sum + file.gzipBytes, 0), ready };
  } finally {
    await context.close();
  }
}
