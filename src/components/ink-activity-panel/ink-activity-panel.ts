import { InkActivityPanel } from './ink-activity-panel.component.ts';

export * from './ink-activity-panel.component.ts';

customElements.define('ink-activity-panel', InkActivityPanel);

declare global {
  interface HTMLElementTagNameMap {
    'ink-activity-panel': InkActivityPanel;
  }
}
