/**
 * A small progress renderer for long operator runs: one redrawn line on a terminal, and a plain line
 * every few seconds when output goes to a file or CI log (where `\r` redraws would be noise).
 */
export interface Progress {
  /** Adds to the count done. */
  tick(amount?: number): void;
  /** Sets the count done (e.g. when resuming from a checkpoint). */
  set(done: number): void;
  /** The total may be unknown at first (a scan) and learned later. */
  setTotal(total: number | undefined): void;
  finish(message?: string): void;
}

export interface ProgressOptions {
  label: string;
  total?: number;
  stream?: NodeJS.WriteStream;
  /** Plain-line interval when the stream is not a terminal. */
  intervalMs?: number;
}

const format = (n: number) => n.toLocaleString('en-US');

export function formatProgress(
  label: string,
  done: number,
  total: number | undefined,
  elapsedMs: number,
): string {
  const rate = elapsedMs > 0 ? (done / elapsedMs) * 1000 : 0;
  const rateText = `${format(Math.round(rate))}/s`;
  if (!total) return `${label} ${format(done)} ${rateText}`;
  const ratio = Math.min(1, done / total);
  const width = 24;
  const filled = Math.round(ratio * width);
  const eta = rate > 0 && done < total ? ` ETA ${Math.ceil((total - done) / rate)}s` : '';
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${format(done)}/${format(total)} ${rateText}${eta}`;
}

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = Boolean(stream.isTTY);
  const started = Date.now();
  let done = 0;
  let total = options.total;
  let lastDraw = 0;
  const draw = (force = false) => {
    const now = Date.now();
    // Redrawing on every item would cost more than the work on a fast run: 10 frames a second at most.
    if (!force && now - lastDraw < (tty ? 100 : (options.intervalMs ?? 5000))) return;
    lastDraw = now;
    const line = formatProgress(options.label, done, total, now - started);
    stream.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
  };
  return {
    tick(amount = 1) {
      done += amount;
      draw();
    },
    set(value) {
      done = value;
      draw();
    },
    setTotal(value) {
      total = value;
    },
    finish(message) {
      draw(true);
      if (tty) stream.write('\n');
      if (message) stream.write(`${message}\n`);
    },
  };
}

/** For library calls and tests: progress that goes nowhere. */
export const silentProgress: Progress = { tick() {}, set() {}, setTotal() {}, finish() {} };
