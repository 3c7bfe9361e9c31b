import type { Pluggable } from '@smithy/types';

/**
 * A plugin applied to every client, whatever its operations' input and output types. A middleware
 * stack is invariant in those, so no one concrete type fits all clients; the SDK types its own
 * cross-client plugins (getLoggerPlugin, getRetryPlugin) the same way.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above; the middlewares themselves are fully typed.
export type ClientPlugin = Pluggable<any, any>;
