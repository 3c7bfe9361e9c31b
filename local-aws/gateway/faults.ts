/**
 * Fault injection: the local stack failing the way AWS fails, so the app's handling of those failures is
 * tested. DynamoDB Local never throttles, never answers 5xx, never raises transaction conflicts, and a
 * local socket never loses a reply after the write committed; on AWS all of these happen.
 *
 * Configured by a spec string (`INKWELL_FAULTS`, `npm start -- --faults=...`):
 *
 *   throttle:0.1,error5xx:0.05,drop:0.05,conflict:0.1,latency:20-300,seed:42
 *
 * Rates are per request, for DynamoDB and S3 calls only (never STS, Cognito or the OpenID provider), and
 * only for calls the gateway has authenticated and authorized: a refusal stays a refusal. The local admin
 * key (scripts, provisioning, the tests' own counting) and unsigned reads (public images, which readers
 * load through a CDN in production) get no random faults. `on` (or any spec) also
 * enables per-request faults: the `x-inkwell-fault` header on one request, or rules queued through
 * `POST /_inkwell/faults`; both are ignored when fault injection is off.
 *
 * This module is the pure decision (and the error bodies, in each service's wire shape); server.ts applies
 * it. Randomness comes from a seeded generator, so a seed replays the same sequence of decisions.
 */
import { escapeXml } from './aws-errors.ts';

export type FaultKind = 'throttle' | 'error5xx' | 'drop' | 'conflict';
export const FAULT_KINDS: readonly FaultKind[] = ['throttle', 'error5xx', 'conflict', 'drop'];

export interface FaultConfig {
  rates: Record<FaultKind, number>;
  /** A delay drawn uniformly from [min, max] ms before each faulted service's request. */
  latency?: { min: number; max: number };
  seed: number;
}

export interface FaultRequest {
  service: 'dynamodb' | 's3';
  /** The operation: DynamoDB's (`UpdateItem`), or S3's as `s3Operation` names it (`UploadPart`). */
  operation: string;
  /** The `x-inkwell-fault` header, when present. */
  header?: string;
  /**
   * Calls with the local admin key (scripts, the tests' counting) and unsigned reads (images readers load
   * through a CDN in production, without the SDK's retries) get only the faults asked for (header,
   * rules), never random ones or latency.
   */
  exempt?: boolean;
}

export interface FaultDecision {
  fault?: FaultKind;
  delayMs: number;
  /** A second seeded draw in [0, 1), for the details of the fault (which throttling error, which item). */
  draw: number;
}

/** A queued per-request fault: the next `times` matching requests get `fault`. */
export interface FaultRule {
  service?: 'dynamodb' | 's3';
  operation?: string;
  fault: FaultKind | 'none';
  times?: number;
}

const RATE_LIMIT = 1;

/** Parses a spec; throws a message that says what is wrong (the start script prints it). */
export function parseFaultSpec(spec: string, defaultSeed: number = Date.now() % 2 ** 31): FaultConfig {
  const rates: Record<FaultKind, number> = { throttle: 0, error5xx: 0, drop: 0, conflict: 0 };
  const config: FaultConfig = { rates, seed: defaultSeed };
  for (const raw of spec.split(',')) {
    const part = raw.trim();
    if (!part || part === 'on') continue;
    const [name = '', value = ''] = part.split(':', 2).map((s) => s.trim());
    if (name === 'latency') {
      const match = /^(\d+)(?:-(\d+))?$/.exec(value);
      if (!match)
        throw new Error(`faults: latency wants MIN-MAX in ms, e.g. latency:20-300 (got "${value}")`);
      const min = Number(match[1]);
      const max = Number(match[2] ?? match[1]);
      if (max < min) throw new Error(`faults: latency ${value}: the maximum is below the minimum`);
      config.latency = { min, max };
    } else if (name === 'seed') {
      if (!/^\d+$/.test(value)) throw new Error(`faults: seed wants a whole number (got "${value}")`);
      config.seed = Number(value);
    } else if ((FAULT_KINDS as readonly string[]).includes(name)) {
      const rate = Number(value);
      if (!value || !Number.isFinite(rate) || rate < 0 || rate > RATE_LIMIT) {
        throw new Error(`faults: ${name} wants a rate between 0 and 1 (got "${value}")`);
      }
      rates[name as FaultKind] = rate;
    } else {
      throw new Error(
        `faults: unknown "${name}" (known: ${FAULT_KINDS.join(', ')}, latency, seed, on; e.g. throttle:0.1,drop:0.05)`,
      );
    }
  }
  const total = FAULT_KINDS.reduce((sum, kind) => sum + rates[kind], 0);
  if (total > 1) throw new Error(`faults: the rates add up to ${total}, more than 1`);
  return config;
}

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** S3's operation name for a path-style request (the names rules match; enough for what the app calls). */
export function s3Operation(method: string, path: string, query: string): string {
  const params = new URLSearchParams(query);
  const hasKey = path.split('/').filter(Boolean).length > 1;
  switch (method) {
    case 'PUT':
      return params.has('partNumber') ? 'UploadPart' : hasKey ? 'PutObject' : 'CreateBucket';
    case 'POST':
      if (params.has('uploads')) return 'CreateMultipartUpload';
      if (params.has('uploadId')) return 'CompleteMultipartUpload';
      return params.has('delete') ? 'DeleteObjects' : 'PostObject';
    case 'DELETE':
      return params.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
    case 'HEAD':
      return 'HeadObject';
    case 'GET':
      if (params.has('uploadId')) return 'ListParts';
      if (params.has('uploads')) return 'ListMultipartUploads';
      return hasKey ? 'GetObject' : 'ListObjectsV2';
    default:
      return method;
  }
}

/** DynamoDB operations that can meet a transaction in progress (and so raise a conflict on AWS). */
const CONFLICT_OPERATIONS = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'TransactWriteItems',
  'TransactGetItems',
]);

/** Whether `fault` can happen to this request on AWS (S3 has no transactions to conflict with). */
export function faultApplies(
  fault: FaultKind,
  request: Pick<FaultRequest, 'service' | 'operation'>,
): boolean {
  if (fault !== 'conflict') return true;
  return request.service === 'dynamodb' && CONFLICT_OPERATIONS.has(request.operation);
}

export interface FaultStats {
  requests: number;
  /** Requests random faults could hit (not exempt): the app's calls. */
  eligible: number;
  injected: Record<FaultKind, number>;
}

/** The gateway's fault state: config, generator, queued rules and what was injected so far. */
export class FaultInjector {
  readonly config: FaultConfig;
  readonly #random: () => number;
  #rules: Required<FaultRule>[] = [];
  #stats: FaultStats = {
    requests: 0,
    eligible: 0,
    injected: { throttle: 0, error5xx: 0, drop: 0, conflict: 0 },
  };

  constructor(config: FaultConfig) {
    this.config = config;
    this.#random = seededRandom(config.seed);
  }

  static fromSpec(spec: string | undefined): FaultInjector | undefined {
    return spec ? new FaultInjector(parseFaultSpec(spec)) : undefined;
  }

  /** Queues rules (applied before random faults, in order). */
  addRules(rules: readonly FaultRule[]): void {
    for (const rule of rules) {
      if (rule.fault !== 'none' && !FAULT_KINDS.includes(rule.fault)) {
        throw new Error(`unknown fault "${String(rule.fault)}"`);
      }
      this.#rules.push({
        service: rule.service ?? ('' as 'dynamodb'),
        operation: rule.operation ?? '',
        fault: rule.fault,
        times: rule.times ?? 1,
      });
    }
  }

  clearRules(): void {
    this.#rules = [];
  }

  get stats(): FaultStats {
    return { ...this.#stats, injected: { ...this.#stats.injected } };
  }

  get pendingRules(): number {
    return this.#rules.length;
  }

  /** What happens to one request: a fault (or none) and a delay. */
  decide(request: FaultRequest): FaultDecision {
    this.#stats.requests += 1;
    if (!request.exempt) this.#stats.eligible += 1;
    const latency = this.config.latency;
    const delayMs =
      latency && !request.exempt ? Math.round(latency.min + this.#random() * (latency.max - latency.min)) : 0;
    const chosen = this.#chosen(request);
    const draw = this.#random();
    if (chosen === undefined || chosen === 'none' || !faultApplies(chosen, request)) return { delayMs, draw };
    this.#stats.injected[chosen] += 1;
    return { fault: chosen, delayMs, draw };
  }

  #chosen(request: FaultRequest): FaultKind | 'none' | undefined {
    const header = request.header?.trim();
    if (header)
      return header === 'none' || FAULT_KINDS.includes(header as FaultKind)
        ? (header as FaultKind)
        : undefined;
    const index = this.#rules.findIndex(
      (rule) =>
        (!rule.service || rule.service === request.service) &&
        (!rule.operation || rule.operation === request.operation),
    );
    if (index >= 0) {
      const rule = this.#rules[index]!;
      rule.times -= 1;
      if (rule.times <= 0) this.#rules.splice(index, 1);
      return rule.fault;
    }
    if (request.exempt) return undefined;
    return pickFault(this.config.rates, this.#random());
  }
}

/** One uniform draw against the cumulative rates, in a fixed order (so a seed replays). */
export function pickFault(rates: Record<FaultKind, number>, draw: number): FaultKind | undefined {
  let edge = 0;
  for (const kind of FAULT_KINDS) {
    edge += rates[kind];
    if (draw < edge) return kind;
  }
  return undefined;
}

// --- The faults as each service spells them ----------------------------------------------------------

export interface FaultResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const DYNAMODB_NAMESPACE = 'com.amazonaws.dynamodb.v20120810';

function dynamo(
  status: number,
  code: string,
  type: string,
  fields: Record<string, unknown>,
  requestId: string,
) {
  return {
    status,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-errortype': code,
      'x-amzn-requestid': requestId,
    },
    body: JSON.stringify({ __type: type, ...fields }),
  };
}

/**
 * DynamoDB's answer for a fault that is a reply (not a drop). `draw` picks between the two throttling
 * errors DynamoDB raises (`ProvisionedThroughputExceededException` for a table or index over its
 * capacity, `ThrottlingException` for request-rate limits); `transactItems` is how many items a
 * TransactWriteItems/TransactGetItems names, one cancellation reason each.
 */
export function dynamoFaultResponse(
  fault: Exclude<FaultKind, 'drop'>,
  operation: string,
  options: { draw: number; transactItems?: number; requestId: string },
): FaultResponse {
  const { requestId } = options;
  switch (fault) {
    case 'throttle':
      return options.draw < 0.5
        ? dynamo(
            400,
            'ProvisionedThroughputExceededException',
            `${DYNAMODB_NAMESPACE}#ProvisionedThroughputExceededException`,
            {
              message:
                'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
            },
            requestId,
          )
        : dynamo(
            400,
            'ThrottlingException',
            'com.amazon.coral.availability#ThrottlingException',
            { message: 'Rate of requests exceeds the allowed throughput.' },
            requestId,
          );
    case 'error5xx':
      return dynamo(
        500,
        'InternalServerError',
        `${DYNAMODB_NAMESPACE}#InternalServerError`,
        { message: 'Internal server error' },
        requestId,
      );
    case 'conflict': {
      if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
        const count = Math.max(1, options.transactItems ?? 1);
        const conflicted = Math.min(count - 1, Math.floor(options.draw * count));
        const reasons = Array.from({ length: count }, (_, i) =>
          i === conflicted
            ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }
            : { Code: 'None' },
        );
        return dynamo(
          400,
          'TransactionCanceledException',
          `${DYNAMODB_NAMESPACE}#TransactionCanceledException`,
          {
            Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
            CancellationReasons: reasons,
          },
          requestId,
        );
      }
      return dynamo(
        400,
        'TransactionConflictException',
        `${DYNAMODB_NAMESPACE}#TransactionConflictException`,
        { message: 'Transaction is ongoing for the item' },
        requestId,
      );
    }
  }
}

/** S3's answer (REST-XML): 503 SlowDown for throttling, 500 InternalError for a server fault. */
export function s3FaultResponse(
  fault: 'throttle' | 'error5xx',
  resource: string,
  requestId: string,
): FaultResponse {
  const [status, code, message] =
    fault === 'throttle'
      ? [503, 'SlowDown', 'Please reduce your request rate.']
      : [500, 'InternalError', 'We encountered an internal error. Please try again.'];
  return {
    status,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
    body:
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<Error><Code>${code}</Code><Message>${message}</Message><Resource>${escapeXml(resource)}</Resource><RequestId>${requestId}</RequestId></Error>`,
  };
}

/** How many items a transaction names, for its cancellation reasons. */
export function transactItemCount(body: string): number {
  try {
    const parsed = JSON.parse(body) as { TransactItems?: unknown[] };
    return Array.isArray(parsed.TransactItems) ? parsed.TransactItems.length : 1;
  } catch {
    return 1;
  }
}
