/** Structured log lines (one JSON object each), as CloudWatch Logs Insights and local logs read them. */
export interface PublisherLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function jsonLog(write: (line: string) => void = (line) => console.log(line)): PublisherLog {
  const at =
    (level: string) =>
    (message: string, fields: Record<string, unknown> = {}) =>
      write(
        JSON.stringify({
          level,
          service: 'publisher',
          message,
          timestamp: new Date().toISOString(),
          ...fields,
        }),
      );
  return { info: at('INFO'), warn: at('WARN'), error: at('ERROR') };
}

export const silentLog: PublisherLog = { info() {}, warn() {}, error() {} };

/** One readable line per entry, for a terminal (`npm start`). */
export function textLog(write: (line: string) => void): PublisherLog {
  const at =
    (level: string) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      const details = Object.entries(fields)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      write(`publisher${level === 'INFO' ? '' : ` ${level}`}: ${message}${details ? ` (${details})` : ''}`);
    };
  return { info: at('INFO'), warn: at('WARN'), error: at('ERROR') };
}
