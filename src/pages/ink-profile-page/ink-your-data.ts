/**
 * "Your data" on /profile: download everything the signed-in user owns as a zip, or delete it all
 * (src/data/account.ts), with their own credentials. The delete lists what goes and what happens to
 * their comments on other people's posts, asks for DELETE to be typed, shows progress, can be run
 * again after a failure (it finishes what is left), and then signs out and forgets the device's copies.
 */
import { ContextConsumer } from '@lit/context';
import { css, html, LitElement, nothing } from 'lit';
import { awsSessionContext } from '../../app/contexts.ts';
import { describeError } from '../../app/errors.ts';
import { forgetUser } from '../../app/forget-user.ts';
import { sweepStaleUploads } from '../../aws/multipart-upload.ts';
import { indexedDbJournal } from '../../aws/upload-journal.ts';
import {
  type AccountInventory,
  accountStoreFor,
  type DeleteProgress,
  deleteAccountData,
  type ExportProgress,
  exportAccount,
  inventoryAccount,
} from '../../data/account.ts';

/** What must be typed to confirm. */
export const DELETE_CONFIRMATION = 'DELETE';

type Download =
  | { state: 'idle' }
  | { state: 'running'; progress: ExportProgress }
  | { state: 'done'; items: number; files: number }
  | { state: 'error'; message: string };

type Removal =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'confirm'; inventory: AccountInventory }
  | { state: 'running'; inventory: AccountInventory; progress: DeleteProgress }
  | { state: 'error'; inventory: AccountInventory; message: string; progress?: DeleteProgress };

/** Fired (bubbling, composed) once the data is deleted and the user signed out. */
export class InkAccountDeletedEvent extends Event {
  constructor() {
    super('ink-account-deleted', { bubbles: true, composed: true });
  }
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

export class InkYourData extends LitElement {
  static override styles = css`
    :host {
      display: block;
      margin-top: 2.5rem;
      border-top: 1px solid var(--ink-color-border, #ccc);
    }
    button,
    input {
      font: inherit;
    }
    input {
      padding: 0.4rem 0.5rem;
      border: 1px solid var(--ink-color-border, #ccc);
      border-radius: var(--ink-radius, 6px);
    }
    .danger {
      color: #fff;
      background: var(--ink-color-danger, #b00020);
      border: 1px solid var(--ink-color-danger, #b00020);
      border-radius: var(--ink-radius, 6px);
      padding: 0.3rem 0.8rem;
    }
    .danger[disabled] {
      opacity: 0.5;
    }
    section {
      margin-top: 1.5rem;
    }
    .error {
      color: var(--ink-color-danger, #b00020);
    }
  `;
  static override properties = {
    download: { state: true },
    removal: { state: true },
    typed: { state: true },
  };

  declare download: Download;
  declare removal: Removal;
  declare typed: string;
  readonly #session = new ContextConsumer(this, { context: awsSessionContext, subscribe: true });

  constructor() {
    super();
    this.download = { state: 'idle' };
    this.removal = { state: 'idle' };
    this.typed = '';
  }

  #store() {
    const session = this.#session.value;
    if (!session?.user) throw new Error('Sign in first.');
    return { session, store: accountStoreFor(session) };
  }

  async #download(): Promise<void> {
    if (this.download.state === 'running') return;
    this.download = { state: 'running', progress: { phase: 'items', items: 0, files: 0, bytes: 0 } };
    try {
      const { session, store } = this.#store();
      const userId = await session.identityId();
      let last: ExportProgress = { phase: 'items', items: 0, files: 0, bytes: 0 };
      const zip = await exportAccount(store, userId, {
        onProgress: (progress) => {
          last = progress;
          this.download = { state: 'running', progress };
        },
      });
      const url = URL.createObjectURL(zip);
      const link = document.createElement('a');
      link.href = url;
      link.download = `inkwell-data-${new Date().toISOString().slice(0, 10)}.zip`;
      link.hidden = true;
      this.renderRoot.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      this.download = { state: 'done', items: last.items, files: last.files };
    } catch (error) {
      this.download = { state: 'error', message: describeError(error) };
    }
  }

  async #askToDelete(): Promise<void> {
    this.removal = { state: 'loading' };
    this.typed = '';
    try {
      const { session, store } = this.#store();
      this.removal = {
        state: 'confirm',
        inventory: await inventoryAccount(store, await session.identityId()),
      };
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('#confirm-delete')?.focus();
    } catch (error) {
      this.removal = { state: 'idle' };
      this.download = { state: 'error', message: describeError(error) };
    }
  }

  async #delete(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const current = this.removal;
    if (current.state !== 'confirm' && current.state !== 'error') return;
    if (this.typed.trim() !== DELETE_CONFIRMATION) return;
    const { inventory } = current;
    let progress: DeleteProgress = { phase: 'items', items: 0, uncounted: 0, files: 0 };
    this.removal = { state: 'running', inventory, progress };
    try {
      const { session, store } = this.#store();
      const userId = await session.identityId();
      await deleteAccountData(store, userId, {
        onProgress: (next) => {
          progress = next;
          this.removal = { state: 'running', inventory, progress };
        },
      });
      const journal = typeof indexedDB === 'undefined' ? undefined : indexedDbJournal();
      // Uploads this device left unfinished are parts in S3 no listing shows: abort them (best effort;
      // the bucket's lifecycle rule aborts any left after a week).
      if (journal) {
        await sweepStaleUploads({ s3: session.clients().s3, journal, owner: userId, maxAgeMs: -1 }).catch(
          () => 0,
        );
      }
      await forgetUser(
        { local: localStorage, session: sessionStorage, ...(journal ? { journal } : {}) },
        userId,
      );
      this.dispatchEvent(new InkAccountDeletedEvent());
      await session.signOut({ endProviderSession: false });
    } catch (error) {
      this.removal = { state: 'error', inventory, message: describeError(error), progress };
    }
  }

  override render() {
    if (!this.#session.value?.user) return nothing;
    return html`<h2>Your data</h2>
      <section aria-labelledby="download-heading">
        <h3 id="download-heading">Download</h3>
        <p>
          A zip of everything you stored: your posts (drafts included) and comments as JSON, your profile,
          every image you uploaded, and a README.txt that lists it all.
        </p>
        <button type="button" ?disabled=${this.download.state === 'running'} @click=${() => void this.#download()}>
          Download my data
        </button>
        <p role="status" aria-live="polite" class=${this.download.state === 'error' ? 'error' : ''}>
          ${this.#renderDownload()}
        </p>
      </section>
      <section aria-labelledby="delete-heading">
        <h3 id="delete-heading">Delete</h3>
        ${this.#renderRemoval()}
      </section>`;
  }

  #renderDownload() {
    const d = this.download;
    switch (d.state) {
      case 'running':
        return d.progress.phase === 'items'
          ? `Preparing your download: ${plural(d.progress.items, 'item')} read…`
          : `Preparing your download: ${plural(d.progress.files, 'file')} added…`;
      case 'done':
        return `Your download is ready: ${plural(d.items, 'item')} and ${plural(d.files, 'file')}.`;
      case 'error':
        return `The download could not be made: ${d.message}`;
      default:
        return nothing;
    }
  }

  #renderRemoval() {
    const r = this.removal;
    if (r.state === 'idle' || r.state === 'loading') {
      return html`<p>Delete your posts, drafts, comments, likes, images and profile from Inkwell.</p>
        <button type="button" class="danger" ?disabled=${r.state === 'loading'} @click=${() => void this.#askToDelete()}>
          Delete my account data…
        </button>
        ${r.state === 'loading' ? html`<p aria-busy="true">Counting what you have…</p>` : nothing}`;
    }
    const { summary, files } = r.inventory;
    const running = r.state === 'running';
    return html`<div id="delete-summary">
        <p>This deletes, for good:</p>
        <ul>
          <li>${plural(summary.posts, 'post')} (${summary.published} published, ${plural(summary.drafts, 'draft')}), with their pages, feed and sitemap entries</li>
          <li>${plural(summary.commentsOnOthers + summary.commentsOnOwn, 'comment')} you wrote, ${summary.commentsOnOthers} of them on other people’s posts</li>
          <li>${plural(summary.likes, 'like')}</li>
          <li>${plural(files, 'uploaded file')} (${plural(summary.images, 'image')} in your media library)</li>
          <li>${summary.profile ? 'your profile and your author page' : 'your author page'}</li>
        </ul>
        <p>
          Your comments on other people’s posts are removed from those posts and their comment counts go
          down. Replies other people wrote to your comments stay (they are their words), under a “deleted
          comment” placeholder. Comments others wrote on your posts stay in their own accounts. Your
          handle stays reserved, so nobody else can take over your old links. Download your data first
          if you want a copy.
        </p>
      </div>
      <form @submit=${(event: SubmitEvent) => void this.#delete(event)}>
        <label for="confirm-delete">Type ${DELETE_CONFIRMATION} to confirm</label>
        <input
          id="confirm-delete"
          autocomplete="off"
          autocapitalize="characters"
          spellcheck="false"
          .value=${this.typed}
          ?disabled=${running}
          @input=${(e: InputEvent) => {
            this.typed = (e.target as HTMLInputElement).value;
          }}
        />
        <button type="submit" class="danger" ?disabled=${running || this.typed.trim() !== DELETE_CONFIRMATION}>
          ${r.state === 'error' ? 'Delete what is left' : 'Delete my account data'}
        </button>
        <button type="button" ?disabled=${running} @click=${() => {
          this.removal = { state: 'idle' };
        }}>Cancel</button>
      </form>
      <p role="status" aria-live="polite" id="delete-status" class=${r.state === 'error' ? 'error' : ''}>
        ${r.state === 'running' ? this.#describeProgress(r.progress) : nothing}
        ${
          r.state === 'error'
            ? `The delete stopped: ${r.message} What was deleted stays deleted; delete again to finish the rest.`
            : nothing
        }
      </p>`;
  }

  #describeProgress(progress: DeleteProgress) {
    if (progress.phase === 'items') return `Deleting… ${plural(progress.items, 'item')} deleted.`;
    if (progress.phase === 'files') return `Deleting files… ${plural(progress.files, 'file')} deleted.`;
    return 'Deleted. Signing you out…';
  }
}

customElements.define('ink-your-data', InkYourData);

declare global {
  interface HTMLElementTagNameMap {
    'ink-your-data': InkYourData;
  }
  interface HTMLElementEventMap {
    'ink-account-deleted': InkAccountDeletedEvent;
  }
}
