/**
 * What an S3 call asks IAM for, from a path-style request (`/BUCKET/KEY`): the action(s) and the
 * bucket or object ARN, with S3's condition keys. Every request returned must be allowed.
 * Mapping: https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
 *
 * Where this parser and the S3 backend behind the gateway could read a request differently (duplicate
 * parameters, odd XML, dot segments in keys), the request is refused rather than risk authorizing one
 * thing and executing another.
 */
import { AwsError } from '../aws-errors.ts';
import { queryParams } from '../sigv4-verify.ts';
import type { AuthorizationRequest, ContextValue } from './evaluate.ts';

const notImplemented = (what: string) =>
  new AwsError('NotImplemented', `A ${what} you provided implies functionality that is not implemented`, 501);
const methodNotAllowed = () =>
  new AwsError('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405);
const malformedXml = () =>
  new AwsError(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema',
    400,
  );

/** Bucket-level subresources: `?cors` and friends, per method. Deleting some configs is a Put* action. */
const BUCKET_SUBRESOURCES: Record<string, Record<string, string>> = {
  GET: {
    versions: 's3:ListBucketVersions',
    uploads: 's3:ListBucketMultipartUploads',
    location: 's3:GetBucketLocation',
    cors: 's3:GetBucketCORS',
    policy: 's3:GetBucketPolicy',
    policyStatus: 's3:GetBucketPolicyStatus',
    website: 's3:GetBucketWebsite',
    acl: 's3:GetBucketAcl',
    tagging: 's3:GetBucketTagging',
    versioning: 's3:GetBucketVersioning',
    lifecycle: 's3:GetLifecycleConfiguration',
    notification: 's3:GetBucketNotification',
    logging: 's3:GetBucketLogging',
    encryption: 's3:GetEncryptionConfiguration',
    publicAccessBlock: 's3:GetBucketPublicAccessBlock',
    ownershipControls: 's3:GetBucketOwnershipControls',
    requestPayment: 's3:GetBucketRequestPayment',
    accelerate: 's3:GetAccelerateConfiguration',
    replication: 's3:GetReplicationConfiguration',
    'object-lock': 's3:GetBucketObjectLockConfiguration',
  },
  PUT: {
    cors: 's3:PutBucketCORS',
    policy: 's3:PutBucketPolicy',
    website: 's3:PutBucketWebsite',
    acl: 's3:PutBucketAcl',
    tagging: 's3:PutBucketTagging',
    versioning: 's3:PutBucketVersioning',
    lifecycle: 's3:PutLifecycleConfiguration',
    notification: 's3:PutBucketNotification',
    logging: 's3:PutBucketLogging',
    encryption: 's3:PutEncryptionConfiguration',
    publicAccessBlock: 's3:PutBucketPublicAccessBlock',
    ownershipControls: 's3:PutBucketOwnershipControls',
    requestPayment: 's3:PutBucketRequestPayment',
    accelerate: 's3:PutAccelerateConfiguration',
    replication: 's3:PutReplicationConfiguration',
    'object-lock': 's3:PutBucketObjectLockConfiguration',
  },
  DELETE: {
    cors: 's3:PutBucketCORS',
    policy: 's3:DeleteBucketPolicy',
    website: 's3:DeleteBucketWebsite',
    tagging: 's3:PutBucketTagging',
    lifecycle: 's3:PutLifecycleConfiguration',
    encryption: 's3:PutEncryptionConfiguration',
    publicAccessBlock: 's3:PutBucketPublicAccessBlock',
    ownershipControls: 's3:PutBucketOwnershipControls',
    replication: 's3:PutReplicationConfiguration',
  },
  POST: {},
  HEAD: {},
};

const OBJECT_SUBRESOURCES: Record<string, Record<string, string>> = {
  GET: {
    uploadId: 's3:ListMultipartUploadParts',
    acl: 's3:GetObjectAcl',
    tagging: 's3:GetObjectTagging',
    attributes: 's3:GetObjectAttributes',
    retention: 's3:GetObjectRetention',
    'legal-hold': 's3:GetObjectLegalHold',
    torrent: 's3:GetObjectTorrent',
  },
  PUT: {
    acl: 's3:PutObjectAcl',
    tagging: 's3:PutObjectTagging',
    retention: 's3:PutObjectRetention',
    'legal-hold': 's3:PutObjectLegalHold',
  },
  POST: {
    uploads: 's3:PutObject',
    uploadId: 's3:PutObject',
    restore: 's3:RestoreObject',
    select: 's3:GetObject',
  },
  DELETE: {
    uploadId: 's3:AbortMultipartUpload',
    tagging: 's3:DeleteObjectTagging',
  },
  HEAD: {},
};

/** Parameters that refine an operation without changing which one it is. */
const LIST_PARAMETERS = new Set([
  'prefix',
  'delimiter',
  'max-keys',
  'marker',
  'list-type',
  'continuation-token',
  'start-after',
  'fetch-owner',
  'encoding-type',
  'key-marker',
  'version-id-marker',
  'upload-id-marker',
  'max-uploads',
]);
const OBJECT_PARAMETERS = new Set([
  'versionId',
  'partNumber',
  'uploadId',
  'max-parts',
  'part-number-marker',
  'encoding-type',
  'select-type',
  'response-content-type',
  'response-content-language',
  'response-expires',
  'response-cache-control',
  'response-content-disposition',
  'response-content-encoding',
]);

/** Headers S3 exposes as condition keys of object writes (s3:x-amz-acl and so on). */
const HEADER_CONDITION_KEYS = [
  'x-amz-acl',
  'x-amz-copy-source',
  'x-amz-metadata-directive',
  'x-amz-server-side-encryption',
  'x-amz-server-side-encryption-aws-kms-key-id',
  'x-amz-storage-class',
  'x-amz-content-sha256',
];

interface S3Request {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function bucketArn(bucket: string): string {
  return `arn:aws:s3:::${bucket}`;
}

export function objectArn(bucket: string, key: string): string {
  return `arn:aws:s3:::${bucket}/${key}`;
}

/**
 * `path` is the raw, percent-encoded path (`/bucket/key`), `query` the raw query string or parsed
 * parameters, `headers` lower-case; `body` is read only for DeleteObjects.
 */
export function s3AuthorizationRequests(
  method: string,
  path: string,
  query: string | URLSearchParams,
  headers: Record<string, string>,
  body: Uint8Array = new Uint8Array(),
): AuthorizationRequest[] {
  const request: S3Request = { method: method.toUpperCase(), path, headers, body };
  if (!Object.hasOwn(OBJECT_SUBRESOURCES, request.method)) throw methodNotAllowed();
  const params = new Map<string, string>();
  for (const [name, value] of queryParams(query)) {
    // SDK bookkeeping and presigning parameters say nothing about the operation.
    if (name === 'x-id' || name.toLowerCase().startsWith('x-amz-')) continue;
    if (params.has(name)) throw new AwsError('InvalidArgument', `Duplicate query parameter: ${name}`, 400);
    params.set(name, value);
  }
  const { bucket, key } = splitPath(request.path);
  if (bucket === undefined) {
    if (request.method !== 'GET' || params.size > 0) throw methodNotAllowed();
    return [{ action: 's3:ListAllMyBuckets', resource: '*', context: {} }];
  }
  return key === undefined
    ? bucketRequests(request.method, bucket, params, request)
    : objectRequests(request.method, bucket, key, params, request);
}

function splitPath(rawPath: string): { bucket?: string; key?: string } {
  const path = rawPath.startsWith('/') ? rawPath.slice(1) : rawPath;
  if (path === '') return {};
  const slash = path.indexOf('/');
  // The bucket is taken raw: an escaped `/` in it must not shift the object ARN.
  const bucket = slash === -1 ? path : path.slice(0, slash);
  if (!BUCKET_NAME.test(bucket))
    throw new AwsError('InvalidBucketName', 'The specified bucket is not valid.', 400);
  const rawKey = slash === -1 ? '' : path.slice(slash + 1);
  if (rawKey === '') return { bucket };
  let key: string;
  try {
    key = decodeURIComponent(rawKey);
  } catch {
    throw new AwsError('InvalidURI', "Couldn't parse the specified URI.", 400);
  }
  checkKey(key);
  return { bucket, key };
}

/**
 * S3 keeps `a/../b` as a literal key, but the HTTP stack of an S3 stand-in may resolve it to `b`,
 * which would be another user's key than the one authorized. Such keys are refused outright.
 */
function checkKey(key: string): void {
  if (key.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new AwsError(
      'InvalidArgument',
      'Object keys with "." or ".." path segments are refused by the local gateway',
      400,
    );
  }
}

function subresource(
  method: string,
  params: Map<string, string>,
  table: Record<string, Record<string, string>>,
  allowed: Set<string>,
): { name: string; action: string } | undefined {
  const actions = table[method] ?? {};
  let found: { name: string; action: string } | undefined;
  for (const name of params.keys()) {
    if (Object.hasOwn(actions, name)) {
      if (found !== undefined) throw notImplemented('parameter');
      found = { name, action: actions[name] ?? '' };
    } else if (!allowed.has(name) && !name.startsWith('response-')) {
      throw notImplemented('parameter');
    }
  }
  return found;
}

function bucketRequests(
  method: string,
  bucket: string,
  params: Map<string, string>,
  request: S3Request,
): AuthorizationRequest[] {
  const resource = bucketArn(bucket);
  if (method === 'POST') {
    if (params.has('delete') && params.size === 1) return deleteObjectsRequests(bucket, request.body);
    // Browser form uploads (POST policy) are authorized by their signed policy, which is not implemented.
    throw notImplemented('parameter');
  }
  const sub = subresource(method, params, BUCKET_SUBRESOURCES, LIST_PARAMETERS);
  if (sub !== undefined) {
    const context: Record<string, ContextValue> =
      sub.action === 's3:ListBucketVersions' ? listContext(params) : {};
    return [{ action: sub.action, resource, context }];
  }
  const listing = [...params.keys()].some((name) => LIST_PARAMETERS.has(name));
  switch (method) {
    case 'GET':
      return [{ action: 's3:ListBucket', resource, context: listContext(params) }];
    case 'HEAD':
      if (listing) throw notImplemented('parameter');
      return [{ action: 's3:ListBucket', resource, context: {} }];
    case 'PUT':
      if (listing) throw notImplemented('parameter');
      return [{ action: 's3:CreateBucket', resource, context: headerContext(request.headers) }];
    case 'DELETE':
      if (listing) throw notImplemented('parameter');
      return [{ action: 's3:DeleteBucket', resource, context: {} }];
    default:
      throw methodNotAllowed();
  }
}

/** s3:prefix is the empty string when the listing names no prefix, as AWS's own examples rely on. */
function listContext(params: Map<string, string>): Record<string, ContextValue> {
  const context: Record<string, ContextValue> = { 's3:prefix': params.get('prefix') ?? '' };
  const delimiter = params.get('delimiter');
  if (delimiter !== undefined) context['s3:delimiter'] = delimiter;
  const maxKeys = params.get('max-keys');
  if (maxKeys !== undefined) context['s3:max-keys'] = maxKeys;
  return context;
}

function headerContext(headers: Record<string, string>): Record<string, ContextValue> {
  const context: Record<string, ContextValue> = {};
  for (const name of HEADER_CONDITION_KEYS) {
    const value = headers[name];
    if (value !== undefined) context[`s3:${name}`] = value;
  }
  return context;
}

function objectRequests(
  method: string,
  bucket: string,
  key: string,
  params: Map<string, string>,
  request: S3Request,
): AuthorizationRequest[] {
  const resource = objectArn(bucket, key);
  const context = headerContext(request.headers);
  const sub = subresource(method, params, OBJECT_SUBRESOURCES, OBJECT_PARAMETERS);
  const versioned = params.has('versionId');
  if (sub !== undefined) {
    const requests: AuthorizationRequest[] = [{ action: sub.action, resource, context }];
    // Creating an upload with an ACL or tags also needs those permissions, as a plain PUT does.
    if (method === 'POST' && sub.name === 'uploads') requests.push(...writeExtras(resource, request.headers));
    return requests;
  }
  switch (method) {
    case 'GET':
    case 'HEAD':
      return [{ action: versioned ? 's3:GetObjectVersion' : 's3:GetObject', resource, context }];
    case 'DELETE':
      return [{ action: versioned ? 's3:DeleteObjectVersion' : 's3:DeleteObject', resource, context }];
    case 'PUT': {
      // PutObject, UploadPart (?partNumber&uploadId), and their copying forms CopyObject/UploadPartCopy.
      if (params.has('partNumber') !== params.has('uploadId') || versioned) throw notImplemented('parameter');
      const requests: AuthorizationRequest[] = [{ action: 's3:PutObject', resource, context }];
      const copySource = request.headers['x-amz-copy-source'];
      if (copySource !== undefined) requests.push(copySourceRequest(copySource));
      if (!params.has('uploadId')) requests.push(...writeExtras(resource, request.headers));
      return requests;
    }
    default:
      throw methodNotAllowed();
  }
}

/** Setting an ACL or tags while writing needs s3:PutObjectAcl / s3:PutObjectTagging as well. */
function writeExtras(resource: string, headers: Record<string, string>): AuthorizationRequest[] {
  const extras: AuthorizationRequest[] = [];
  if (headers['x-amz-acl'] !== undefined || Object.keys(headers).some((h) => h.startsWith('x-amz-grant-'))) {
    extras.push({ action: 's3:PutObjectAcl', resource, context: headerContext(headers) });
  }
  if (headers['x-amz-tagging'] !== undefined) {
    extras.push({ action: 's3:PutObjectTagging', resource, context: {} });
  }
  return extras;
}

/** `x-amz-copy-source: [/]bucket/key[?versionId=...]`, URL-encoded: reading the source is a GetObject. */
function copySourceRequest(header: string): AuthorizationRequest {
  const [pathPart = '', queryPart] = header.split('?', 2);
  const path = pathPart.startsWith('/') ? pathPart.slice(1) : pathPart;
  const slash = path.indexOf('/');
  const invalid = new AwsError(
    'InvalidArgument',
    'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
    400,
  );
  if (slash <= 0 || slash === path.length - 1) throw invalid;
  const bucket = path.slice(0, slash);
  if (!BUCKET_NAME.test(bucket)) throw invalid;
  let key: string;
  try {
    key = decodeURIComponent(path.slice(slash + 1));
  } catch {
    throw invalid;
  }
  checkKey(key);
  const versioned = queryPart !== undefined && new URLSearchParams(queryPart).has('versionId');
  return {
    action: versioned ? 's3:GetObjectVersion' : 's3:GetObject',
    resource: objectArn(bucket, key),
    context: {},
  };
}

/** DeleteObjects authorizes each key as its own DeleteObject (or DeleteObjectVersion). */
function deleteObjectsRequests(bucket: string, body: Uint8Array): AuthorizationRequest[] {
  return parseDeleteObjects(new TextDecoder('utf-8', { fatal: false }).decode(body)).map(
    ({ key, versionId }) => {
      checkKey(key);
      return {
        action: versionId === undefined ? 's3:DeleteObject' : 's3:DeleteObjectVersion',
        resource: objectArn(bucket, key),
        context: {},
      };
    },
  );
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function xmlText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return XML_ENTITIES[entity] ?? '';
  });
}

/**
 * The `<Delete>` document, read strictly: only the elements the schema defines, one Key per Object, no
 * comments, CDATA or DOCTYPE. A lenient reader here could see other keys than the backend deletes.
 */
export function parseDeleteObjects(xml: string): { key: string; versionId?: string }[] {
  const document = xml.trim().replace(/^<\?xml[^>]*\?>/, '');
  const root = /^\s*<Delete(?:\s+xmlns="[^"<>]*")?\s*>([\s\S]*)<\/Delete>\s*$/.exec(document);
  if (root === null) throw malformedXml();
  let rest = (root[1] ?? '').trimStart();
  const objects: { key: string; versionId?: string }[] = [];
  for (; rest !== ''; rest = rest.trimStart()) {
    const quiet = /^<Quiet>\s*(true|false)\s*<\/Quiet>/.exec(rest);
    if (quiet !== null) {
      rest = rest.slice(quiet[0].length);
      continue;
    }
    const object = /^<Object>([\s\S]*?)<\/Object>/.exec(rest);
    if (object === null) throw malformedXml();
    rest = rest.slice(object[0].length);
    const fields = new Map<string, string>();
    for (let inner = (object[1] ?? '').trimStart(); inner !== ''; ) {
      const field = /^<(Key|VersionId|ETag|LastModifiedTime|Size)>([^<]*)<\/\1>/.exec(inner);
      if (field === null || fields.has(field[1] ?? '')) throw malformedXml();
      fields.set(field[1] ?? '', xmlText(field[2] ?? ''));
      inner = inner.slice(field[0].length).trimStart();
    }
    const key = fields.get('Key');
    if (key === undefined || key === '') throw malformedXml();
    const versionId = fields.get('VersionId');
    objects.push(versionId === undefined ? { key } : { key, versionId });
  }
  if (objects.length === 0 || objects.length > 1000) throw malformedXml();
  return objects;
}
