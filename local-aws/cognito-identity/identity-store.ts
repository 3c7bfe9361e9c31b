import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { readJsonFile, writeJsonFile } from '../oidc/json-file.ts';

interface StoredIdentity {
  /** `<loginsKey>|<sub>` of each linked login; empty for a guest. */
  logins: string[];
  createdAt: string;
}

/**
 * The identity pool's identities, in `<dataDir>/cognito-identity/<pool>.json`. Identity ids are what
 * the writer policy keys each user's data by, so a user must get the same id after a restart.
 */
export class IdentityStore {
  readonly #path: string;
  readonly #region: string;
  readonly #identities: Record<string, StoredIdentity>;

  constructor(dataDir: string, identityPoolId: string) {
    this.#path = join(dataDir, 'cognito-identity', `${identityPoolId.replace(/[^\w-]/g, '_')}.json`);
    this.#region = identityPoolId.split(':')[0] ?? 'us-east-1';
    this.#identities = readJsonFile<Record<string, StoredIdentity>>(this.#path) ?? {};
  }

  /** Undefined when no such identity exists; otherwise its linked logins (empty for a guest). */
  loginsOf(identityId: string): readonly string[] | undefined {
    return this.#identities[identityId]?.logins;
  }

  findByLogin(login: string): string | undefined {
    return Object.entries(this.#identities).find(([, identity]) => identity.logins.includes(login))?.[0];
  }

  create(logins: string[]): string {
    const identityId = `${this.#region}:${randomUUID()}`;
    this.#identities[identityId] = { logins, createdAt: new Date().toISOString() };
    this.#save();
    return identityId;
  }

  link(identityId: string, logins: string[]): void {
    const identity = this.#identities[identityId];
    if (!identity) return;
    const added = logins.filter((login) => !identity.logins.includes(login));
    if (added.length === 0) return;
    identity.logins.push(...added);
    this.#save();
  }

  #save(): void {
    writeJsonFile(this.#path, this.#identities);
  }
}

export function loginKey(loginsKey: string, subject: string): string {
  return `${loginsKey}|${subject}`;
}
