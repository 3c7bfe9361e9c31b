import EasyMDE from 'easymde';
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { live } from 'lit/directives/live.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import type { PostField } from '../../data/post-errors.ts';
import { normalizeTags, POST_LIMITS, postProblems, slugify } from '../../data/post-rules.ts';
import { proseStyles } from '../../markdown/prose.styles.ts';
import { renderMarkdown } from '../../markdown/render.ts';
import { styles } from './ink-editor.styles.ts';

/** The fields the editor edits. */
export interface InkEditorFields {
  title: string;
  slug: string;
  excerpt: string;
  tags: string[];
  body: string;
}

export interface InkEditorConflict {
  theirs: InkEditorFields & { version: number; updatedAt: string };
  yours: InkEditorFields;
}

export interface InkEditorInputDetail {
  fields: InkEditorFields;
  /** True once the writer typed an address themselves: it no longer follows the title. */
  slugEdited: boolean;
}

/** The writer changed a field (user input only, never a property set from outside). */
export class InkEditorInputEvent extends CustomEvent<InkEditorInputDetail> {
  constructor(detail: InkEditorInputDetail) {
    super('ink-input', { detail, bubbles: true, composed: true });
  }
}

/** Asks permission to delete: cancel it to stop the deletion (the confirmation dialog then never opens). */
export class InkRequestDeleteEvent extends CustomEvent<Record<string, never>> {
  constructor() {
    super('ink-request-delete', { detail: {}, bubbles: true, composed: true, cancelable: true });
  }
}

function simpleEvent(name: string): CustomEvent<Record<string, never>> {
  return new CustomEvent(name, { detail: {}, bubbles: true, composed: true });
}

const TOOLBAR: EasyMDE.ToolbarIcon[] = [
  { name: 'bold', action: EasyMDE.toggleBold, className: 'bold', title: 'Bold', icon: '<b>B</b>' },
  { name: 'italic', action: EasyMDE.toggleItalic, className: 'italic', title: 'Italic', icon: '<i>I</i>' },
  {
    name: 'heading',
    action: EasyMDE.toggleHeadingSmaller,
    className: 'heading',
    title: 'Heading',
    icon: 'H',
  },
  { name: 'quote', action: EasyMDE.toggleBlockquote, className: 'quote', title: 'Quote', icon: '❝' },
  { name: 'code', action: EasyMDE.toggleCodeBlock, className: 'code', title: 'Code', icon: '&lt;/&gt;' },
  {
    name: 'unordered-list',
    action: EasyMDE.toggleUnorderedList,
    className: 'ul',
    title: 'Bulleted list',
    icon: '•',
  },
  {
    name: 'ordered-list',
    action: EasyMDE.toggleOrderedList,
    className: 'ol',
    title: 'Numbered list',
    // A picture, not the text "1.": a button's visible text must be part of its name (WCAG 2.5.3).
    icon: '<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" fill="currentColor"><path d="M2 2h1.5v5M1.5 7h3M1.5 10.5c0-1.5 3-1.5 3 0 0 1-3 2-3 3.5h3" fill="none" stroke="currentColor" stroke-width="1.2"/><rect x="7" y="3.5" width="9" height="2"/><rect x="7" y="11" width="9" height="2"/></svg>',
  },
  { name: 'link', action: EasyMDE.drawLink, className: 'link', title: 'Link', icon: 'Link' },
  { name: 'image', action: EasyMDE.drawImage, className: 'image', title: 'Image', icon: 'Image' },
  // Handled by the <ink-post-media> around the editor: uploading is not the editor's job.
  {
    name: 'upload-image',
    action: (editor) => requestFromToolbar(editor, 'ink-request-image-upload'),
    className: 'upload-image',
    title: 'Upload image',
    icon: 'Upload',
  },
  {
    name: 'media-library',
    action: (editor) => requestFromToolbar(editor, 'ink-request-media-library'),
    className: 'media-library',
    title: 'Media library',
    icon: 'Media',
  },
];

/**
 * While in the body, Tab indents (as writers of markdown lists expect). Esc, then Tab or Shift+Tab,
 * moves focus on as everywhere else on the page: no keyboard trap (WCAG 2.1.2). The hint under the body
 * says so.
 */
const LEAVE_KEYS = { Tab: false, 'Shift-Tab': false } as const;

/**
 * EasyMDE takes its buttons out of the tab order (tabindex -1), which leaves keyboard users without
 * the toolbar (and without the media library, which has no shortcut). It becomes an ARIA toolbar: one
 * Tab stop, arrow keys, Home and End between its buttons.
 * @see https://www.w3.org/WAI/ARIA/apg/patterns/toolbar/
 */
function makeToolbarKeyboardFriendly(toolbar: HTMLElement): void {
  toolbar.setAttribute('role', 'toolbar');
  toolbar.setAttribute('aria-label', 'Formatting');
  const buttons = [...toolbar.querySelectorAll<HTMLButtonElement>('button')];
  const focusButton = (index: number) => {
    buttons.forEach((button, i) => {
      button.tabIndex = i === index ? 0 : -1;
    });
    buttons[index]?.focus();
  };
  buttons.forEach((button, i) => {
    button.tabIndex = i === 0 ? 0 : -1;
  });
  toolbar.addEventListener('keydown', (event) => {
    const current = buttons.indexOf(event.target as HTMLButtonElement);
    if (current < 0) return;
    const next =
      event.key === 'ArrowRight'
        ? (current + 1) % buttons.length
        : event.key === 'ArrowLeft'
          ? (current - 1 + buttons.length) % buttons.length
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? buttons.length - 1
              : undefined;
    if (next === undefined) return;
    event.preventDefault();
    focusButton(next);
  });
}

function requestFromToolbar(editor: EasyMDE, name: string): void {
  editor.codemirror
    .getWrapperElement()
    .dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true }));
}

/**
 * The post editor: title, address (slug), tags, excerpt and a markdown body (EasyMDE), a preview through
 * the same renderer readers get, the save status, and publish / unpublish / delete. It holds no data
 * logic: it shows what it is given and says what the writer did.
 *
 * @event ink-input - {@link InkEditorInputEvent}: the writer changed a field.
 * @event ink-publish - Publish (or update the published post).
 * @event ink-unpublish - Take the post off the site.
 * @event ink-request-delete - {@link InkRequestDeleteEvent}, cancelable: Delete was clicked. Unless
 *   cancelled, a confirmation dialog opens; confirming fires `ink-delete`.
 * @event ink-delete - The writer confirmed the deletion.
 * @event ink-keep-mine - In a conflict: save this window's version over the other.
 * @event ink-take-theirs - In a conflict: continue from the other version.
 * @event ink-dismiss-notice - The notice was dismissed.
 *
 * @csspart status - The save status line.
 */
export class InkEditor extends LitElement {
  static override styles = [proseStyles, ...styles];
  static override properties = {
    fields: { attribute: false },
    revision: { type: Number },
    slugEdited: { type: Boolean, attribute: 'slug-edited' },
    state: {},
    statusText: { attribute: 'status-text' },
    problem: {},
    published: { type: Boolean },
    pendingChanges: { type: Boolean, attribute: 'pending-changes' },
    busy: { type: Boolean },
    exists: { type: Boolean },
    postUrl: { attribute: 'post-url' },
    conflict: { attribute: false },
    notice: {},
    previewing: { state: true },
    tagsText: { state: true },
  };

  /** The fields to show; the editor reads them again whenever `revision` changes. */
  declare fields: InkEditorFields;
  /** Bump to make the editor take `fields` (a load, a restored copy, "take theirs"). */
  declare revision: number;
  declare slugEdited: boolean;
  /** The save state (`saved`, `saving`, `local`, `offline`, `conflict`, `invalid`, `error`, `new`). */
  declare state: string;
  declare statusText: string;
  /** Why the last save did not happen. */
  declare problem: string | undefined;
  declare published: boolean;
  /** Published, with saved changes readers do not see yet. */
  declare pendingChanges: boolean;
  declare busy: boolean;
  /** The post is stored (so it can be deleted). */
  declare exists: boolean;
  declare postUrl: string | undefined;
  declare conflict: InkEditorConflict | undefined;
  declare notice: string | undefined;
  declare protected previewing: boolean;
  declare protected tagsText: string;

  #mde: EasyMDE | undefined;
  #applying = false;
  #loadedRevision = -1;

  constructor() {
    super();
    this.fields = { title: '', slug: '', excerpt: '', tags: [], body: '' };
    this.revision = 0;
    this.slugEdited = false;
    this.state = 'new';
    this.statusText = '';
    this.problem = undefined;
    this.published = false;
    this.pendingChanges = false;
    this.busy = false;
    this.exists = false;
    this.postUrl = undefined;
    this.conflict = undefined;
    this.notice = undefined;
    this.previewing = false;
    this.tagsText = '';
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#mde?.toTextArea();
    this.#mde?.cleanup();
    this.#mde = undefined;
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('revision') && this.revision !== this.#loadedRevision) {
      this.tagsText = this.fields.tags.join(', ');
    }
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('conflict') && this.conflict && !changed.get('conflict')) this.#showConflict();
    const host = this.renderRoot.querySelector<HTMLElement>('.body-editor');
    if (host && !this.#mde) this.#createEditor(host);
    if (this.revision !== this.#loadedRevision) {
      this.#loadedRevision = this.revision;
      if (this.#mde && this.#mde.value() !== this.fields.body) {
        this.#applying = true;
        this.#mde.value(this.fields.body);
        this.#applying = false;
      }
    }
  }

  #createEditor(host: HTMLElement): void {
    // EasyMDE wraps its textarea in its own elements: it lives in a container Lit never renders into.
    const textarea = document.createElement('textarea');
    textarea.setAttribute('aria-label', 'Body (markdown)');
    host.append(textarea);
    this.#mde = new EasyMDE({
      element: textarea,
      initialValue: this.fields.body,
      autoDownloadFontAwesome: false,
      spellChecker: false,
      status: false,
      toolbar: TOOLBAR,
      minHeight: '320px',
      placeholder: 'Write in markdown…',
      // Never used (the toolbar has no preview button), but if it were, it would be the readers' renderer.
      previewRender: (text: string) => renderMarkdown(text),
      shortcuts: { togglePreview: null, toggleSideBySide: null, toggleFullScreen: null },
    });
    const codemirror = this.#mde.codemirror;
    codemirror.on('change', () => {
      if (this.#applying) return;
      this.#emit({ ...this.fields, body: this.#mde!.value() });
    });
    // CodeMirror types into a textarea of its own, not the one it was given: that one needs the name.
    const input = codemirror.getInputField();
    input.setAttribute('aria-labelledby', 'body-label');
    input.setAttribute('aria-describedby', 'body-hint');
    const toolbar = host.querySelector<HTMLElement>('.editor-toolbar');
    if (toolbar) makeToolbarKeyboardFriendly(toolbar);
    // A key map value of `false` leaves the key to the browser, so Tab then moves focus.
    let leaving = false;
    const stopLeaving = () => {
      if (leaving) codemirror.removeKeyMap(LEAVE_KEYS);
      leaving = false;
    };
    codemirror.addKeyMap({
      Esc: () => {
        if (!leaving) codemirror.addKeyMap(LEAVE_KEYS);
        leaving = true;
      },
    });
    codemirror.on('keydown', (_editor, event) => {
      if (event.key !== 'Escape' && event.key !== 'Tab' && event.key !== 'Shift') stopLeaving();
    });
    codemirror.on('blur', stopLeaving);
  }

  /**
   * The panel appears above the form while the writer types at the bottom: focus goes to it (so it is
   * on screen and read out), and their own version shows where they were typing, its end.
   */
  #showConflict(): void {
    const panel = this.renderRoot.querySelector<HTMLElement>('.conflict');
    panel?.focus();
    const yours = panel?.querySelector<HTMLElement>('section.yours pre');
    if (yours) yours.scrollTop = yours.scrollHeight;
  }

  #resolveConflict(name: 'ink-keep-mine' | 'ink-take-theirs'): void {
    this.dispatchEvent(simpleEvent(name));
    // The panel goes away: the writer carries on where they were.
    this.#mde?.codemirror.focus();
  }

  /** Inserts markdown at the cursor (an uploaded image), as if the writer had typed it. */
  insertMarkdown(markdown: string): void {
    const codemirror = this.#mde?.codemirror;
    if (!codemirror) return;
    codemirror.replaceSelection(markdown);
    codemirror.focus();
  }

  /**
   * The preview's HTML, rendered once per body: rendering a long post takes a long task, and the
   * editor re-renders on every status change and keystroke in the other fields while previewing.
   */
  #preview: { body: string; html: string } | undefined;

  #previewOf(body: string): string {
    if (this.#preview?.body !== body) this.#preview = { body, html: renderMarkdown(body) };
    return this.#preview.html;
  }

  #emit(fields: InkEditorFields, slugEdited = this.slugEdited): void {
    this.fields = fields;
    this.slugEdited = slugEdited;
    this.dispatchEvent(new InkEditorInputEvent({ fields, slugEdited }));
  }

  #onTitle(event: Event): void {
    const title = (event.target as HTMLInputElement).value;
    const followTitle = !this.slugEdited && !this.published;
    this.#emit({ ...this.fields, title, ...(followTitle ? { slug: slugify(title) } : {}) });
  }

  #onSlug(event: Event): void {
    const slug = (event.target as HTMLInputElement).value.trim();
    this.#emit({ ...this.fields, slug }, true);
  }

  #onTags(event: Event): void {
    this.tagsText = (event.target as HTMLInputElement).value;
    this.#emit({ ...this.fields, tags: normalizeTags(this.tagsText) });
  }

  #onExcerpt(event: Event): void {
    this.#emit({ ...this.fields, excerpt: (event.target as HTMLTextAreaElement).value });
  }

  #requestDelete(): void {
    if (!this.dispatchEvent(new InkRequestDeleteEvent())) return;
    this.renderRoot.querySelector<HTMLDialogElement>('dialog')?.showModal();
  }

  #confirmDelete(): void {
    this.renderRoot.querySelector<HTMLDialogElement>('dialog')?.close();
    this.dispatchEvent(simpleEvent('ink-delete'));
  }

  #problems(): Map<PostField, string> {
    const shown = new Map<PostField, string>();
    for (const problem of postProblems(this.fields)) {
      // An empty title or address is only a problem once a save was attempted.
      const empty =
        problem.field === 'title' ? !this.fields.title.trim() : problem.field === 'slug' && !this.fields.slug;
      if (empty && this.state !== 'invalid') continue;
      if (!shown.has(problem.field)) shown.set(problem.field, problem.message);
    }
    return shown;
  }

  override render() {
    const problems = this.#problems();
    const problem = (field: PostField) =>
      problems.has(field)
        ? html`<p class="problem" id="${field}-problem">${problems.get(field)}</p>`
        : nothing;
    const invalid = (field: PostField) => (problems.has(field) ? 'true' : 'false');
    const inConflict = this.conflict !== undefined;
    return html`
      ${
        this.notice
          ? html`<div class="notice" role="note">
            <p>${this.notice}</p>
            <button type="button" @click=${() => this.dispatchEvent(simpleEvent('ink-dismiss-notice'))}>Dismiss</button>
          </div>`
          : nothing
      }
      ${this.conflict ? this.#renderConflict(this.conflict) : nothing}
      <form @submit=${(event: Event) => event.preventDefault()}>
        <div>
          <label for="title">Title</label>
          <input
            id="title"
            class="title"
            name="title"
            autocomplete="off"
            maxlength=${POST_LIMITS.titleMax + 50}
            .value=${live(this.fields.title)}
            aria-invalid=${invalid('title')}
            aria-describedby="title-problem"
            @input=${this.#onTitle}
          />
          ${problem('title')}
        </div>
        <div>
          <label for="slug">Address</label>
          <div class="slug">
            <span aria-hidden="true">/posts/</span>
            <input
              id="slug"
              name="slug"
              autocomplete="off"
              spellcheck="false"
              .value=${live(this.fields.slug)}
              ?readonly=${this.published}
              aria-invalid=${invalid('slug')}
              aria-describedby="slug-hint slug-problem"
              @input=${this.#onSlug}
            />
          </div>
          <p class="hint" id="slug-hint">
            ${
              this.published
                ? 'A published post keeps its address, so links to it keep working.'
                : this.slugEdited
                  ? 'Lowercase letters, digits and dashes.'
                  : 'Follows the title until you change it.'
            }
          </p>
          ${problem('slug')}
        </div>
        <div>
          <label for="tags">Tags</label>
          <input
            id="tags"
            name="tags"
            autocomplete="off"
            spellcheck="false"
            placeholder="aws, web-components"
            .value=${live(this.tagsText)}
            aria-invalid=${invalid('tags')}
            aria-describedby="tags-hint tags-problem"
            @input=${this.#onTags}
          />
          <p class="hint" id="tags-hint">Up to ${POST_LIMITS.tagsMax}, separated by commas.</p>
          ${problem('tags')}
        </div>
        <div>
          <label for="excerpt">Excerpt</label>
          <textarea
            id="excerpt"
            name="excerpt"
            rows="2"
            .value=${live(this.fields.excerpt)}
            aria-invalid=${invalid('excerpt')}
            aria-describedby="excerpt-count excerpt-problem"
            @input=${this.#onExcerpt}
          ></textarea>
          <span class="count" id="excerpt-count">${[...this.fields.excerpt].length} / ${POST_LIMITS.excerptMax}</span>
          ${problem('excerpt')}
        </div>
        <div>
          <div class="tabs" role="group" aria-label="Body view">
            <span class="label" id="body-label">Body</span>
            <button type="button" aria-pressed=${this.previewing ? 'false' : 'true'} @click=${() => (this.previewing = false)}>
              Write
            </button>
            <button type="button" aria-pressed=${this.previewing ? 'true' : 'false'} @click=${() => (this.previewing = true)}>
              Preview
            </button>
          </div>
          <div class="body-editor" ?hidden=${this.previewing}></div>
          <p class="hint" id="body-hint" ?hidden=${this.previewing}>
            Tab indents. To move on with the keyboard, press Esc, then Tab (or Shift+Tab to go back).
          </p>
          ${
            this.previewing
              ? html`<article class="preview" aria-label="Preview">
                <h1 class="preview-title">${this.fields.title}</h1>
                <div class="prose">${unsafeHTML(this.#previewOf(this.fields.body))}</div>
              </article>`
              : nothing
          }
        </div>
      </form>
      <div class="bar">
        <span class="status" part="status" role="status" aria-live="polite" data-state=${this.state}
          >${this.problem ? `${this.statusText}: ${this.problem}` : this.statusText}</span
        >
        ${this.published && this.postUrl ? html`<a href=${this.postUrl}>View post</a>` : nothing}
        ${
          this.published
            ? html`<button type="button" ?disabled=${this.busy || inConflict} @click=${() => this.dispatchEvent(simpleEvent('ink-unpublish'))}>
              Unpublish
            </button>`
            : nothing
        }
        <button
          type="button"
          class="danger"
          ?disabled=${this.busy || !this.exists}
          @click=${this.#requestDelete}
        >
          Delete
        </button>
        <button
          type="button"
          class="primary"
          ?disabled=${this.busy || inConflict || (this.published && !this.pendingChanges)}
          @click=${() => this.dispatchEvent(simpleEvent('ink-publish'))}
        >
          ${this.published ? 'Update published post' : 'Publish'}
        </button>
      </div>
      <dialog aria-labelledby="delete-title">
        <h2 id="delete-title">Delete this post?</h2>
        <p>
          ${this.published ? 'It will disappear from the site and ' : 'It '}will be deleted for good, with its
          saved versions. This cannot be undone.
        </p>
        <div class="choices">
          <button type="button" @click=${() => this.renderRoot.querySelector('dialog')?.close()}>Cancel</button>
          <button type="button" class="danger" @click=${this.#confirmDelete}>Delete</button>
        </div>
      </dialog>
    `;
  }

  #renderConflict(conflict: InkEditorConflict) {
    const version = (label: string, fields: InkEditorFields, meta: string) =>
      html`<section class=${label.toLowerCase()} aria-label=${label}>
        <h3>${label}</h3>
        <p class="hint">${meta}</p>
        <p><strong>${fields.title}</strong></p>
        <pre>${fields.body}</pre>
      </section>`;
    return html`<div class="conflict" role="alert" tabindex="-1" aria-labelledby="conflict-title">
      <h2 id="conflict-title">This post was changed in another window</h2>
      <p>Nothing was overwritten. Choose which version to keep.</p>
      <div class="versions">
        ${version(
          'Theirs',
          conflict.theirs,
          `Saved ${new Date(conflict.theirs.updatedAt).toLocaleString()} (version ${conflict.theirs.version})`,
        )}
        ${version('Yours', conflict.yours, 'In this window, kept on this device')}
      </div>
      <div class="choices">
        <button type="button" class="primary" ?disabled=${this.busy} @click=${() => this.#resolveConflict('ink-keep-mine')}>
          Keep mine
        </button>
        <button type="button" ?disabled=${this.busy} @click=${() => this.#resolveConflict('ink-take-theirs')}>
          Take theirs
        </button>
      </div>
    </div>`;
  }
}
