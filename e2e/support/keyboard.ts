/** Driving the app by keyboard alone, and reading where focus is as a screen reader would name it. */
import type { Page } from '@playwright/test';

/** The focused element's name (through shadow roots): its label, aria-label(ledby), or its text. */
export async function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    let active: Element | null = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    if (!active) return '';
    const root = active.getRootNode() as Document | ShadowRoot;
    const labelledBy = active.getAttribute('aria-labelledby');
    if (labelledBy) {
      return labelledBy
        .split(/\s+/)
        .map((id) => root.getElementById(id)?.textContent?.trim() ?? '')
        .join(' ');
    }
    const label = active.getAttribute('aria-label');
    if (label) return label;
    const labels = (active as HTMLInputElement).labels;
    if (labels?.length) return labels[0]!.textContent?.trim() ?? '';
    return active.textContent?.replace(/\s+/g, ' ').trim() ?? '';
  });
}

/** Presses Tab until the element named `name` has focus; fails if it is not reached in `limit` presses. */
export async function tabTo(page: Page, name: string, limit = 40): Promise<void> {
  const seen: string[] = [];
  for (let presses = 0; presses < limit; presses++) {
    await page.keyboard.press('Tab');
    const focused = await focusedName(page);
    if (focused === name) return;
    seen.push(focused);
  }
  throw new Error(`"${name}" was not reached with Tab; focus went through: ${seen.join(' → ')}`);
}
