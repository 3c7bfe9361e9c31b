import { join } from 'node:path';
import { readJsonFile, writeJsonFile } from './json-file.ts';

export interface LocalAccount {
  /** Stable subject: the demo username, or a slug of a free-form name. */
  sub: string;
  name: string;
  preferred_username: string;
  email: string;
}

/** The people the login page offers one click for; their `sub` is their username. */
export const DEMO_ACCOUNTS: readonly LocalAccount[] = [
  demoAccount('alice', 'Alice Archer'),
  demoAccount('bob', 'Bob Baker'),
  demoAccount('carol', 'Carol Chen'),
];

function demoAccount(sub: string, name: string): LocalAccount {
  return { sub, name, preferred_username: sub, email: `${sub}@inkwell.test` };
}

/**
 * Turns a display name into a subject that stays the same every time the same name is typed, so
 * signing in again as "Dana Drake" reaches the same posts. Empty when the name has no letters or digits.
 */
export function slugOf(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}

/** Accounts kept in `<dir>/accounts.json`, so names typed on the login page survive restarts. */
export class AccountStore {
  readonly #path: string;
  readonly #accounts = new Map<string, LocalAccount>();

  constructor(dir: string) {
    this.#path = join(dir, 'accounts.json');
    for (const account of readJsonFile<LocalAccount[]>(this.#path) ?? [])
      this.#accounts.set(account.sub, account);
    let added = false;
    for (const account of DEMO_ACCOUNTS) {
      if (!this.#accounts.has(account.sub)) {
        this.#accounts.set(account.sub, account);
        added = true;
      }
    }
    if (added) this.#save();
  }

  find(sub: string): LocalAccount | undefined {
    return this.#accounts.get(sub);
  }

  /**
   * The account for a typed name: an existing one keeps its stored name (typing "alice" is Alice
   * Archer), a new one is created. Undefined when the name yields no usable subject.
   */
  findOrCreateByName(name: string): LocalAccount | undefined {
    const displayName = name.trim().replace(/\s+/g, ' ').slice(0, 100);
    const sub = slugOf(displayName);
    if (!sub) return undefined;
    const existing = this.#accounts.get(sub);
    if (existing) return existing;
    const account: LocalAccount = {
      sub,
      name: displayName,
      preferred_username: sub,
      email: `${sub}@inkwell.test`,
    };
    this.#accounts.set(sub, account);
    this.#save();
    return account;
  }

  #save(): void {
    writeJsonFile(this.#path, [...this.#accounts.values()]);
  }
}
