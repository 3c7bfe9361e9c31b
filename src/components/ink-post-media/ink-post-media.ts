import { InkPostMedia } from './ink-post-media.component.ts';

export * from './ink-post-media.component.ts';

customElements.define('ink-post-media', InkPostMedia);

declare global {
  interface HTMLElementTagNameMap {
    'ink-post-media': InkPostMedia;
  }
}
