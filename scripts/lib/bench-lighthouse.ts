/**
 * Lighthouse's performance score (its default mobile run: simulated slow 4G and a 4x slower CPU),
 * in a headless Chromium of its own, loopback only.
 */
import { launch } from 'chrome-launcher';
import lighthouse from 'lighthouse';

export interface LighthouseScore {
  url: string;
  score: number;
  /** Milliseconds, as Lighthouse simulates them. */
  fcp: number;
  lcp: number;
  tbt: number;
  /** Every run's score, when more than one. */
  runs?: number[];
}

const FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-sync',
  '--no-first-run',
  '--metrics-recording-only',
  '--disable-extensions',
];

/** `runs` runs of each URL, in turn; the run with the median score is kept (as Lighthouse advises). */
export async function lighthouseScores(
  urls: readonly string[],
  chromePath: string,
  runs = 3,
): Promise<LighthouseScore[]> {
  const all = urls.map(() => [] as LighthouseScore[]);
  for (let run = 0; run < runs; run++) {
    const scores = await lighthouseOnce(urls, chromePath);
    for (const [i, score] of scores.entries()) all[i]!.push(score);
  }
  return all.map((scores) => {
    const sorted = [...scores].sort((a, b) => a.score - b.score);
    return { ...sorted[Math.floor((sorted.length - 1) / 2)]!, runs: scores.map((s) => s.score) };
  });
}

async function lighthouseOnce(urls: readonly string[], chromePath: string): Promise<LighthouseScore[]> {
  const chrome = await launch({ chromePath, chromeFlags: FLAGS, logLevel: 'silent' });
  try {
    const scores: LighthouseScore[] = [];
    for (const url of urls) {
      const result = await lighthouse(url, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance'],
      });
      if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
      const audit = (id: string) => result.lhr.audits[id]?.numericValue ?? Number.NaN;
      scores.push({
        url,
        score: Math.round((result.lhr.categories.performance?.score ?? 0) * 100),
        fcp: audit('first-contentful-paint'),
        lcp: audit('largest-contentful-paint'),
        tbt: audit('total-blocking-time'),
      });
    }
    return scores;
  } finally {
    chrome.kill();
  }
}
