import { html, LitElement } from 'lit';
import '../ink-asset-uploader/ink-asset-uploader.ts';
import '../ink-media-library/ink-media-library.ts';
import { type InkAssetUploader, imageFilesFrom } from '../ink-asset-uploader/ink-asset-uploader.component.ts';
import { styles } from './ink-post-media.styles.ts';

/** What the slotted editor offers: inserting markdown at its cursor, and the post's tags. */
interface MarkdownTarget extends Element {
  insertMarkdown(markdown: string): void;
  fields?: { tags?: readonly string[] };
}

const isMarkdownTarget = (element: Element): element is MarkdownTarget =>
  typeof (element as Partial<MarkdownTarget>).insertMarkdown === 'function';

/**
 * Images for the post editor it wraps: images pasted or dropped onto the editor are uploaded (with a
 * progress list) and their markdown inserted at the cursor; the editor toolbar's "Upload image" picks
 * files and "Media library" reuses an image uploaded before. The editor handles only text: image files
 * never reach it.
 *
 * @slot - The editor: an element with `insertMarkdown(markdown)` (`<ink-editor>`).
 * @event ink-request-image-upload - Listened for from the editor's toolbar: opens the file picker.
 * @event ink-request-media-library - Listened for from the editor's toolbar: opens the library.
 */
export class InkPostMedia extends LitElement {
  static override styles = styles;
  static override properties = {
    libraryOpen: { state: true },
    dragging: { type: Boolean, reflect: true },
  };

  declare libraryOpen: boolean;
  /** Files are being dragged over the editor. */
  declare dragging: boolean;

  readonly #onPaste = (event: ClipboardEvent) => this.#take(event, imageFilesFrom(event.clipboardData));
  readonly #onDrop = (event: DragEvent) => {
    this.dragging = false;
    this.#take(event, imageFilesFrom(event.dataTransfer));
  };
  readonly #onDragOver = (event: DragEvent) => {
    if (!event.dataTransfer?.types.includes('Files')) return;
    // Accepting the drag is what makes the browser deliver `drop` here rather than open the file.
    event.preventDefault();
    this.dragging = true;
  };
  readonly #onDragLeave = () => {
    this.dragging = false;
  };
  readonly #onBrowse = () => this.#uploader()?.browse({ tags: this.#editor()?.fields?.tags ?? [] });
  readonly #onLibrary = () => {
    this.libraryOpen = true;
  };

  constructor() {
    super();
    this.libraryOpen = false;
    this.dragging = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Capture: the editor (CodeMirror) would otherwise take the paste or drop first, as text.
    this.addEventListener('paste', this.#onPaste, { capture: true });
    this.addEventListener('drop', this.#onDrop, { capture: true });
    this.addEventListener('dragover', this.#onDragOver, { capture: true });
    this.addEventListener('dragleave', this.#onDragLeave);
    this.addEventListener('ink-request-image-upload', this.#onBrowse);
    this.addEventListener('ink-request-media-library', this.#onLibrary);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('paste', this.#onPaste, { capture: true });
    this.removeEventListener('drop', this.#onDrop, { capture: true });
    this.removeEventListener('dragover', this.#onDragOver, { capture: true });
    this.removeEventListener('dragleave', this.#onDragLeave);
    this.removeEventListener('ink-request-image-upload', this.#onBrowse);
    this.removeEventListener('ink-request-media-library', this.#onLibrary);
  }

  /** Uploads images, tagged with the post's tags, and inserts them into the editor (as paste and drop do). */
  upload(files: Iterable<File>): void {
    void this.#uploader()?.upload(files, { tags: this.#editor()?.fields?.tags ?? [] });
  }

  #editor(): MarkdownTarget | undefined {
    return [...this.children].find(isMarkdownTarget);
  }

  #take(event: Event, files: File[]): void {
    if (files.length === 0) return;
    event.preventDefault();
    event.stopPropagation();
    this.upload(files);
  }

  #uploader(): InkAssetUploader | null {
    return this.renderRoot.querySelector('ink-asset-uploader');
  }

  #insert(markdown: string): void {
    this.#editor()?.insertMarkdown(`\n${markdown}\n`);
    this.renderRoot.querySelector('ink-media-library')?.refresh();
  }

  override render() {
    return html`<slot class="dropzone"></slot>
      <ink-asset-uploader
        @ink-asset-uploaded=${(event: CustomEvent<{ markdown: string }>) => this.#insert(event.detail.markdown)}
      ></ink-asset-uploader>
      <ink-media-library
        .open=${this.libraryOpen}
        @ink-asset-insert=${(event: CustomEvent<{ markdown: string }>) => this.#insert(event.detail.markdown)}
        @ink-close=${() => {
          this.libraryOpen = false;
        }}
      ></ink-media-library>`;
  }
}
