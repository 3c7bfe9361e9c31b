import { css } from 'lit';

export const styles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 100vh;
  }
  header {
    display: flex;
    align-items: center;
    gap: 1.5rem;
    padding: 0.75rem 1.5rem;
    background: var(--ink-color-surface);
    border-bottom: 1px solid var(--ink-color-border);
  }
  .brand {
    font-family: var(--ink-font-serif);
    font-size: 1.5rem;
    font-weight: 700;
    color: var(--ink-color-text);
    text-decoration: none;
  }
  nav {
    display: flex;
    gap: 1rem;
    flex: 1;
  }
  nav a {
    color: var(--ink-color-muted);
    text-decoration: none;
  }
  nav a[aria-current='page'] {
    color: var(--ink-color-accent);
    font-weight: 600;
  }
  main {
    flex: 1;
    width: 100%;
    max-width: var(--ink-measure);
    margin: 0 auto;
    padding: 2rem 1.25rem;
  }
  .error {
    color: var(--ink-color-danger);
  }
  button {
    font: inherit;
    cursor: pointer;
    padding: 0.4rem 0.9rem;
    border-radius: var(--ink-radius);
    border: 1px solid var(--ink-color-border);
    background: var(--ink-color-surface);
    color: var(--ink-color-text);
  }
  button.scheme[aria-pressed='true'] {
    border-color: var(--ink-color-accent);
  }
  button.danger {
    color: var(--ink-color-danger);
  }
  dialog {
    border: 1px solid var(--ink-color-border);
    border-radius: var(--ink-radius);
    background: var(--ink-color-surface);
    color: var(--ink-color-text);
    max-width: 30rem;
  }
  dialog::backdrop {
    background: var(--ink-color-backdrop);
  }
  dialog h2 {
    margin-top: 0;
    font-size: 1.2rem;
  }
  .choices {
    display: flex;
    justify-content: flex-end;
    gap: 0.75rem;
  }
`;
