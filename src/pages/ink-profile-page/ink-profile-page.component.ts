import { ContextConsumer } from '@lit/context';
import { Task } from '@lit/task';
import { html, LitElement, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { awsSessionContext } from '../../app/contexts.ts';
import { describeError } from '../../app/errors.ts';
import type { AwsSession } from '../../aws/aws-session.ts';
import { sitePaths } from '../../core/site/paths.ts';
import { defaultHandle, isClaimableHandle } from '../../core/site/site-model.ts';
import type { Asset } from '../../data/assets.ts';
import {
  getMyProfile,
  type HandleClaim,
  handleClaim,
  normalizeHandle,
  PROFILE_LIMITS,
  type ProfileErrorCode,
  type ProfileField,
  type ProfileInput,
  type ProfileStore,
  ProfileValidationError,
  profileProblems,
  profileStoreFor,
  saveProfile,
} from '../../data/profiles.ts';
import { pageStyles } from '../page.styles.ts';
import { setPageMeta } from '../page-meta.ts';
import { styles } from './ink-profile-page.styles.ts';
import '../../components/ink-asset-uploader/ink-asset-uploader.ts';
import '../../components/ink-media-library/ink-media-library.ts';
import './ink-your-data.ts';
import type { InkAssetUploader } from '../../components/ink-asset-uploader/ink-asset-uploader.component.ts';

/** What each rule's code means to the writer. */
const MESSAGES: Record<ProfileErrorCode, string> = {
  'handle-length': `Use ${PROFILE_LIMITS.handleMin} to ${PROFILE_LIMITS.handleMax} characters.`,
  'handle-characters': 'Use only lowercase letters a–z, digits and dashes.',
  'handle-dash-edge': 'A handle cannot start or end with a dash.',
  'handle-double-dash': 'A handle cannot have two dashes in a row.',
  'handle-reserved': 'Handles starting with “u-” are reserved. Pick another.',
  'display-name-missing': 'Enter the name readers see.',
  'display-name-too-long': `Use at most ${PROFILE_LIMITS.displayNameMax} characters.`,
  'bio-too-long': `Use at most ${PROFILE_LIMITS.bioMax} characters.`,
  'avatar-not-url': 'Upload an image to use as your avatar.',
  'avatar-not-own': 'Use an image you uploaded yourself.',
};

/** How often, and for how long, the page asks whether the publisher granted the handle. */
const POLL_EVERY_MS = 1000;
const POLL_FOR_MS = 120_000;

type Outcome =
  | { state: 'idle' }
  | { state: 'saving' }
  | { state: 'pending'; handle: string }
  | { state: 'granted'; handle: string }
  | { state: 'taken'; handle: string; kept: string }
  | { state: 'slow'; handle: string }
  | { state: 'error'; message: string };

interface Loaded {
  userId: string;
  store: ProfileStore;
  /** The handle the author's pages are at now. */
  held: string;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * The writer's profile at `/profile`: the handle their pages live at (`/@handle`), the name and bio
 * readers see, and an avatar uploaded like any image. Saving only asks for the handle: the publisher
 * grants it to the first author who asked (docs/security.md), so after a save the page polls the
 * handle's public claim and says whether the page is live or the handle belongs to someone else.
 */
export class InkProfilePage extends LitElement {
  static override styles = [pageStyles, styles];
  static override properties = {
    fields: { state: true },
    problems: { state: true },
    outcome: { state: true },
    libraryOpen: { state: true },
    accountDeleted: { state: true },
  };

  declare fields: ProfileInput;
  declare problems: Partial<Record<ProfileField, string>>;
  declare outcome: Outcome;
  declare libraryOpen: boolean;
  /** Set once "Your data" deleted everything and signed out: what the signed-out page then says. */
  declare accountDeleted: boolean;
  #poll: AbortController | undefined;
  readonly #session = new ContextConsumer(this, { context: awsSessionContext, subscribe: true });

  constructor() {
    super();
    this.fields = { handle: '', displayName: '', bio: '', avatar: '' };
    this.problems = {};
    this.outcome = { state: 'idle' };
    this.libraryOpen = false;
    this.accountDeleted = false;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#poll?.abort();
  }

  readonly #load = new Task(this, {
    args: () => [this.#session.value, this.#session.value?.user?.sub] as const,
    task: async ([session, sub]: readonly [AwsSession | undefined, string | undefined]) => {
      if (!session || !sub) return undefined;
      this.#poll?.abort();
      const store = profileStoreFor(session);
      const userId = await session.identityId();
      const profile = await getMyProfile(store, userId);
      let held = defaultHandle(userId);
      let claim: HandleClaim | undefined;
      if (profile?.handle && isClaimableHandle(profile.handle)) {
        // Not knowing yet is no reason to withhold the form: the claim is asked again below.
        claim = await handleClaim(store, userId, profile.handle).catch((): HandleClaim => 'pending');
        if (claim === 'granted') held = profile.handle;
      }
      this.fields = {
        handle: profile?.handle ?? '',
        displayName: profile?.displayName || session.user?.name || '',
        bio: profile?.bio ?? '',
        avatar: profile?.avatar ?? '',
      };
      this.problems = {};
      this.outcome =
        profile?.handle && claim === 'granted'
          ? { state: 'granted', handle: profile.handle }
          : profile?.handle && claim === 'taken'
            ? { state: 'taken', handle: profile.handle, kept: held }
            : { state: 'idle' };
      const loaded: Loaded = { userId, store, held };
      // Reloaded while the publisher had not answered: keep asking.
      const asked = profile?.handle;
      if (asked && claim === 'pending') queueMicrotask(() => void this.#awaitClaim(loaded, asked));
      return loaded;
    },
  });

  #set(field: ProfileField, value: string): void {
    this.fields = { ...this.fields, [field]: value };
    if (this.problems[field]) {
      const { [field]: _, ...rest } = this.problems;
      this.problems = rest;
    }
  }

  async #submit(event: SubmitEvent, loaded: Loaded): Promise<void> {
    event.preventDefault();
    if (this.outcome.state === 'saving') return;
    const found = profileProblems(this.fields, {
      userId: loaded.userId,
      assetBaseUrl: loaded.store.assetBaseUrl,
    });
    if (found.length) return this.#showProblems(found);
    this.#poll?.abort();
    this.outcome = { state: 'saving' };
    let handle: string;
    try {
      handle = (await saveProfile(loaded.store, loaded.userId, this.fields)).handle;
    } catch (error) {
      if (error instanceof ProfileValidationError) {
        this.outcome = { state: 'idle' };
        return this.#showProblems([error]);
      }
      this.outcome = { state: 'error', message: describeError(error) };
      return;
    }
    this.fields = { ...this.fields, handle };
    await this.#awaitClaim(loaded, handle);
  }

  /** Asks the publisher's claim file until it names an owner (or it is clearly slow). */
  async #awaitClaim(loaded: Loaded, handle: string): Promise<void> {
    const poll = new AbortController();
    this.#poll = poll;
    this.outcome = { state: 'pending', handle };
    const until = Date.now() + POLL_FOR_MS;
    while (!poll.signal.aborted) {
      let claim: HandleClaim;
      try {
        claim = await handleClaim(loaded.store, loaded.userId, handle);
      } catch {
        claim = 'pending'; // a failed look is only a look: ask again
      }
      if (poll.signal.aborted) return;
      if (claim === 'granted') {
        loaded.held = handle;
        this.outcome = { state: 'granted', handle };
        return;
      }
      if (claim === 'taken') {
        this.outcome = { state: 'taken', handle, kept: loaded.held };
        await this.#restoreHeld(loaded);
        return;
      }
      if (Date.now() > until) {
        this.outcome = { state: 'slow', handle };
        return;
      }
      await sleep(POLL_EVERY_MS, poll.signal);
    }
  }

  /**
   * The loser keeps the handle they had: the stored profile names it again, so whatever reads the
   * profile (the write page's links, this page next time) finds the handle the pages are really at.
   */
  async #restoreHeld(loaded: Loaded): Promise<void> {
    if (!isClaimableHandle(loaded.held)) return; // a default handle needs no claim
    try {
      await saveProfile(loaded.store, loaded.userId, { ...this.fields, handle: loaded.held });
    } catch (error) {
      console.warn('profile: could not restore the held handle', error);
    }
  }

  #showProblems(problems: ProfileValidationError[]): void {
    const next: Partial<Record<ProfileField, string>> = {};
    for (const problem of problems) next[problem.field] ??= MESSAGES[problem.code];
    this.problems = next;
    const first = problems[0]?.field;
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLElement>(`[data-field="${first}"]`)?.focus(),
    );
  }

  #avatarPicked(asset: Asset): void {
    this.#set('avatar', asset.url);
  }

  override render() {
    setPageMeta({ title: 'Profile', description: 'Your handle, name, bio and avatar on Inkwell.' });
    const session = this.#session.value;
    if (session && !session.user) {
      return html`<h1>Profile</h1>
        ${
          this.accountDeleted
            ? html`<p role="status" id="account-deleted">
                Your account data is deleted and you are signed out. Your pages leave the site within a minute.
              </p>`
            : nothing
        }
        <p>Sign in to choose your handle, name, bio and avatar.</p>`;
    }
    return html`<h1>Profile</h1>
      ${this.#load.render({
        pending: () => html`<p aria-busy="true">Loading your profile…</p>`,
        error: (error) => html`<p class="error" role="alert">${describeError(error)}</p>`,
        complete: (loaded) => (loaded ? this.#renderForm(loaded) : nothing),
      })}`;
  }

  #renderOutcome() {
    const o = this.outcome;
    switch (o.state) {
      case 'saving':
        return 'Saving…';
      case 'pending':
        return `Saved. Waiting for @${o.handle} to be granted…`;
      case 'granted':
        return html`Your page is live at <a href=${sitePaths.author(o.handle)}>/@${o.handle}</a>`;
      case 'taken':
        return html`That handle is taken: pick another. Your pages stay at
          <a href=${sitePaths.author(o.kept)}>/@${o.kept}</a>.`;
      case 'slow':
        return `@${o.handle} is not granted yet: the publisher has not caught up. Your page moves once it does.`;
      case 'error':
        return o.message;
      default:
        return nothing;
    }
  }

  #renderForm(loaded: Loaded) {
    const invalid = (field: ProfileField) => (this.problems[field] ? 'true' : 'false');
    const problem = (field: ProfileField) =>
      html`<p class="problem" id="${field}-problem">${this.problems[field] ?? ''}</p>`;
    const taken =
      this.outcome.state === 'taken' && normalizeHandle(this.fields.handle) === this.outcome.handle;
    const saving = this.outcome.state === 'saving';
    return html`<form novalidate @submit=${(event: SubmitEvent) => void this.#submit(event, loaded)}>
        <div>
          <label for="handle">Handle</label>
          <div class="handle">
            <span aria-hidden="true">@</span>
            <input
              id="handle"
              data-field="handle"
              name="handle"
              autocomplete="username"
              autocapitalize="none"
              spellcheck="false"
              maxlength=${PROFILE_LIMITS.handleMax + 10}
              .value=${live(this.fields.handle)}
              aria-invalid=${this.problems.handle || taken ? 'true' : 'false'}
              aria-describedby="handle-hint handle-problem${taken ? ' outcome' : ''}"
              @input=${(e: InputEvent) => this.#set('handle', (e.target as HTMLInputElement).value)}
            />
          </div>
          <p class="hint" id="handle-hint">
            Your page’s address: /@handle. ${PROFILE_LIMITS.handleMin}–${PROFILE_LIMITS.handleMax} lowercase
            letters, digits and single dashes. The first author to ask for a handle gets it, and keeps it.
            Now at /@${loaded.held}.
          </p>
          ${problem('handle')}
        </div>
        <div>
          <label for="displayName">Display name</label>
          <input
            id="displayName"
            data-field="displayName"
            name="displayName"
            autocomplete="name"
            .value=${live(this.fields.displayName)}
            aria-invalid=${invalid('displayName')}
            aria-describedby="displayName-problem"
            @input=${(e: InputEvent) => this.#set('displayName', (e.target as HTMLInputElement).value)}
          />
          ${problem('displayName')}
        </div>
        <div>
          <label for="bio">Bio</label>
          <textarea
            id="bio"
            data-field="bio"
            name="bio"
            rows="3"
            .value=${live(this.fields.bio)}
            aria-invalid=${invalid('bio')}
            aria-describedby="bio-count bio-problem"
            @input=${(e: InputEvent) => this.#set('bio', (e.target as HTMLTextAreaElement).value)}
          ></textarea>
          <p class="count" id="bio-count">${this.fields.bio.trim().length} / ${PROFILE_LIMITS.bioMax}</p>
          ${problem('bio')}
        </div>
        <fieldset aria-describedby="avatar-problem">
          <legend>Avatar</legend>
          <div class="avatar">
            ${this.fields.avatar ? html`<img src=${this.fields.avatar} alt="Your avatar" />` : html`<span>No avatar.</span>`}
            <button
              type="button"
              data-field="avatar"
              aria-describedby="avatar-problem"
              @click=${() => this.renderRoot.querySelector<InkAssetUploader>('ink-asset-uploader')?.browse({ tags: ['avatar'] })}
            >
              Upload avatar
            </button>
            <button type="button" @click=${() => (this.libraryOpen = true)}>Choose from media library</button>
            ${this.fields.avatar ? html`<button type="button" @click=${() => this.#set('avatar', '')}>Remove avatar</button>` : nothing}
          </div>
          ${problem('avatar')}
          <ink-asset-uploader
            @ink-asset-uploaded=${(e: CustomEvent<{ asset: Asset }>) => this.#avatarPicked(e.detail.asset)}
          ></ink-asset-uploader>
        </fieldset>
        <div>
          <button type="submit" ?disabled=${saving}>Save profile</button>
        </div>
      </form>
      <p class="outcome" id="outcome" role="status" aria-live="polite" data-state=${this.outcome.state}>${this.#renderOutcome()}</p>
      <ink-media-library
        .open=${this.libraryOpen}
        @ink-asset-insert=${(e: CustomEvent<{ asset: Asset }>) => {
          this.#avatarPicked(e.detail.asset);
          this.libraryOpen = false;
        }}
        @ink-close=${() => {
          this.libraryOpen = false;
        }}
      ></ink-media-library>
      <ink-your-data
        @ink-account-deleted=${() => {
          this.accountDeleted = true;
        }}
      ></ink-your-data>`;
  }
}
