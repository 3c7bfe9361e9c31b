import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
  }
  [role='toolbar'] {
    display: flex;
    gap: 0.5rem;
    margin-bottom: 0.5rem;
  }
  button {
    font: inherit;
    cursor: pointer;
    padding: 0.25rem 0.75rem;
    border-radius: 0.4rem;
    border: 1px solid var(--ink-color-border, #ccc);
    background: var(--ink-color-surface, #fff);
    color: var(--ink-color-text, inherit);
  }
  .dropzone {
    display: block;
    border-radius: var(--ink-radius, 8px);
    outline: 2px dashed transparent;
    outline-offset: 4px;
  }
  :host([dragging]) .dropzone {
    outline-color: var(--ink-color-accent, #2f4fd8);
  }
  ink-asset-uploader {
    margin-top: 0.75rem;
  }
`;
