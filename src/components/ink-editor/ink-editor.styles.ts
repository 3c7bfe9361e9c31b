// EasyMDE's and CodeMirror's CSS, inlined into this element's shadow root: document styles do not reach
// inside the app's shadow trees, and this way the CSS arrives only with the editor's chunk.
import easymdeCss from 'easymde/dist/easymde.min.css?inline';
import { css, unsafeCSS } from 'lit';

export const styles = [
  unsafeCSS(easymdeCss),
  css`
    :host {
      display: block;
    }
    form {
      display: grid;
      gap: 1rem;
    }
    label,
    .label {
      display: block;
      font-weight: 600;
      margin-bottom: 0.25rem;
    }
    input,
    textarea {
      /* The page's box-sizing rule does not reach into shadow roots. */
      box-sizing: border-box;
      width: 100%;
      padding: 0.5rem 0.6rem;
      font: inherit;
      border: 1px solid var(--ink-color-border);
      border-radius: var(--ink-radius);
      background: var(--ink-color-surface);
      color: inherit;
    }
    input.title {
      font-family: var(--ink-font-serif);
      font-size: 1.6rem;
    }
    .slug {
      display: flex;
      align-items: center;
      gap: 0.25rem;
      color: var(--ink-color-muted);
    }
    .slug input {
      flex: 1;
    }
    .hint,
    .count {
      color: var(--ink-color-muted);
      font-size: 0.85rem;
    }
    .problem {
      color: var(--ink-color-danger);
      font-size: 0.9rem;
      margin: 0.25rem 0 0;
    }
    [aria-invalid='true'] {
      border-color: var(--ink-color-danger);
    }
    .tabs {
      display: flex;
      gap: 0.25rem;
      margin-bottom: 0.5rem;
    }
    button {
      font: inherit;
      padding: 0.4rem 0.9rem;
      border-radius: var(--ink-radius);
      border: 1px solid var(--ink-color-border);
      background: var(--ink-color-surface);
      color: var(--ink-color-text);
      cursor: pointer;
    }
    button[aria-pressed='true'] {
      background: var(--ink-color-text);
      color: var(--ink-color-surface);
    }
    button.primary {
      background: var(--ink-color-accent);
      border-color: var(--ink-color-accent);
      color: var(--ink-color-on-accent);
    }
    button.danger {
      color: var(--ink-color-danger);
    }
    button:disabled {
      opacity: 0.6;
      cursor: default;
    }
    .editor-toolbar button {
      padding: 0 0.4rem;
      min-width: 2rem;
      border: 1px solid transparent;
    }
    .editor-toolbar button svg {
      vertical-align: middle;
    }
    /* EasyMDE's own CSS paints black on white: both schemes come from the page's palette instead. */
    .editor-toolbar,
    .EasyMDEContainer .CodeMirror {
      border-color: var(--ink-color-border);
    }
    .EasyMDEContainer .CodeMirror {
      background: var(--ink-color-surface);
      color: var(--ink-color-text);
    }
    .EasyMDEContainer .CodeMirror-cursor {
      border-left-color: var(--ink-color-text);
    }
    .editor-toolbar button:hover,
    .editor-toolbar button.active {
      background: var(--ink-color-code-background);
      border-color: var(--ink-color-border);
    }
    .EasyMDEContainer .CodeMirror-selected,
    .EasyMDEContainer .CodeMirror-focused .CodeMirror-selected {
      background: var(--ink-color-code-background);
    }
    .EasyMDEContainer .cm-s-easymde .cm-comment {
      background: var(--ink-color-code-background);
    }
    .preview {
      min-height: 320px;
      padding: 0.5rem 1rem;
      border: 1px solid var(--ink-color-border);
      border-radius: var(--ink-radius);
      background: var(--ink-color-surface);
    }
    .preview h1.preview-title {
      margin-top: 0.5rem;
    }
    .bar {
      position: sticky;
      bottom: 0;
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.75rem;
      padding: 0.75rem 0;
      background: var(--ink-color-background);
      border-top: 1px solid var(--ink-color-border);
    }
    .status {
      flex: 1;
      color: var(--ink-color-muted);
    }
    .status[data-state='conflict'],
    .status[data-state='error'],
    .status[data-state='invalid'] {
      color: var(--ink-color-danger);
    }
    .notice {
      display: flex;
      gap: 1rem;
      align-items: center;
      padding: 0.75rem 1rem;
      border-radius: var(--ink-radius);
      background: var(--ink-color-notice-background);
      border: 1px solid var(--ink-color-notice-border);
    }
    .notice p {
      flex: 1;
      margin: 0;
    }
    .conflict {
      margin-bottom: 1rem;
      padding: 1rem;
      border: 2px solid var(--ink-color-danger);
      border-radius: var(--ink-radius);
      background: var(--ink-color-surface);
    }
    .conflict h2 {
      margin-top: 0;
      font-size: 1.2rem;
    }
    .versions {
      display: grid;
      grid-template-columns: 1fr 1fr;
      gap: 1rem;
    }
    .versions section {
      min-width: 0;
    }
    .versions pre {
      max-height: 16rem;
      overflow: auto;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      padding: 0.5rem;
      background: var(--ink-color-code-background);
      border-radius: var(--ink-radius);
    }
    .choices {
      display: flex;
      gap: 0.75rem;
      margin-top: 1rem;
    }
    dialog {
      background: var(--ink-color-surface);
      color: var(--ink-color-text);
      border: 1px solid var(--ink-color-border);
      border-radius: var(--ink-radius);
      max-width: 28rem;
    }
    dialog::backdrop {
      background: var(--ink-color-backdrop);
    }
    dialog .choices {
      justify-content: flex-end;
    }
  `,
];
