import { InkPostList } from './ink-post-list.component.ts';

customElements.define('ink-post-list', InkPostList);

declare global {
  interface HTMLElementTagNameMap {
    'ink-post-list': InkPostList;
  }
}
