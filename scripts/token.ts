/**
 * Prints a real ID token from the local OpenID provider for a named account, by running the
 * authorization code + PKCE flow over HTTP (no browser). For curl, the AWS CLI, or poking at STS:
 *
 *   npx tsx scripts/token.ts alice [--issuer URL] [--client inkwell-web] [--redirect URI] [--json]
 */
import { parseArgs } from 'node:util';
import { obtainTokens } from '../local-aws/oidc/headless-login.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    issuer: { type: 'string', default: process.env.INKWELL_OIDC_ISSUER ?? 'http://127.0.0.1:4567' },
    client: { type: 'string', default: 'inkwell-web' },
    redirect: { type: 'string', default: 'http://127.0.0.1:5173/auth/callback' },
    scope: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const username = positionals.join(' ');
if (values.help || !username) {
  console.error(
    'usage: npx tsx scripts/token.ts <account or any name> [--issuer URL] [--client ID] [--redirect URI] [--scope S] [--json]',
  );
  process.exit(values.help ? 0 : 2);
}

try {
  const tokens = await obtainTokens({
    issuer: values.issuer,
    clientId: values.client,
    redirectUri: values.redirect,
    username,
    ...(values.scope ? { scope: values.scope } : {}),
  });
  console.log(values.json ? JSON.stringify(tokens, null, 2) : tokens.idToken);
} catch (error) {
  console.error(
    `could not sign in as ${username} at ${values.issuer}: ${error instanceof Error ? error.message : error}`,
  );
  process.exit(1);
}
