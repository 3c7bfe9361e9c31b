import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    border-top: 1px solid var(--ink-color-border, #ccc);
    background: var(--ink-color-surface, #fafafa);
    font-size: 0.85rem;
  }
  summary {
    cursor: pointer;
    padding: 0.5rem 1.5rem;
    color: var(--ink-color-muted, #555);
    user-select: none;
  }
  .badge {
    margin-left: 0.5rem;
    padding: 0 0.4rem;
    border-radius: 0.6rem;
    background: var(--ink-color-danger, #b00020);
    color: var(--ink-color-on-accent, #fff);
  }
  .badge.throttled {
    background: #8a5a00;
  }
  .body {
    max-height: 16rem;
    overflow: auto;
    padding: 0 1.5rem 0.75rem;
  }
  table {
    width: 100%;
    border-collapse: collapse;
    font-variant-numeric: tabular-nums;
  }
  th,
  td {
    text-align: left;
    padding: 0.2rem 0.6rem 0.2rem 0;
    white-space: nowrap;
  }
  th {
    position: sticky;
    top: 0;
    background: var(--ink-color-surface, #fafafa);
    color: var(--ink-color-muted, #555);
    font-weight: 600;
  }
  td.number {
    text-align: right;
  }
  tr.failed td {
    color: var(--ink-color-danger, #b00020);
  }
  tr.throttled td.attempts {
    font-weight: 700;
  }
  .empty {
    color: var(--ink-color-muted, #555);
  }
  button {
    font: inherit;
    margin-top: 0.5rem;
    cursor: pointer;
  }
`;
