/**
 * What the user reads when something fails. Errors the app can explain carry a stable `code`; anything
 * else (a raw SDK or network error) gets a generic message, and its details go to the console only.
 */
const MESSAGES: Record<string, string> = {
  'config-invalid': 'Inkwell is not configured correctly (config.json).',
  'invalid-cursor': 'This page link is not valid any more. Start again from the first page.',
  'not-found': 'Nothing here: the post may have been unpublished or deleted.',
  'access-denied': 'You are not allowed to do that.',
  network: 'Inkwell cannot reach AWS right now. Check your connection and try again.',
  unavailable: 'AWS did not answer as expected. Please try again in a moment.',
  busy: 'AWS is busy right now and asked Inkwell to slow down. Nothing was changed; please try again in a moment.',
  'post-conflict': 'This post was changed in another window. Choose which version to keep.',
  // post-invalid, post-too-large, slug-taken and post-state carry their own, field-specific message.
  'asset-upload-cancelled': 'Upload cancelled.',
  // The other asset-* codes (src/data/asset-errors.ts) carry their own message, naming the file.
};

export function describeError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    const message = (error as Error).message;
    return MESSAGES[code] ?? message;
  }
  if (error instanceof TypeError && /fetch|network/i.test(error.message)) return MESSAGES.network!;
  console.error(error);
  return 'Something went wrong. Please try again.';
}
