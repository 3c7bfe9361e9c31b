/**
 * The errors the assets layer throws. Each has a stable `code` that src/app/errors.ts maps to what the
 * writer reads; SDK errors are wrapped (as `cause`) and never reach the screen.
 */

export type AssetErrorCode =
  | 'asset-empty'
  | 'asset-too-large'
  | 'asset-type-refused'
  | 'asset-svg-refused'
  | 'asset-mislabelled'
  | 'asset-upload-cancelled'
  | 'asset-upload-failed'
  | 'asset-save-failed'
  | 'asset-delete-failed';

export class AssetError extends Error {
  readonly code: AssetErrorCode;

  constructor(code: AssetErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AssetError';
    this.code = code;
  }
}

/** The writer cancelled the upload: not a failure to report, but it stops everything that awaits it. */
export function isCancelled(error: unknown): boolean {
  return error instanceof AssetError && error.code === 'asset-upload-cancelled';
}
