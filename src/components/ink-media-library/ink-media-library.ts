import {
  type InkAssetInsertEvent,
  type InkAssetRequestDeleteEvent,
  InkMediaLibrary,
} from './ink-media-library.component.ts';

export * from './ink-media-library.component.ts';

customElements.define('ink-media-library', InkMediaLibrary);

declare global {
  interface HTMLElementTagNameMap {
    'ink-media-library': InkMediaLibrary;
  }
  interface HTMLElementEventMap {
    'ink-asset-insert': InkAssetInsertEvent;
    'ink-asset-request-delete': InkAssetRequestDeleteEvent;
  }
}
