// Runs before the first paint (a classic script in <head>), so a remembered dark scheme never flashes
// light. The toggle in the app's header (src/app/theme.ts) writes the same key.
try {
  const scheme = localStorage.getItem('inkwell:theme');
  if (scheme === 'dark' || scheme === 'light') document.documentElement.dataset.theme = scheme;
} catch {
  // Storage refused: follow the system's scheme.
}
