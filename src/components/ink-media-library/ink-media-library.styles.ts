import { css } from 'lit';

export const styles = css`
  :host {
    display: contents;
  }
  dialog {
    width: min(56rem, 94vw);
    max-height: 88vh;
    border: 1px solid var(--ink-color-border, #ddd);
    border-radius: var(--ink-radius, 8px);
    padding: 1rem 1.25rem;
    background: var(--ink-color-surface, #fff);
    color: var(--ink-color-text, inherit);
  }
  dialog::backdrop {
    background: var(--ink-color-backdrop, rgb(0 0 0 / 0.35));
  }
  header {
    display: flex;
    align-items: center;
    gap: 0.75rem;
    margin-bottom: 0.75rem;
  }
  h2 {
    margin: 0;
    flex: 1;
    font-family: var(--ink-font-serif, serif);
  }
  form.search {
    display: flex;
    gap: 0.5rem;
    margin-bottom: 0.75rem;
  }
  input {
    font: inherit;
    padding: 0.3rem 0.5rem;
    border: 1px solid var(--ink-color-border, #ccc);
    border-radius: 0.4rem;
    background: var(--ink-color-surface, #fff);
    color: inherit;
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(10rem, 1fr));
    gap: 0.75rem;
  }
  li {
    display: grid;
    gap: 0.35rem;
    padding: 0.5rem;
    border: 1px solid var(--ink-color-border, #ddd);
    border-radius: var(--ink-radius, 8px);
  }
  img {
    width: 100%;
    aspect-ratio: 4 / 3;
    object-fit: cover;
    background: var(--ink-color-background, #f4f4f4);
    border-radius: 4px;
  }
  .meta {
    font-size: 0.8rem;
    color: var(--ink-color-muted, #666);
    overflow-wrap: anywhere;
  }
  .tag {
    font: inherit;
    font-size: 0.8rem;
    padding: 0 0.35rem;
    border: none;
    background: var(--ink-color-background, #f4f4f4);
    color: var(--ink-color-accent, #2f4fd8);
    cursor: pointer;
  }
  .actions {
    display: flex;
    gap: 0.35rem;
    flex-wrap: wrap;
  }
  button {
    font: inherit;
    cursor: pointer;
    padding: 0.2rem 0.6rem;
    border-radius: 0.4rem;
    border: 1px solid var(--ink-color-accent, #2f4fd8);
    background: transparent;
    color: var(--ink-color-accent, #2f4fd8);
  }
  button.danger {
    border-color: var(--ink-color-danger, #b3261e);
    color: var(--ink-color-danger, #b3261e);
  }
  .error {
    color: var(--ink-color-danger, #b3261e);
  }
`;
