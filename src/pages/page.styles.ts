import { css } from 'lit';

/** What every page shares: serif headings, muted meta lines, tag links, error text. */
export const pageStyles = css`
  h1,
  h2 {
    font-family: var(--ink-font-serif);
    overflow-wrap: anywhere;
  }
  h1 {
    margin-bottom: 0.25rem;
  }
  .meta {
    color: var(--ink-color-muted);
  }
  .tags a {
    margin-right: 0.5rem;
  }
  .error {
    color: var(--ink-color-danger);
  }
`;
