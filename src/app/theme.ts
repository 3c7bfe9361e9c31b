/**
 * The colour scheme: the system's (prefers-color-scheme) unless the writer picked the other one with
 * the header's toggle, which is remembered on this device. `<html data-theme>` carries a choice;
 * styles/main.css holds both palettes. public/theme.js applies a remembered choice before first paint.
 */
export type ColorScheme = 'light' | 'dark';

export const THEME_STORAGE_KEY = 'inkwell:theme';

const darkQuery = () => matchMedia('(prefers-color-scheme: dark)');

export function systemScheme(): ColorScheme {
  return darkQuery().matches ? 'dark' : 'light';
}

export function currentScheme(): ColorScheme {
  const chosen = document.documentElement.dataset.theme;
  return chosen === 'dark' || chosen === 'light' ? chosen : systemScheme();
}

/** Picks a scheme; picking the system's own goes back to following the system. */
export function chooseScheme(scheme: ColorScheme): void {
  const root = document.documentElement;
  try {
    if (scheme === systemScheme()) localStorage.removeItem(THEME_STORAGE_KEY);
    else localStorage.setItem(THEME_STORAGE_KEY, scheme);
  } catch {
    // Not remembered, but applied for this page.
  }
  if (scheme === systemScheme()) delete root.dataset.theme;
  else root.dataset.theme = scheme;
}

/** Calls back when the system's scheme changes; returns the unsubscribe. */
export function onSystemSchemeChange(callback: () => void): () => void {
  const query = darkQuery();
  query.addEventListener('change', callback);
  return () => query.removeEventListener('change', callback);
}
