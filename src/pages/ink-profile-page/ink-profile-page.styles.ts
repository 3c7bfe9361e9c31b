import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    max-width: 40rem;
  }
  form {
    display: grid;
    gap: 1.25rem;
  }
  label,
  legend {
    display: block;
    font-weight: 600;
    margin-bottom: 0.25rem;
  }
  input,
  textarea,
  button {
    font: inherit;
  }
  input,
  textarea {
    box-sizing: border-box;
    width: 100%;
    padding: 0.4rem 0.5rem;
    border: 1px solid var(--ink-color-border, #ccc);
    border-radius: var(--ink-radius, 6px);
  }
  [aria-invalid='true'] {
    border-color: var(--ink-color-danger, #b00020);
  }
  .handle {
    display: flex;
    align-items: center;
    gap: 0.25rem;
  }
  .hint,
  .count {
    margin: 0.25rem 0 0;
    font-size: 0.85rem;
    color: var(--ink-color-muted);
  }
  .problem {
    margin: 0.25rem 0 0;
    color: var(--ink-color-danger, #b00020);
  }
  .problem:empty {
    display: none;
  }
  fieldset {
    border: 1px solid var(--ink-color-border, #ddd);
    border-radius: var(--ink-radius, 8px);
    padding: 0.75rem;
  }
  .avatar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.75rem;
  }
  .avatar img {
    width: 72px;
    height: 72px;
    object-fit: cover;
    border-radius: 50%;
  }
  .outcome {
    padding: 0.5rem 0.75rem;
    border-radius: var(--ink-radius, 8px);
  }
  .outcome:empty {
    display: none;
  }
  .outcome[data-state='granted'] {
    background: #e8f5e9;
  }
  .outcome[data-state='taken'],
  .outcome[data-state='error'] {
    background: #fdecea;
  }
`;
