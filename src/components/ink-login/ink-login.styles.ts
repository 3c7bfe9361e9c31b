import { css } from 'lit';

export const styles = css`
  :host {
    display: inline-flex;
    position: relative;
    align-items: center;
    gap: 0.75rem;
    font-size: 0.95rem;
  }
  button {
    font: inherit;
    cursor: pointer;
    padding: 0.4rem 0.9rem;
    border-radius: 0.4rem;
    border: 1px solid var(--ink-color-accent, #2f5d50);
    background: var(--ink-color-accent, #2f5d50);
    color: var(--ink-color-on-accent, #fff);
  }
  button.quiet {
    background: transparent;
    color: var(--ink-color-accent, #2f5d50);
  }
  button:disabled {
    opacity: 0.6;
    cursor: default;
  }
  .user {
    font-weight: 600;
    color: var(--ink-color-text, inherit);
  }
  [role='menu'] {
    position: absolute;
    top: calc(100% + 0.25rem);
    right: 0;
    z-index: 10;
    min-width: 14rem;
    margin: 0;
    padding: 0.25rem;
    list-style: none;
    background: var(--ink-color-surface, #fff);
    border: 1px solid var(--ink-color-border, #ccc);
    border-radius: 0.4rem;
    box-shadow: 0 0.5rem 1.5rem rgb(0 0 0 / 0.12);
  }
  [role='menuitem'] {
    display: block;
    width: 100%;
    text-align: left;
    border: none;
    background: transparent;
    color: var(--ink-color-text, inherit);
  }
  [role='menuitem']:hover,
  [role='menuitem']:focus-visible {
    background: var(--ink-color-border, #eee);
  }
  .error {
    position: absolute;
    top: calc(100% + 0.25rem);
    right: 0;
    margin: 0;
    max-width: 20rem;
    color: var(--ink-color-danger, #b00020);
    font-size: 0.85rem;
  }
`;
