import { InkPostCard } from './ink-post-card.component.ts';

customElements.define('ink-post-card', InkPostCard);

declare global {
  interface HTMLElementTagNameMap {
    'ink-post-card': InkPostCard;
  }
}
