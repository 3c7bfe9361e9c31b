import { InkEditor } from './ink-editor.component.ts';

customElements.define('ink-editor', InkEditor);

declare global {
  interface HTMLElementTagNameMap {
    'ink-editor': InkEditor;
  }
}
