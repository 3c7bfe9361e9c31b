/**
 * The publisher and the distribution in the template, as data. The roles and bucket policy are also
 * evaluated with the local gateway's IAM evaluator: each attack (writing the app build, another
 * writer's uploads, reading the bucket without the distribution) is tried and refused.
 */
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { type EvaluablePolicy, evaluatePolicies } from '../local-aws/gateway/iam/evaluate.ts';
import { APP_PATH_PREFIXES, isAppPath, pageKeyForPath } from '../src/core/site/paths.ts';
import { CDN_LOGICAL_ID, routerFunctionCode, uploadFunctionCode } from './cdn.ts';
import { PUBLISHER_LOGICAL_ID } from './publisher-stack.ts';
import { buildTemplate, type DeploymentSettings, LOGICAL_ID, resolveNames } from './template.ts';

const settings: DeploymentSettings = {
  region: 'eu-west-1',
  accountId: '123456789012',
  stage: 'inkwell-prod',
  appOrigins: ['https://blog.example.com'],
  providers: [{ id: 'google', kind: 'google', label: 'Google', clientId: 'g' }],
};
const code = {
  bucket: 'inkwell-prod-artifacts-123456789012-eu-west-1',
  key: 'publisher/0123456789abcdef.zip',
};
const template = buildTemplate(settings, { publisherCode: code });
const names = resolveNames(settings);
const TABLE = `arn:aws:dynamodb:eu-west-1:123456789012:table/${names.tableName}`;
const STREAM = `${TABLE}/stream/2026-12-02T00:00:00.000`;
const DLQ = 'arn:aws:sqs:eu-west-1:123456789012:inkwell-prod-PublisherDeadLetters';
const LOGS = 'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/inkwell-prod-publisher:*';
const DISTRIBUTION_ID = 'E2EXAMPLE';
const object = (key: string) => `arn:aws:s3:::${names.bucketName}/${key}`;

// biome-ignore lint/suspicious/noExplicitAny: template values are untyped JSON
type Json = any;
const props = (id: string): Json => {
  const resource = template.Resources[id];
  if (!resource) throw new Error(`no resource ${id}`);
  return resource.Properties;
};

/** What CloudFormation would resolve the intrinsics to, so IAM's evaluator can read the policy. */
function resolveIntrinsics(value: Json): Json {
  if (Array.isArray(value)) return value.map(resolveIntrinsics);
  if (value && typeof value === 'object') {
    if ('Fn::GetAtt' in value) {
      const [id, attribute] = value['Fn::GetAtt'];
      if (id === LOGICAL_ID.table && attribute === 'StreamArn') return STREAM;
      if (id === PUBLISHER_LOGICAL_ID.deadLetterQueue) return DLQ;
      if (id === PUBLISHER_LOGICAL_ID.logGroup) return LOGS;
      throw new Error(`unresolved ${id}.${attribute}`);
    }
    if ('Ref' in value) {
      if (value.Ref === LOGICAL_ID.distribution) return DISTRIBUTION_ID;
      throw new Error(`unresolved Ref ${value.Ref}`);
    }
    if ('Fn::Join' in value) {
      const [separator, parts] = value['Fn::Join'];
      return parts.map(resolveIntrinsics).join(separator);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveIntrinsics(v)]));
  }
  return value;
}

describe('the publisher on AWS', () => {
  const fn = props(PUBLISHER_LOGICAL_ID.function);
  const policy: EvaluablePolicy = resolveIntrinsics(
    props(PUBLISHER_LOGICAL_ID.role).Policies[0].PolicyDocument,
  );
  const decide = (action: string, resource: string, context: Record<string, string | string[]> = {}) =>
    evaluatePolicies([policy], { action, resource, context });

  it('is a Node 22+ Lambda whose code is the content-hashed package deploy uploads', () => {
    expect(Number(/^nodejs(\d+)\.x$/.exec(fn.Runtime)?.[1])).toBeGreaterThanOrEqual(22);
    expect(fn.Code).toEqual({ S3Bucket: code.bucket, S3Key: code.key });
    expect(fn.Handler).toBe('index.handler');
    expect(fn.Role).toEqual({ 'Fn::GetAtt': [PUBLISHER_LOGICAL_ID.role, 'Arn'] });
  });

  it('renders serially (reserved concurrency 1) with the table, bucket and public origin it needs', () => {
    expect(fn.ReservedConcurrentExecutions).toBe(1);
    expect(fn.Environment.Variables).toEqual({
      TABLE_NAME: names.tableName,
      BUCKET_NAME: names.bucketName,
      SITE_URL: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [LOGICAL_ID.distribution, 'DomainName'] }]] },
    });
    const custom = buildTemplate({
      ...settings,
      cdn: {
        aliases: ['blog.example.com'],
        certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/x',
      },
    });
    expect(custom.Resources[PUBLISHER_LOGICAL_ID.function]!.Properties.Environment).toEqual({
      Variables: expect.objectContaining({ SITE_URL: 'https://blog.example.com' }),
    });
  });

  it('reads the table stream in batches, bisects failures, retries a bounded number of times, then queues', () => {
    const mapping = props(PUBLISHER_LOGICAL_ID.eventSource);
    expect(mapping.EventSourceArn).toEqual({ 'Fn::GetAtt': [LOGICAL_ID.table, 'StreamArn'] });
    expect(mapping.FunctionName).toEqual({ Ref: PUBLISHER_LOGICAL_ID.function });
    expect(mapping.BatchSize).toBe(100);
    expect(mapping.MaximumBatchingWindowInSeconds).toBeGreaterThan(0);
    expect(mapping.MaximumBatchingWindowInSeconds).toBeLessThanOrEqual(10);
    expect(mapping.BisectBatchOnFunctionError).toBe(true);
    expect(mapping.MaximumRetryAttempts).toBeGreaterThanOrEqual(0);
    expect(mapping.MaximumRetryAttempts).toBeLessThanOrEqual(10);
    expect(mapping.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(mapping.DestinationConfig.OnFailure.Destination).toEqual({
      'Fn::GetAtt': [PUBLISHER_LOGICAL_ID.deadLetterQueue, 'Arn'],
    });
    expect(template.Resources[PUBLISHER_LOGICAL_ID.deadLetterQueue]!.Type).toBe('AWS::SQS::Queue');
  });

  it('may read the public partitions, the indexes and the stream; never a draft, never write the table', () => {
    const publicKeys = { 'dynamodb:LeadingKeys': ['U#alice'] };
    for (const action of ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem']) {
      expect(decide(action, TABLE, publicKeys)).toBe('Allow');
      // Drafts live in D#: the role the publisher shares with the local stack cannot read them.
      expect(decide(action, TABLE, { 'dynamodb:LeadingKeys': ['D#alice'] })).toBe('ImplicitDeny');
    }
    expect(decide('dynamodb:Query', `${TABLE}/index/feed`)).toBe('Allow');
    for (const action of ['dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:DescribeStream']) {
      expect(decide(action, STREAM)).toBe('Allow');
    }
    for (const action of [
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:Scan',
    ]) {
      expect(decide(action, TABLE, publicKeys)).toBe('ImplicitDeny');
    }
    expect(
      decide('dynamodb:GetItem', 'arn:aws:dynamodb:eu-west-1:123456789012:table/other', publicKeys),
    ).toBe('ImplicitDeny');
  });

  it('writes, deletes and reads pages/ and its own state only: never the app build (site/) nor writers uploads (public/)', () => {
    for (const action of ['s3:PutObject', 's3:DeleteObject', 's3:GetObject']) {
      expect(decide(action, object('pages/@alice/my-post'))).toBe('Allow');
      expect(decide(action, object('publisher/manifest.json'))).toBe('Allow');
      expect(decide(action, object('site/index.html'))).toBe('ImplicitDeny');
      expect(decide(action, object('public/alice/cover.png'))).toBe('ImplicitDeny');
      expect(decide(action, object('exports/2026/manifest.json'))).toBe('ImplicitDeny');
    }
    const bucket = `arn:aws:s3:::${names.bucketName}`;
    // ListBucket is what turns a missing manifest into 404 instead of 403 (a prefix condition would not
    // count for GetObject); it reveals key names only, all of them public.
    expect(decide('s3:ListBucket', bucket)).toBe('Allow');
    expect(decide('s3:PutBucketPolicy', bucket)).toBe('ImplicitDeny');
  });

  it('may report failures to its own queue and write its own logs, nothing else', () => {
    expect(decide('sqs:SendMessage', DLQ)).toBe('Allow');
    expect(decide('sqs:SendMessage', 'arn:aws:sqs:eu-west-1:123456789012:other')).toBe('ImplicitDeny');
    expect(decide('logs:PutLogEvents', LOGS)).toBe('Allow');
    expect(decide('iam:PassRole', '*')).toBe('ImplicitDeny');
  });
});

describe('the distribution', () => {
  const distribution = props(LOGICAL_ID.distribution).DistributionConfig;
  const bucketPolicy: EvaluablePolicy = resolveIntrinsics(props(LOGICAL_ID.bucketPolicy).PolicyDocument);
  const viaCloudFront = (key: string, sourceArn: string) =>
    evaluatePolicies([bucketPolicy], {
      action: 's3:GetObject',
      resource: object(key),
      context: { 'aws:SourceArn': sourceArn, 'aws:PrincipalServiceName': 'cloudfront.amazonaws.com' },
    });
  const ours = `arn:aws:cloudfront::123456789012:distribution/${DISTRIBUTION_ID}`;

  it('reads the bucket through Origin Access Control; the bucket is no longer public', () => {
    const [origin] = distribution.Origins;
    expect(origin.OriginAccessControlId).toEqual({
      'Fn::GetAtt': [CDN_LOGICAL_ID.originAccessControl, 'Id'],
    });
    expect(origin.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    expect(props(CDN_LOGICAL_ID.originAccessControl).OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
    });
    const statements = (bucketPolicy.Statement as Json[]).map((s) => s.Principal);
    expect(statements).toEqual([{ Service: 'cloudfront.amazonaws.com' }]);
    expect(JSON.stringify(bucketPolicy)).not.toContain('"Principal":"*"');
    // Block Public Access fully on: even a later public statement added by hand would be refused.
    expect(props(LOGICAL_ID.bucket).PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
  });

  it('lets only this distribution read site/, pages/ and public/, and nothing else', () => {
    for (const key of ['site/index.html', 'pages/@alice/my-post', 'public/alice/cover.png']) {
      expect(viaCloudFront(key, ours)).toBe('Allow');
      // Another account's distribution pointed at our bucket.
      expect(viaCloudFront(key, 'arn:aws:cloudfront::999999999999:distribution/EVIL')).toBe('ImplicitDeny');
    }
    expect(viaCloudFront('exports/2026/manifest.json', ours)).toBe('ImplicitDeny');
    expect(viaCloudFront('public/alice/cover.png', '')).toBe('ImplicitDeny');
  });

  it('keeps the public-read policy only when the operator disables the CDN', () => {
    const plain = buildTemplate({ ...settings, cdn: { enabled: false } });
    expect(plain.Resources).not.toHaveProperty(LOGICAL_ID.distribution);
    expect(JSON.stringify(plain.Resources[LOGICAL_ID.bucketPolicy])).toContain('"Principal":"*"');
  });

  it('routes with the viewer-request function and caches pages at the edge for at most a minute', () => {
    expect(distribution.DefaultCacheBehavior.FunctionAssociations).toEqual([
      {
        EventType: 'viewer-request',
        FunctionARN: { 'Fn::GetAtt': [CDN_LOGICAL_ID.routerFunction, 'FunctionMetadata.FunctionARN'] },
      },
    ]);
    expect(distribution.DefaultCacheBehavior.CachePolicyId).toEqual({ Ref: CDN_LOGICAL_ID.pageCachePolicy });
    const cache = props(CDN_LOGICAL_ID.pageCachePolicy).CachePolicyConfig;
    expect(cache.MaxTTL).toBeLessThanOrEqual(60);
    expect(cache.ParametersInCacheKeyAndForwardedToOrigin.QueryStringsConfig).toEqual({
      QueryStringBehavior: 'none',
    });
    const assets = distribution.CacheBehaviors.find((b: Json) => b.PathPattern === '/assets/*');
    // Managed CachingOptimized: the year-long immutable Cache-Control of hashed assets is honoured.
    expect(assets.CachePolicyId).toBe('658327ea-f89d-4fab-a63d-7e88639e58f6');
    expect(props(CDN_LOGICAL_ID.routerFunction).FunctionCode).toBe(routerFunctionCode());
  });

  it('forbids framing of the app and pages, allows it for /comments.html only, and sends the other headers', () => {
    const headers = (id: string) => props(id).ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const app = headers(CDN_LOGICAL_ID.appHeaders);
    expect(app.ContentSecurityPolicy.ContentSecurityPolicy).toContain("frame-ancestors 'none'");
    expect(app.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(app.ContentTypeOptions).toEqual({ Override: true });
    expect(app.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31_536_000);
    expect(app.ReferrerPolicy.ReferrerPolicy).toBe('strict-origin-when-cross-origin');
    expect(distribution.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({
      Ref: CDN_LOGICAL_ID.appHeaders,
    });

    const widget = distribution.CacheBehaviors.find((b: Json) => b.PathPattern === '/comments.html');
    expect(widget.ResponseHeadersPolicyId).toEqual({ Ref: CDN_LOGICAL_ID.framableHeaders });
    const framable = headers(CDN_LOGICAL_ID.framableHeaders);
    expect(framable.ContentSecurityPolicy.ContentSecurityPolicy).toContain('frame-ancestors *');
    expect(framable.FrameOptions).toBeUndefined();
  });

  it('serves uploads with nosniff and a sandboxing CSP, and non-images as downloads', () => {
    const uploads = distribution.CacheBehaviors.find((b: Json) => b.PathPattern === '/public/*');
    expect(uploads.ResponseHeadersPolicyId).toEqual({ Ref: CDN_LOGICAL_ID.uploadHeaders });
    const security = props(CDN_LOGICAL_ID.uploadHeaders).ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(security.ContentSecurityPolicy).toEqual({
      ContentSecurityPolicy: "default-src 'none'; sandbox",
      Override: true,
    });
    expect(security.ContentTypeOptions).toEqual({ Override: true });
    expect(uploads.FunctionAssociations[0].EventType).toBe('viewer-response');
    const respond = (type?: string) => {
      const headers: Record<string, { value: string }> = type ? { 'content-type': { value: type } } : {};
      const handler = runInNewContext(`${uploadFunctionCode()}; handler`) as (e: unknown) => Json;
      return handler({ response: { statusCode: 200, headers } }).headers['content-disposition']?.value;
    };
    expect(respond('image/png')).toBeUndefined();
    expect(respond('IMAGE/JPEG; charset=binary')).toBeUndefined();
    expect(respond('text/html')).toBe('attachment');
    expect(respond('image/svg+xml')).toBe('attachment');
    expect(respond('application/octet-stream')).toBe('attachment');
    expect(respond()).toBe('attachment');
  });
});

describe('the router function (generated from APP_PATH_PREFIXES)', () => {
  const handler = runInNewContext(`${routerFunctionCode()}; handler`) as (event: unknown) => { uri: string };
  const route = (uri: string) => handler({ request: { uri, headers: {} } }).uri;
  const samples = [
    '/',
    '/@alice',
    '/@alice/my-post',
    '/@alice/my-post/',
    '/@alice/page/2',
    '/tags/aws',
    '/page/3',
    '/feed.atom',
    '/@alice/feed.atom',
    '/sitemap.xml',
    '/robots.txt',
    '/authors/us-east-1:abc/posts/x',
    '/index.html',
    '/write',
    '/write/my-draft',
    '/profile',
    '/media',
    '/auth/callback',
    '/auth/popup-callback',
    '/assets/index-C4Pzk1vJ.js',
    '/config.json',
    '/embed.js',
    '/comments.html',
    '/islands.js',
    '/favicon.svg',
    '/app.html',
    ...APP_PATH_PREFIXES,
  ];

  it('sends app URLs to site/ and every other URL to its pages/ key, as isAppPath and pageKeyForPath do', () => {
    for (const path of samples) {
      const expected = isAppPath(path)
        ? /\.[^/]*$/.test(path)
          ? `/site${path}`
          : '/site/index.html'
        : `/${pageKeyForPath(path)}`;
      expect(route(path), path).toBe(expected);
    }
  });

  it('gives concrete answers for the URLs readers and the app use', () => {
    // The home page is still the app's (APP_EXACT_PATHS, transitional: docs/publishing.md).
    expect(route('/')).toBe('/site/index.html');
    expect(route('/@alice/my-post')).toBe('/pages/@alice/my-post');
    expect(route('/sitemap.xml')).toBe('/pages/sitemap.xml');
    expect(route('/write')).toBe('/site/index.html');
    expect(route('/auth/callback')).toBe('/site/index.html');
    expect(route('/assets/index-C4Pzk1vJ.js')).toBe('/site/assets/index-C4Pzk1vJ.js');
    expect(route('/comments.html')).toBe('/site/comments.html');
  });
});
