import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

/**
 * Which Chromium the tests drive: INKWELL_CHROMIUM if set, else Playwright's own download if present,
 * else Debian/Ubuntu's /usr/bin/chromium. Fails with instructions when there is none.
 */
export function findChromium(): string {
  const candidates = [
    process.env.INKWELL_CHROMIUM,
    (() => {
      try {
        return chromium.executablePath();
      } catch {
        return undefined;
      }
    })(),
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ];
  const found = candidates.find((path): path is string => Boolean(path && existsSync(path)));
  if (found) return found;
  throw new Error(
    'No Chromium found for the end-to-end tests. Install one of:\n' +
      '  Debian/Ubuntu:  sudo apt-get install -y chromium\n' +
      '  any system:     npx playwright install chromium   (needs internet)\n' +
      '  or point INKWELL_CHROMIUM at a Chromium/Chrome binary.',
  );
}
