import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { type AccountStore, DEMO_ACCOUNTS } from './accounts.ts';
import { renderErrorPage, renderLoginPage } from './pages.ts';

export const INTERACTION_PATH = '/interaction';

/**
 * Serves the login page at `/interaction/:uid` and takes its answers. Consent is never asked: every
 * client of this provider is Inkwell itself (see `loadExistingGrant` in provider.ts).
 */
export function createInteractionHandler(provider: Provider, accounts: AccountStore) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [uid, action] = url.pathname.slice(INTERACTION_PATH.length + 1).split('/');
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.uid !== uid) return sendHtml(res, 400, renderErrorPage({ error: 'interaction mismatch' }));
      const loginPage = (extra: { error?: string; typedName?: string } = {}) =>
        renderLoginPage({
          action: `${INTERACTION_PATH}/${details.uid}/login`,
          abortAction: `${INTERACTION_PATH}/${details.uid}/abort`,
          accounts: DEMO_ACCOUNTS,
          clientId: String(details.params.client_id ?? ''),
          ...extra,
        });

      if (req.method === 'GET' && action === undefined) {
        if (details.prompt.name !== 'login') {
          return sendHtml(res, 400, renderErrorPage({ error: `unexpected prompt ${details.prompt.name}` }));
        }
        return sendHtml(res, 200, loginPage());
      }

      if (req.method === 'POST' && action === 'login') {
        const form = new URLSearchParams(await readBody(req));
        const chosen = form.get('account');
        const typed = form.get('name');
        const account = chosen
          ? accounts.find(chosen)
          : typed !== null
            ? accounts.findOrCreateByName(typed)
            : undefined;
        if (!account) {
          const error = chosen
            ? `Unknown account ${chosen}.`
            : 'Type a name with at least one letter or digit.';
          return sendHtml(res, 400, loginPage({ error, typedName: typed ?? '' }));
        }
        return await provider.interactionFinished(
          req,
          res,
          { login: { accountId: account.sub } },
          { mergeWithLastSubmission: false },
        );
      }

      if (req.method === 'POST' && action === 'abort') {
        return await provider.interactionFinished(
          req,
          res,
          { error: 'access_denied', error_description: 'End-User aborted interaction' },
          { mergeWithLastSubmission: false },
        );
      }

      return sendHtml(res, 404, renderErrorPage({ error: 'not found' }));
    } catch (error) {
      // Typically an expired or missing interaction cookie: the app has to start sign-in again.
      const message = error instanceof Error ? error.message : String(error);
      return sendHtml(
        res,
        400,
        renderErrorPage({ error: 'sign-in could not continue', error_description: message }),
      );
    }
  };
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

async function readBody(req: IncomingMessage, limit = 16 * 1024): Promise<string> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > limit) throw new Error('request body too large');
  }
  return body;
}
