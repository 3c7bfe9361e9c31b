import { ContextConsumer } from '@lit/context';
import { Task } from '@lit/task';
import { html, LitElement, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { awsSessionContext } from '../../app/contexts.ts';
import { describeError } from '../../app/errors.ts';
import type { AwsSession } from '../../aws/aws-session.ts';
import {
  type Asset,
  assetMarkdown,
  assetStoreFor,
  deleteAsset,
  listAssets,
  setAssetTags,
} from '../../data/assets.ts';
import { styles } from './ink-media-library.styles.ts';

export interface InkAssetInsertDetail {
  asset: Asset;
  /** `![alt](url)`, ready to insert into a post. */
  markdown: string;
}

/** The writer chose an image to put into the post. */
export class InkAssetInsertEvent extends CustomEvent<InkAssetInsertDetail> {
  constructor(detail: InkAssetInsertDetail) {
    super('ink-asset-insert', { detail, bubbles: true, composed: true });
  }
}

/** Asks permission to delete an image (object and metadata): cancel it to keep the image. */
export class InkAssetRequestDeleteEvent extends CustomEvent<{ asset: Asset }> {
  constructor(asset: Asset) {
    super('ink-asset-request-delete', { detail: { asset }, bubbles: true, composed: true, cancelable: true });
  }
}

const kilobytes = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;

/**
 * The writer's media library, in a modal dialog: their images newest first, a tag search, and for each
 * image Insert (into the post) and Delete (the image and its library entry, after a confirmation).
 *
 * @event ink-asset-insert - {@link InkAssetInsertEvent}: Insert was clicked; the dialog closes.
 * @event ink-asset-request-delete - {@link InkAssetRequestDeleteEvent}, cancelable: Delete was
 *   confirmed; unless cancelled the image is deleted.
 * @event ink-close - The dialog closed.
 */
export class InkMediaLibrary extends LitElement {
  static override styles = styles;
  static override properties = {
    open: { type: Boolean, reflect: true },
    tag: { state: true },
    pages: { state: true },
    confirming: { state: true },
    tagging: { state: true },
    problem: { state: true },
  };

  /** Whether the dialog is shown. */
  declare open: boolean;
  declare tag: string;
  /** Cursors of the pages shown after the first ("Load more"). */
  declare pages: string[];
  declare confirming: string | undefined;
  /** The asset whose tags are being edited. */
  declare tagging: string | undefined;
  declare problem: string;
  readonly #session = new ContextConsumer(this, { context: awsSessionContext, subscribe: true });
  #reloads = 0;

  constructor() {
    super();
    this.open = false;
    this.tag = '';
    this.pages = [];
    this.confirming = undefined;
    this.tagging = undefined;
    this.problem = '';
  }

  readonly #assets = new Task(this, {
    args: () => [this.#session.value, this.open, this.tag, this.pages, this.#reloads] as const,
    task: async ([session, open, tag, pages]: readonly [
      AwsSession | undefined,
      boolean,
      string,
      string[],
      number,
    ]) => {
      if (!session || !open) return { assets: [] as Asset[], next: undefined as string | undefined };
      const store = assetStoreFor(session);
      const assets: Asset[] = [];
      let next: string | undefined;
      for (const cursor of [undefined, ...pages]) {
        const page = await listAssets(store, { ...(tag ? { tag } : {}), ...(cursor ? { cursor } : {}) });
        assets.push(...page.assets);
        next = page.next;
      }
      return { assets, next };
    },
  });

  /** Lists the library again (after an upload, say). */
  refresh(): void {
    this.#reloads += 1;
    void this.#assets.run();
  }

  protected override updated(): void {
    const dialog = this.renderRoot.querySelector('dialog');
    if (!dialog) return;
    if (this.open && !dialog.open) dialog.showModal();
    if (!this.open && dialog.open) dialog.close();
  }

  #close(): void {
    this.open = false;
    this.confirming = undefined;
    this.dispatchEvent(new CustomEvent('ink-close', { bubbles: true, composed: true }));
  }

  #search(event: SubmitEvent): void {
    event.preventDefault();
    const input = (event.target as HTMLFormElement).elements.namedItem('tag') as HTMLInputElement;
    this.tag = input.value.trim().replace(/^#/, '');
    this.pages = [];
  }

  #insert(asset: Asset): void {
    this.dispatchEvent(new InkAssetInsertEvent({ asset, markdown: assetMarkdown(asset) }));
    this.#close();
  }

  async #delete(asset: Asset): Promise<void> {
    this.confirming = undefined;
    const session = this.#session.value;
    if (!session || !this.dispatchEvent(new InkAssetRequestDeleteEvent(asset))) return;
    this.problem = '';
    try {
      await deleteAsset(assetStoreFor(session), asset);
    } catch (error) {
      this.problem = describeError(error);
    }
    this.refresh();
  }

  async #saveTags(event: SubmitEvent, asset: Asset): Promise<void> {
    event.preventDefault();
    const input = (event.target as HTMLFormElement).elements.namedItem('tags') as HTMLInputElement;
    const session = this.#session.value;
    this.tagging = undefined;
    if (!session) return;
    this.problem = '';
    try {
      await setAssetTags(assetStoreFor(session), asset, input.value.split(','));
    } catch (error) {
      this.problem = describeError(error);
    }
    this.refresh();
  }

  #renderAsset(asset: Asset) {
    const confirming = this.confirming === asset.assetId;
    if (asset.pending) return this.#renderPending(asset, confirming);
    return html`<li data-asset-id=${asset.assetId} aria-label=${asset.name}>
      <img src=${asset.url} alt=${asset.alt} loading="lazy" />
      <span class="meta">${asset.name} · ${kilobytes(asset.size)} · ${asset.uploadedAt.slice(0, 10)}</span>
      ${
        asset.tags.length
          ? html`<span>${asset.tags.map(
              (tag) =>
                html`<button type="button" class="tag" @click=${() => {
                  this.tag = tag;
                  this.pages = [];
                }}>#${tag}</button>`,
            )}</span>`
          : nothing
      }
      ${
        this.tagging === asset.assetId
          ? html`<form @submit=${(event: SubmitEvent) => this.#saveTags(event, asset)}>
              <input name="tags" aria-label=${`Tags of ${asset.name}`} placeholder="harbour, boats"
                .value=${asset.tags.join(', ')} />
              <button type="submit">Save tags</button>
            </form>`
          : nothing
      }
      <span class="actions">
        ${
          confirming
            ? html`<button type="button" class="danger" @click=${() => this.#delete(asset)}>Yes, delete</button>
              <button type="button" @click=${() => {
                this.confirming = undefined;
              }}>Keep</button>`
            : html`<button type="button" @click=${() => this.#insert(asset)}>Insert</button>
              <button type="button" @click=${() => {
                this.tagging = asset.assetId;
              }}>Tags</button>
              <button type="button" class="danger" @click=${() => {
                this.confirming = asset.assetId;
              }}>Delete</button>`
        }
      </span>
    </li>`;
  }

  /** An upload that did not finish: nothing to insert; add the file again to finish it, or delete it. */
  #renderPending(asset: Asset, confirming: boolean) {
    return html`<li data-asset-id=${asset.assetId} aria-label=${asset.name} data-pending>
      <span class="meta">${asset.name} · ${kilobytes(asset.size)} · upload not finished: add the file again to finish it</span>
      <span class="actions">
        ${
          confirming
            ? html`<button type="button" class="danger" @click=${() => this.#delete(asset)}>Yes, delete</button>
              <button type="button" @click=${() => {
                this.confirming = undefined;
              }}>Keep</button>`
            : html`<button type="button" class="danger" @click=${() => {
                this.confirming = asset.assetId;
              }}>Delete</button>`
        }
      </span>
    </li>`;
  }

  override render() {
    return html`<dialog aria-labelledby="title" @close=${() => this.open && this.#close()}>
      <header>
        <h2 id="title">Media library</h2>
        <button type="button" @click=${this.#close}>Close</button>
      </header>
      <form class="search" role="search" @submit=${this.#search}>
        <input name="tag" type="search" placeholder="Tag" aria-label="Search by tag" .value=${this.tag} />
        <button type="submit">Search</button>
        ${
          this.tag
            ? html`<button type="button" @click=${() => {
                this.tag = '';
                this.pages = [];
              }}>All images</button>`
            : nothing
        }
      </form>
      ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : nothing}
      ${this.#assets.render({
        pending: () => html`<p aria-busy="true">Loading images…</p>`,
        error: (error) => html`<p class="error" role="alert">${describeError(error)}</p>`,
        complete: ({ assets, next }) =>
          assets.length === 0
            ? html`<p>${this.tag ? `No images tagged #${this.tag}.` : 'No images yet. Paste or drop one into a post.'}</p>`
            : html`<ul aria-label="Images">${repeat(
                assets,
                (a) => a.assetId,
                (a) => this.#renderAsset(a),
              )}</ul>
                ${
                  next
                    ? html`<p><button type="button" @click=${() => {
                        this.pages = [...this.pages, next];
                      }}>Load more</button></p>`
                    : nothing
                }`,
      })}
    </dialog>`;
  }
}
