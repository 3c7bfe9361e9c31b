import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    font-family: var(--ink-font, system-ui, sans-serif);
    color: var(--ink-color-text, #1d1d1f);
  }
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 0.75rem;
  }
  h2 {
    font-size: 1.2rem;
    margin: 0.5rem 0;
  }
  ol {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .replies {
    margin-left: 1.5rem;
    padding-left: 1rem;
    border-left: 2px solid var(--ink-color-border, #dedbd2);
  }
  article {
    padding: 0.75rem 0;
    border-bottom: 1px solid var(--ink-color-border, #dedbd2);
  }
  article.hidden {
    opacity: 0.6;
  }
  .meta {
    font-size: 0.85rem;
    color: var(--ink-color-muted, #5f6368);
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }
  .name {
    font-weight: 600;
    color: var(--ink-color-text, inherit);
  }
  .badge {
    font-size: 0.75rem;
    padding: 0 0.4rem;
    border-radius: 0.3rem;
    background: var(--ink-color-danger, #b3261e);
    color: #fff;
  }
  .body {
    overflow-wrap: anywhere;
  }
  .body :is(p, pre, ul, ol, blockquote) {
    margin: 0.4rem 0;
  }
  .body pre {
    overflow-x: auto;
    padding: 0.5rem;
    border-radius: var(--ink-radius, 8px);
    background: var(--ink-color-background, #f7f6f3);
  }
  .body img {
    max-width: 100%;
  }
  .body a {
    color: var(--ink-color-accent, #2f4fd8);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem;
  }
  button {
    font: inherit;
    font-size: 0.85rem;
    cursor: pointer;
    padding: 0.2rem 0.6rem;
    border-radius: 0.4rem;
    border: 1px solid transparent;
    background: transparent;
    color: var(--ink-color-accent, #2f4fd8);
  }
  button[aria-pressed='true'] {
    border-color: var(--ink-color-accent, #2f4fd8);
  }
  button.primary {
    background: var(--ink-color-accent, #2f4fd8);
    color: var(--ink-color-on-accent, #fff);
  }
  button:disabled {
    opacity: 0.6;
    cursor: default;
  }
  form {
    display: grid;
    gap: 0.5rem;
    margin: 0.5rem 0;
  }
  textarea {
    font: inherit;
    min-height: 5rem;
    padding: 0.5rem;
    border-radius: var(--ink-radius, 8px);
    border: 1px solid var(--ink-color-border, #dedbd2);
    background: var(--ink-color-surface, #fff);
    color: inherit;
    resize: vertical;
  }
  form div {
    display: flex;
    gap: 0.5rem;
    justify-content: flex-end;
  }
  .placeholder {
    font-style: italic;
    color: var(--ink-color-muted, #5f6368);
  }
  .error {
    color: var(--ink-color-danger, #b3261e);
  }
`;
