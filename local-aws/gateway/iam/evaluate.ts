/**
 * IAM identity-policy evaluation: the part of AWS's policy evaluation logic that applies to one
 * principal with identity policies only (no SCPs, boundaries, session or resource policies).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 *
 * Policies arrive with their `${...}` variables already substituted (substitutePolicyVariables).
 * Anything this module does not understand (an unknown condition operator, a statement without an
 * action) throws `PolicyError` instead of guessing: a policy we cannot read must not allow anything.
 */

export type ContextValue = string | string[] | undefined;

export interface AuthorizationRequest {
  /** e.g. `dynamodb:PutItem` */
  action: string;
  /** The resource ARN, or `*` for actions without a resource type (ListTables, ListAllMyBuckets). */
  resource: string;
  /** Condition keys of the request (`dynamodb:LeadingKeys`, `s3:prefix`...). Names are case-insensitive. */
  context: Record<string, ContextValue>;
  /**
   * Set (to the reason) when the request's condition context could not be established, e.g. the leading
   * keys of a PartiQL statement. Such a request cannot be matched against conditions faithfully, so
   * authorize() refuses it whatever the policy says.
   */
  failClosed?: string;
}

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

type ConditionValue = string | number | boolean;

/** The statement grammar this evaluator accepts: a superset of what access-policy.ts generates. */
export interface EvaluableStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, ConditionValue | ConditionValue[]>>;
}

export interface EvaluablePolicy {
  Version?: string;
  Statement: EvaluableStatement | EvaluableStatement[];
}

export class PolicyError extends Error {
  override readonly name = 'PolicyError';
}

/**
 * Explicit deny wins over any allow; without an applicable allow the answer is an implicit deny.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
 */
export function evaluatePolicies(
  policies: readonly EvaluablePolicy[],
  request: AuthorizationRequest,
): Decision {
  const context = new Map<string, ContextValue>();
  for (const [key, value] of Object.entries(request.context)) context.set(key.toLowerCase(), value);

  let allowed = false;
  for (const policy of policies) {
    const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
    for (const statement of statements) {
      if (!statementApplies(statement, request, context)) continue;
      if (statement.Effect === 'Deny') return 'ExplicitDeny';
      allowed = true;
    }
  }
  return allowed ? 'Allow' : 'ImplicitDeny';
}

function list(value: string | string[] | undefined): string[] | undefined {
  return value === undefined ? undefined : Array.isArray(value) ? value : [value];
}

function statementApplies(
  statement: EvaluableStatement,
  request: AuthorizationRequest,
  context: Map<string, ContextValue>,
): boolean {
  const where = statement.Sid === undefined ? 'a statement' : `statement ${statement.Sid}`;
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
    throw new PolicyError(`${where}: Effect must be Allow or Deny`);
  }
  const actions = exactlyOne(list(statement.Action), list(statement.NotAction), `${where}: Action/NotAction`);
  const resources = exactlyOne(
    list(statement.Resource),
    list(statement.NotResource),
    `${where}: Resource/NotResource`,
  );
  // Parse every condition before deciding anything, so a malformed one fails whatever the request.
  const conditions = Object.entries(statement.Condition ?? {}).map(([operator, block]) => ({
    operator: parseOperator(operator, where),
    block,
  }));

  // Actions are case-insensitive, resources (ARNs) case-sensitive.
  const actionMatches = actions.values.some((pattern) => wildcardMatch(pattern, request.action, true));
  if (actionMatches === actions.negated) return false;
  const resourceMatches = resources.values.some((pattern) => wildcardMatch(pattern, request.resource, false));
  if (resourceMatches === resources.negated) return false;
  return conditions.every(({ operator, block }) => blockHolds(operator, block, context));
}

function exactlyOne(
  positive: string[] | undefined,
  negative: string[] | undefined,
  what: string,
): { values: string[]; negated: boolean } {
  if ((positive === undefined) === (negative === undefined))
    throw new PolicyError(`${what}: exactly one is required`);
  return positive !== undefined
    ? { values: positive, negated: false }
    : { values: negative ?? [], negated: true };
}

const patternCache = new Map<string, RegExp>();

/**
 * IAM wildcards: `*` any run of characters (including none, and across `:` and `/`), `?` exactly one.
 * `${*}`, `${?}` and `${$}` stand for the literal characters: that is also how substitutePolicyVariables
 * writes a substituted value's `*`, `?` and `$`, so a user's id can never act as a wildcard.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-specialchars
 */
export function wildcardMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  const cacheKey = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let regex = patternCache.get(cacheKey);
  if (regex === undefined) {
    const source = pattern
      .split(/(\$\{[*?$]\}|[*?])/)
      .map((token) =>
        token === '*'
          ? '.*'
          : token === '?'
            ? '.'
            : escapeRegex(/^\$\{[*?$]\}$/.test(token) ? (token[2] ?? '') : token),
      )
      .join('');
    regex = new RegExp(`^${source}$`, ignoreCase ? 'isu' : 'su');
    patternCache.set(cacheKey, regex);
  }
  return regex.test(value);
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?|()[\]{}]/g, '\\$&');
}

/** A policy value as exact operators compare it: the special-character variables become their characters. */
function literalOf(policyValue: string): string {
  return policyValue.replace(/\$\{([*?$])\}/g, '$1');
}

// --- Condition operators ----------------------------------------------------------------------------
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html

type Matcher = (contextValue: string, policyValue: string) => boolean;

const stringEquals: Matcher = (c, p) => c === literalOf(p);
const stringEqualsIgnoreCase: Matcher = (c, p) => c.toLowerCase() === literalOf(p).toLowerCase();
const stringLike: Matcher = (c, p) => wildcardMatch(p, c, false);

function number(text: string): number | undefined {
  const n = text.trim() === '' ? Number.NaN : Number(text);
  return Number.isFinite(n) ? n : undefined;
}

function numeric(compare: (c: number, p: number) => boolean): Matcher {
  return (c, p) => {
    const a = number(c);
    const b = number(p);
    return a !== undefined && b !== undefined && compare(a, b);
  };
}

/** Dates are ISO 8601 strings or epoch seconds. */
function date(text: string): number | undefined {
  const epoch = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text);
  return Number.isNaN(epoch) ? undefined : epoch;
}

function dated(compare: (c: number, p: number) => boolean): Matcher {
  return (c, p) => {
    const a = date(c);
    const b = date(p);
    return a !== undefined && b !== undefined && compare(a, b);
  };
}

const bool: Matcher = (c, p) => {
  const a = c.toLowerCase();
  return (a === 'true' || a === 'false') && a === p.toLowerCase();
};

/** ARN operators compare the six colon-separated parts one by one, each with wildcards. */
const arnLike: Matcher = (c, p) => {
  const split = (arn: string) => {
    const parts = arn.split(':');
    return parts.length < 6 ? undefined : [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const value = split(c);
  const pattern = split(p);
  if (value === undefined || pattern === undefined) return false;
  return pattern.every((part, i) => wildcardMatch(part, value[i] ?? '', false));
};

function ipv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256n + BigInt(p), 0n);
}

/** An IPv6 address as 128 bits: `::` compression and a trailing dotted IPv4 part are accepted. */
function ipv6(text: string): bigint | undefined {
  if (!/^[0-9a-f:.]+$/i.test(text) || text.split('::').length > 2) return undefined;
  let tail = text;
  let embedded: bigint | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    embedded = ipv4(text.slice(lastColon + 1));
    if (embedded === undefined) return undefined;
    tail = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [head = '', rest] = tail.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const missing = 8 - left.length - right.length;
  if ((rest === undefined && missing !== 0) || (rest !== undefined && missing < 1)) return undefined;
  const all = [...left, ...Array<string>(rest === undefined ? 0 : missing).fill('0'), ...right];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  const value = all.reduce((acc, g) => acc * 65536n + BigInt(`0x${g}`), 0n);
  return embedded === undefined ? value : (value & ~0xffffffffn) | embedded;
}

function ipAddressOf(text: string): { bits: number; value: bigint } | undefined {
  const v4 = ipv4(text);
  if (v4 !== undefined) return { bits: 32, value: v4 };
  const v6 = ipv6(text);
  return v6 === undefined ? undefined : { bits: 128, value: v6 };
}

/**
 * IPv4 and IPv6 (RFC 4632 / RFC 4291 CIDR). An address of the other family never matches a range, so
 * IpAddress does not allow it and NotIpAddress does.
 */
const ipAddress: Matcher = (c, p) => {
  const [network = '', bitsText] = p.split('/');
  const address = ipAddressOf(c.trim());
  const base = ipAddressOf(network.trim());
  if (address === undefined || base === undefined || address.bits !== base.bits) return false;
  const bits = bitsText === undefined ? base.bits : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > base.bits) return false;
  const shift = BigInt(base.bits - bits);
  return address.value >> shift === base.value >> shift;
};

interface OperatorDefinition {
  match: Matcher;
  /** The "Not" operators: true when no policy value matches (and when the key is absent). */
  negated: boolean;
}

const OPERATORS: Record<string, OperatorDefinition> = {
  StringEquals: { match: stringEquals, negated: false },
  StringNotEquals: { match: stringEquals, negated: true },
  StringEqualsIgnoreCase: { match: stringEqualsIgnoreCase, negated: false },
  StringNotEqualsIgnoreCase: { match: stringEqualsIgnoreCase, negated: true },
  StringLike: { match: stringLike, negated: false },
  StringNotLike: { match: stringLike, negated: true },
  NumericEquals: { match: numeric((c, p) => c === p), negated: false },
  NumericNotEquals: { match: numeric((c, p) => c === p), negated: true },
  NumericLessThan: { match: numeric((c, p) => c < p), negated: false },
  NumericLessThanEquals: { match: numeric((c, p) => c <= p), negated: false },
  NumericGreaterThan: { match: numeric((c, p) => c > p), negated: false },
  NumericGreaterThanEquals: { match: numeric((c, p) => c >= p), negated: false },
  DateEquals: { match: dated((c, p) => c === p), negated: false },
  DateNotEquals: { match: dated((c, p) => c === p), negated: true },
  DateLessThan: { match: dated((c, p) => c < p), negated: false },
  DateLessThanEquals: { match: dated((c, p) => c <= p), negated: false },
  DateGreaterThan: { match: dated((c, p) => c > p), negated: false },
  DateGreaterThanEquals: { match: dated((c, p) => c >= p), negated: false },
  Bool: { match: bool, negated: false },
  BinaryEquals: { match: stringEquals, negated: false },
  ArnEquals: { match: arnLike, negated: false },
  ArnLike: { match: arnLike, negated: false },
  ArnNotEquals: { match: arnLike, negated: true },
  ArnNotLike: { match: arnLike, negated: true },
  IpAddress: { match: ipAddress, negated: false },
  NotIpAddress: { match: ipAddress, negated: true },
};

interface ParsedOperator {
  kind: 'compare' | 'null';
  definition: OperatorDefinition;
  set: 'ForAllValues' | 'ForAnyValue' | undefined;
  ifExists: boolean;
}

function parseOperator(text: string, where: string): ParsedOperator {
  let name = text;
  let set: ParsedOperator['set'];
  const colon = text.indexOf(':');
  if (colon !== -1) {
    const prefix = text.slice(0, colon);
    if (prefix !== 'ForAllValues' && prefix !== 'ForAnyValue') {
      throw new PolicyError(`${where}: unknown set operator '${prefix}'`);
    }
    set = prefix;
    name = text.slice(colon + 1);
  }
  if (name === 'Null') {
    if (set !== undefined) throw new PolicyError(`${where}: Null takes no set operator`);
    return { kind: 'null', definition: { match: stringEquals, negated: false }, set, ifExists: false };
  }
  const ifExists = name.endsWith('IfExists');
  const base = ifExists ? name.slice(0, -'IfExists'.length) : name;
  const definition = Object.hasOwn(OPERATORS, base) ? OPERATORS[base] : undefined;
  if (definition === undefined) throw new PolicyError(`${where}: unsupported condition operator '${text}'`);
  return { kind: 'compare', definition, set, ifExists };
}

/** Several keys under one operator must all hold (AND); several values for one key are alternatives (OR). */
function blockHolds(
  operator: ParsedOperator,
  block: Record<string, ConditionValue | ConditionValue[]>,
  context: Map<string, ContextValue>,
): boolean {
  return Object.entries(block).every(([key, value]) => {
    const policyValues = (Array.isArray(value) ? value : [value]).map(String);
    return keyHolds(operator, policyValues, context.get(key.toLowerCase()));
  });
}

function keyHolds(operator: ParsedOperator, policyValues: string[], contextValue: ContextValue): boolean {
  const values =
    contextValue === undefined ? [] : Array.isArray(contextValue) ? contextValue : [contextValue];
  const present = values.length > 0;

  if (operator.kind === 'null') {
    // `"Null": {"k": "true"}` holds when k is absent; "false" when it is present.
    return policyValues.some((p) =>
      p.toLowerCase() === 'true' ? !present : p.toLowerCase() === 'false' && present,
    );
  }
  if (!present && operator.ifExists) return true;

  const { match, negated } = operator.definition;
  const matchesAny = (v: string) => policyValues.some((p) => match(v, p));
  // For a "Not" operator a single context value qualifies when it matches none of the policy values.
  const qualifies = (v: string) => (negated ? !matchesAny(v) : matchesAny(v));

  switch (operator.set) {
    case 'ForAllValues':
      // Vacuously true for a missing or empty key: why item requests must always carry their LeadingKeys.
      return values.every(qualifies);
    case 'ForAnyValue':
      return values.some(qualifies);
    default:
      // A missing key fails a positive operator and satisfies a negated one. A multivalued key given to
      // a single-valued operator matches when any value matches (so a "Not" operator needs all to miss).
      if (!present) return negated;
      return negated ? !values.some(matchesAny) : values.some(matchesAny);
  }
}
