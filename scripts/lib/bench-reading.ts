/**
 * Reading in real Chromium: how soon a page's text is painted, its largest contentful paint, and the
 * JavaScript requested before the text shows. Each load is a fresh browser context (cold HTTP cache),
 * pages are loaded in turn (not one page's loads back to back), so drift on a shared machine spreads
 * over all of them alike.
 *
 * Time to text is the Element Timing `renderTime` of the first paragraph containing a known phrase:
 * a probe injected before any page script marks that paragraph with `elementtiming` as soon as it is
 * in the DOM (light DOM or any shadow root, so the SPA's Lit elements are seen too), and Chromium
 * reports when it was painted, relative to navigation start. Element Timing ignores shadow trees, so
 * a paragraph found in one (the SPA) is timed by the frame that paints it instead (rAF, then a task).
 */
import { gzipSync } from 'node:zlib';
import type { Browser } from '@playwright/test';
import { type Spread, spread } from './bench-stats.ts';

export interface ReadingTarget {
  label: string;
  url: string;
  /** A phrase of the paragraph whose paint is "the text shows". */
  needle: string;
}

export interface ReadingFigures {
  label: string;
  url: string;
  text: Spread;
  lcp: Spread;
  /** Every load's time to text and LCP, in round order (NaN for a load whose text never showed). */
  textSamples: number[];
  lcpSamples: number[];
  /** JavaScript requested before the text was painted, gzip -9 of the bodies (median over the loads). */
  jsBeforeTextGzip: number;
  jsBeforeTextFiles: string[];
}

interface Probe {
  text?: number;
  lcp?: number;
}

declare global {
  interface Window {
    __benchProbe?: Probe;
  }
}

/**
 * Runs in the page before its own scripts (see the module comment). Plain JavaScript in a string:
 * tsx compiles functions with name helpers (`__name`) that do not exist in the page.
 */
const TEXT_PROBE = `(() => {
  const needle = __NEEDLE__;
  const probe = {};
  window.__benchProbe = probe;
  let marked = false;
  function scan(root) {
    if (marked) return;
    for (const p of root.querySelectorAll('p')) {
      if (!p.textContent || !p.textContent.includes(needle)) continue;
      p.setAttribute('elementtiming', 'bench-text');
      marked = true;
      // Element Timing does not report elements in shadow trees (the SPA's): there, the end of the
      // next frame (a task queued from its animation frame runs after it was painted).
      if (root !== document) {
        requestAnimationFrame(function () {
          setTimeout(function () {
            if (probe.text === undefined) probe.text = performance.now();
            probe.method = 'frame';
          });
        });
      }
      return;
    }
  }
  function watch(root) {
    new MutationObserver(function () { scan(root); }).observe(root, { childList: true, subtree: true });
    scan(root);
  }
  watch(document);
  const attachShadow = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attachShadow.call(this, init);
    watch(root);
    return root;
  };
  new PerformanceObserver(function (list) {
    for (const entry of list.getEntries()) {
      if (entry.identifier === 'bench-text' && probe.text === undefined)
        probe.text = entry.renderTime || entry.loadTime || entry.startTime;
    }
  }).observe({ type: 'element', buffered: true });
  new PerformanceObserver(function (list) {
    for (const entry of list.getEntries()) probe.lcp = entry.renderTime || entry.loadTime || entry.startTime;
  }).observe({ type: 'largest-contentful-paint', buffered: true });
})();`;

const bodies = new Map<string, number>();
async function gzipSizeOf(url: string): Promise<number> {
  let size = bodies.get(url);
  if (size === undefined) {
    size = gzipSync(Buffer.from(await (await fetch(url)).arrayBuffer()), { level: 9 }).length;
    bodies.set(url, size);
  }
  return size;
}

interface Load {
  text: number;
  lcp: number;
  scripts: string[];
}

async function loadOnce(browser: Browser, target: ReadingTarget): Promise<Load> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    await context.addInitScript({ content: TEXT_PROBE.replace('__NEEDLE__', JSON.stringify(target.needle)) });
    const page = await context.newPage();
    await page.goto(target.url, { waitUntil: 'load' });
    const painted = await page
      .waitForFunction(() => window.__benchProbe?.text !== undefined, undefined, { timeout: 20_000 })
      .then(
        () => true,
        () => false,
      );
    // A load whose text never showed is left out of the figures (and counted), not the whole run's end.
    if (!painted) return { text: Number.NaN, lcp: Number.NaN, scripts: [] };
    // LCP settles after load; let one more frame pass before reading it.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50))));
    return await page.evaluate(() => {
      const probe = window.__benchProbe!;
      const text = probe.text!;
      const scripts = performance
        .getEntriesByType('resource')
        .filter((entry) => /\.m?js(\?|$)/.test(new URL(entry.name).pathname) && entry.startTime < text)
        .map((entry) => entry.name);
      return { text, lcp: probe.lcp ?? Number.NaN, scripts };
    });
  } finally {
    await context.close();
  }
}

/**
 * A page against its baseline, round by round: each round loads both within a second or so, so the
 * median of the per-round ratios is steadier than the ratio of medians when the machine's load drifts.
 */
export function pairedRatio(page: readonly number[], base: readonly number[]): number {
  return spread(page.map((value, i) => value / base[i]!)).median;
}

/** Loads every target `loads` times, in turn, and sums up each one's timings and early scripts. */
export async function measureReading(
  browser: Browser,
  targets: readonly ReadingTarget[],
  loads: number,
): Promise<ReadingFigures[]> {
  const results = targets.map(() => [] as Load[]);
  // One unmeasured load each: the servers' first-request costs (module loading, connections) are not the page's.
  for (const target of targets) await loadOnce(browser, target);
  for (let round = 0; round < loads; round++) {
    for (const [i, target] of targets.entries()) results[i]!.push(await loadOnce(browser, target));
  }
  return Promise.all(
    targets.map(async (target, i) => {
      const runs = results[i]!;
      const jsBytes = await Promise.all(
        runs.map(async (run) => (await Promise.all(run.scripts.map(gzipSizeOf))).reduce((a, b) => a + b, 0)),
      );
      return {
        label: target.label,
        url: target.url,
        text: spread(runs.map((run) => run.text)),
        lcp: spread(runs.map((run) => run.lcp)),
        textSamples: runs.map((run) => run.text),
        lcpSamples: runs.map((run) => run.lcp),
        jsBeforeTextGzip: spread(jsBytes).median,
        jsBeforeTextFiles: [...new Set(runs.flatMap((run) => run.scripts.map((s) => new URL(s).pathname)))],
      };
    }),
  );
}

/**
 * The hand-written baseline: the same content as a rendered page (its title and `<main>`: text,
 * headings, images, links) as a bare HTML document with no scripts, no site stylesheet, no header,
 * footer or comments frame. What a page of this content costs at the least.
 */
export function baselineHtml(rendered: string): string {
  const title = /<title>([\s\S]*?)<\/title>/.exec(rendered)?.[1] ?? '';
  const main = /<main id="main">([\s\S]*?)<\/main>/.exec(rendered)?.[1];
  if (main === undefined) throw new Error('the rendered page has no <main id="main">');
  const content = main
    .replace(/<script\b[\s\S]*?<\/script>/g, '')
    .replace(/<noscript>[\s\S]*?<\/noscript>/g, '')
    .replace(/<span data-island="[^"]*"[^>]*><\/span>/g, '');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<meta name="description" content="Baseline: the same content, hand-written.">
<style>body{font:18px/1.6 system-ui,sans-serif;max-width:42rem;margin:0 auto;padding:1rem}img{max-width:100%;height:auto}</style>
</head>
<body>
<main>${content}</main>
</body>
</html>
`;
}
