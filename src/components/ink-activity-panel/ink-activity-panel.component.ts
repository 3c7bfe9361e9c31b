import { ContextConsumer } from '@lit/context';
import { html, LitElement, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { awsSessionContext } from '../../app/contexts.ts';
import type { ActivityEntry, ActivityLog } from '../../aws/activity-log.ts';
import { styles } from './ink-activity-panel.styles.ts';

const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  fractionalSecondDigits: 3,
  hour12: false,
});

/** Newest rows shown; the log itself keeps its own limit. */
const MAX_ROWS = 100;

/**
 * A collapsible panel listing the AWS calls this tab made, newest first: time, service, operation,
 * latency, attempts, DynamoDB consumed capacity and error code. Calls AWS throttled are counted in the
 * summary and marked ⚠ in their row, even when a retry then succeeded. Reads the session's activity log from
 * `awsSessionContext`. Each row carries `data-service` and `data-operation` (e.g. `Query`).
 *
 * @csspart summary - The always-visible line that opens and closes the panel.
 * @csspart table - The table of calls.
 */
export class InkActivityPanel extends LitElement {
  static override styles = styles;
  static override properties = {
    open: { type: Boolean, reflect: true },
    entries: { state: true },
  };

  /** Whether the list is shown. */
  declare open: boolean;
  declare protected entries: readonly ActivityEntry[];

  #unsubscribe: (() => void) | undefined;
  #log: ActivityLog | undefined;
  readonly #session = new ContextConsumer(this, {
    context: awsSessionContext,
    subscribe: true,
    callback: (session) => this.#follow(session?.activity),
  });

  constructor() {
    super();
    this.open = false;
    this.entries = [];
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.#log && !this.#unsubscribe) this.#follow(this.#log);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  #follow(log: ActivityLog | undefined): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#log = log;
    if (log) {
      this.#unsubscribe = log.subscribe((entries) => {
        this.entries = entries;
      });
    }
  }

  override render() {
    if (!this.#session.value) return nothing;
    const entries = this.entries;
    const failures = entries.filter((entry) => entry.errorCode).length;
    const throttled = entries.filter((entry) => entry.throttled).length;
    const rows = entries.slice(-MAX_ROWS).reverse();
    return html`<details ?open=${this.open} @toggle=${this.#onToggle}>
      <summary part="summary">
        AWS activity: ${entries.length} ${entries.length === 1 ? 'call' : 'calls'}
        ${failures ? html`<span class="badge" title="Failed calls">${failures} failed</span>` : nothing}
        ${
          throttled
            ? html`<span class="badge throttled" title="Calls AWS throttled (retried with backoff)">${throttled} throttled</span>`
            : nothing
        }
      </summary>
      <div class="body">
        ${
          rows.length === 0
            ? html`<p class="empty">No AWS calls yet.</p>`
            : html`<table part="table">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Service</th>
                  <th scope="col">Operation</th>
                  <th scope="col">ms</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Capacity</th>
                  <th scope="col">Error</th>
                </tr>
              </thead>
              <tbody>
                ${repeat(
                  rows,
                  (entry) => entry.id,
                  (entry) => this.#row(entry),
                )}
              </tbody>
            </table>`
        }
        <button type="button" @click=${this.#clear} ?disabled=${entries.length === 0}>Clear</button>
      </div>
    </details>`;
  }

  #row(entry: ActivityEntry) {
    const classes = [entry.errorCode ? 'failed' : '', entry.throttled ? 'throttled' : ''].join(' ').trim();
    const attemptsTitle = [
      entry.totalRetryDelayMs ? `${entry.totalRetryDelayMs} ms backoff` : '',
      entry.throttled ? 'throttled' : '',
      entry.credentialsRefreshed ? 'retried with new credentials' : '',
    ]
      .filter(Boolean)
      .join(', ');
    return html`<tr class=${classes} data-service=${entry.service} data-operation=${entry.operation}>
      <td><time datetime=${new Date(entry.startedAt).toISOString()}>${timeFormat.format(entry.startedAt)}</time></td>
      <td>${entry.service}</td>
      <td>${entry.operation}</td>
      <td class="number">${entry.ms}</td>
      <td class="number attempts" title=${attemptsTitle}>${entry.attempts}${entry.throttled ? ' ⚠' : ''}</td>
      <td class="number">${entry.consumedCapacity ?? ''}</td>
      <td>${entry.errorCode ?? ''}</td>
    </tr>`;
  }

  #onToggle(event: Event): void {
    this.open = (event.currentTarget as HTMLDetailsElement).open;
  }

  #clear(): void {
    this.#log?.clear();
  }
}
