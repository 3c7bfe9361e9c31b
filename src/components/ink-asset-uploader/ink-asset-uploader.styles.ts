import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    font-size: 0.9rem;
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.5rem;
  }
  li {
    display: grid;
    grid-template-columns: 1fr auto;
    align-items: center;
    gap: 0.25rem 0.75rem;
    padding: 0.5rem 0.75rem;
    border: 1px solid var(--ink-color-border, #ddd);
    border-radius: var(--ink-radius, 8px);
    background: var(--ink-color-surface, #fff);
  }
  .name {
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  progress {
    grid-column: 1 / -1;
    width: 100%;
    height: 0.5rem;
    accent-color: var(--ink-color-accent, #2f4fd8);
  }
  .status {
    grid-column: 1 / -1;
    color: var(--ink-color-muted, #666);
  }
  li[data-state='error'] .status {
    color: var(--ink-color-danger, #b3261e);
  }
  button {
    font: inherit;
    cursor: pointer;
    padding: 0.2rem 0.7rem;
    border-radius: 0.4rem;
    border: 1px solid var(--ink-color-accent, #2f4fd8);
    background: transparent;
    color: var(--ink-color-accent, #2f4fd8);
  }
  input[type='file'] {
    display: none;
  }
  .unfinished {
    margin: 0.75rem 0;
  }
  .unfinished h2 {
    font-size: 1rem;
    margin: 0 0 0.5rem;
  }
  .unfinished li {
    grid-template-columns: 1fr auto auto;
  }
  .unfinished .status {
    grid-column: 1;
  }
  .problem {
    color: var(--ink-color-danger, #b3261e);
  }
`;
