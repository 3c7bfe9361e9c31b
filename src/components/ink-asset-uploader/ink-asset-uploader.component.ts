import { ContextConsumer } from '@lit/context';
import { html, LitElement, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { awsSessionContext } from '../../app/contexts.ts';
import { describeError } from '../../app/errors.ts';
import type { AwsSession } from '../../aws/aws-session.ts';
import { isCancelled } from '../../data/asset-errors.ts';
import {
  type Asset,
  assetMarkdown,
  assetStoreFor,
  sweepAbandonedUploads,
  type UploadPhase,
  uploadAsset,
} from '../../data/assets.ts';
import {
  discardUpload,
  isSameFile,
  listUnfinishedUploads,
  type UnfinishedUpload,
} from '../../data/unfinished-uploads.ts';
import { styles } from './ink-asset-uploader.styles.ts';

export interface InkAssetUploadedDetail {
  asset: Asset;
  /** `![alt](url)`, ready to insert into a post. */
  markdown: string;
}

/** An image finished uploading and is in the writer's media library. */
export class InkAssetUploadedEvent extends CustomEvent<InkAssetUploadedDetail> {
  constructor(detail: InkAssetUploadedDetail) {
    super('ink-asset-uploaded', { detail, bubbles: true, composed: true });
  }
}

type ItemState = UploadPhase | 'done' | 'error' | 'cancelled';

interface UploadItem {
  id: number;
  name: string;
  state: ItemState;
  sentBytes: number;
  totalBytes: number;
  resumedParts: number;
  message: string;
  controller: AbortController;
}

/** The image files in a paste or a drop (other items, such as text, are left to the editor). */
export function imageFilesFrom(transfer: DataTransfer | null | undefined): File[] {
  return [...(transfer?.files ?? [])].filter((file) => file.type.startsWith('image/') || file.type === '');
}

const megabytes = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

/**
 * Uploads images to the writer's S3 prefix and lists them with a progress bar each and a Cancel button.
 * Files are checked before anything is sent; large files go up in parts and resume where they stopped
 * when the same file is added again (after a network failure or a reload). At start it aborts the
 * writer's uploads abandoned for more than a day.
 *
 * Uploads a reload interrupted are listed with how far they got: Resume asks for the same file again
 * (checked to be the same), Discard aborts the upload in S3.
 *
 * Give it files with `upload(files)` (paste, drop), or let the writer pick them with `browse()`.
 *
 * @event ink-asset-uploaded - {@link InkAssetUploadedEvent}: an image is uploaded and recorded.
 *
 * @csspart item - One file's row (`data-state`: checking, uploading, waiting, saving, done, error, cancelled).
 * @csspart progress - A file's progress bar.
 */
export class InkAssetUploader extends LitElement {
  static override styles = styles;
  static override properties = {
    items: { state: true },
    unfinished: { state: true },
    unfinishedProblem: { state: true },
  };

  declare items: UploadItem[];
  /** Uploads a reload or a closed tab interrupted (from the journal). */
  declare unfinished: UnfinishedUpload[];
  declare unfinishedProblem: string;
  #resuming: UnfinishedUpload | undefined;
  #nextId = 1;
  #sweptFor: AwsSession | undefined;
  #browseTags: readonly string[] = [];
  readonly #session = new ContextConsumer(this, {
    context: awsSessionContext,
    subscribe: true,
    callback: (session) => this.#sweep(session),
  });

  constructor() {
    super();
    this.items = [];
    this.unfinished = [];
    this.unfinishedProblem = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.#session.value) this.#sweep(this.#session.value);
  }

  /** Opens the file picker; the files picked are uploaded with `tags`. */
  browse(options: { tags?: readonly string[] } = {}): void {
    this.#browseTags = options.tags ?? [];
    this.#resuming = undefined;
    this.renderRoot.querySelector<HTMLInputElement>('input[type="file"]')?.click();
  }

  /** Checks and uploads each file; resolves with the assets that made it (failures are shown in the list). */
  async upload(files: Iterable<File>, options: { tags?: readonly string[] } = {}): Promise<Asset[]> {
    const session = this.#session.value;
    const started = [...files].map((file) => this.#uploadOne(session, file, options.tags ?? []));
    const results = await Promise.all(started);
    return results.filter((asset): asset is Asset => asset !== undefined);
  }

  async #uploadOne(
    session: AwsSession | undefined,
    file: File,
    tags: readonly string[],
  ): Promise<Asset | undefined> {
    const item: UploadItem = {
      id: this.#nextId++,
      name: file.name,
      state: 'checking',
      sentBytes: 0,
      totalBytes: file.size,
      resumedParts: 0,
      message: '',
      controller: new AbortController(),
    };
    this.items = [...this.items, item];
    // The same file again, however it came (Resume, a drop, the picker): it is no longer unfinished here.
    this.unfinished = this.unfinished.filter((upload) => !isSameFile(upload, file));
    const update = (changes: Partial<UploadItem>) => {
      Object.assign(item, changes);
      this.items = [...this.items];
    };
    try {
      if (!session) throw new Error('no session');
      const asset = await uploadAsset(assetStoreFor(session), file, {
        tags,
        signal: item.controller.signal,
        onProgress: (p) =>
          update({
            state: p.phase,
            sentBytes: p.sentBytes,
            totalBytes: p.totalBytes,
            resumedParts: p.resumedParts,
          }),
      });
      update({ state: 'done', sentBytes: file.size });
      this.dispatchEvent(new InkAssetUploadedEvent({ asset, markdown: assetMarkdown(asset) }));
      return asset;
    } catch (error) {
      if (isCancelled(error)) update({ state: 'cancelled', message: 'Cancelled.' });
      else update({ state: 'error', message: describeError(error) });
      return undefined;
    }
  }

  #sweep(session: AwsSession | undefined): void {
    if (!session?.user || this.#sweptFor === session) return;
    this.#sweptFor = session;
    // Housekeeping: a failure here only means the sweep runs again next time.
    const store = assetStoreFor(session);
    sweepAbandonedUploads(store)
      .catch((error: unknown) => console.warn('upload sweep', error))
      .then(() => listUnfinishedUploads(store))
      .then((unfinished) => {
        this.unfinished = unfinished;
      })
      .catch((error: unknown) => console.warn('unfinished uploads', error));
  }

  #resume(upload: UnfinishedUpload): void {
    this.#resuming = upload;
    this.unfinishedProblem = '';
    // The one file input: a second would be one more control with the same job.
    this.renderRoot.querySelector<HTMLInputElement>('input[type="file"]')?.click();
  }

  #pickedForResume(upload: UnfinishedUpload, file: File | undefined): void {
    this.#resuming = undefined;
    if (!file) return;
    if (!isSameFile(upload, file)) {
      this.unfinishedProblem = `“${file.name}” is not the file this upload started with: pick “${upload.file.name}” (${megabytes(upload.file.size)}) again.`;
      return;
    }
    void this.upload([file]);
  }

  async #discard(upload: UnfinishedUpload): Promise<void> {
    const session = this.#session.value;
    if (!session) return;
    this.unfinishedProblem = '';
    try {
      await discardUpload(assetStoreFor(session), upload.id);
      this.unfinished = this.unfinished.filter((other) => other !== upload);
    } catch (error) {
      this.unfinishedProblem = describeError(error);
    }
  }

  #renderUnfinished() {
    if (this.unfinished.length === 0 && !this.unfinishedProblem) return nothing;
    return html`<section class="unfinished" aria-labelledby="unfinished-title">
      <h2 id="unfinished-title">Unfinished uploads</h2>
      ${this.unfinishedProblem ? html`<p class="problem" role="alert">${this.unfinishedProblem}</p>` : nothing}
      <ul aria-label="Unfinished uploads">
        ${this.unfinished.map(
          (upload) => html`<li aria-label=${upload.file.name}>
            <span class="name">${upload.file.name}</span>
            <span class="status">${megabytes(upload.sentBytes)} of ${megabytes(upload.file.size)} uploaded</span>
            <button type="button" @click=${() => this.#resume(upload)}>Resume</button>
            <button type="button" @click=${() => this.#discard(upload)}>Discard</button>
          </li>`,
        )}
      </ul>
    </section>`;
  }

  #cancel(item: UploadItem): void {
    item.controller.abort(new DOMException('The writer cancelled the upload', 'AbortError'));
  }

  #dismiss(item: UploadItem): void {
    this.items = this.items.filter((other) => other !== item);
  }

  #picked(event: Event): void {
    const input = event.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    if (this.#resuming) this.#pickedForResume(this.#resuming, files[0]);
    else void this.upload(files, { tags: this.#browseTags });
  }

  #statusText(item: UploadItem): string {
    const progress = `${megabytes(item.sentBytes)} of ${megabytes(item.totalBytes)}`;
    switch (item.state) {
      case 'checking':
        return 'Checking…';
      case 'uploading':
        return item.resumedParts > 0 ? `Resumed: ${progress}` : `Uploading: ${progress}`;
      case 'waiting':
        return `Connection lost, retrying: ${progress}`;
      case 'saving':
        return 'Adding to your media library…';
      case 'done':
        return 'Uploaded.';
      default:
        return item.message;
    }
  }

  override render() {
    const active = (state: ItemState) => !['done', 'error', 'cancelled'].includes(state);
    return html`<input type="file" accept="image/png,image/jpeg,image/gif,image/webp,image/avif" multiple
        aria-label="Choose images to upload" @change=${this.#picked} />
      ${this.#renderUnfinished()}
      ${
        this.items.length === 0
          ? nothing
          : html`<ul aria-label="Uploads">
          ${repeat(
            this.items,
            (item) => item.id,
            (item) => html`<li part="item" data-state=${item.state} aria-label=${item.name}>
              <span class="name">${item.name}</span>
              ${
                active(item.state)
                  ? html`<button type="button" @click=${() => this.#cancel(item)}>Cancel</button>`
                  : html`<button type="button" @click=${() => this.#dismiss(item)}>Dismiss</button>`
              }
              ${
                item.state === 'error' || item.state === 'cancelled'
                  ? nothing
                  : html`<progress part="progress" max=${item.totalBytes || 1} value=${item.sentBytes}
                      aria-label=${`Upload of ${item.name}`}></progress>`
              }
              <span class="status" role=${item.state === 'error' ? 'alert' : 'status'}>${this.#statusText(item)}</span>
            </li>`,
          )}
        </ul>`
      }`;
  }
}
