/**
 * The CloudFront distribution: one origin (the bucket, through Origin Access Control, so the bucket
 * itself stays private) serving three trees under one domain:
 *
 *   app URLs (`isAppPath`)  site/   the app build; app routes without a file fall back to the shell
 *   /public/*               public/ writers' uploads, with headers that stop them running as pages
 *   everything else         pages/  what the publisher renders (`/` is pages/index.html)
 *
 * The routing is a CloudFront Function whose source is generated from `APP_PATH_PREFIXES`, so the CDN
 * and the local dev server (which calls `isAppPath`) cannot disagree; tests evaluate the generated
 * source on sample URLs.
 */
import { APP_EXACT_PATHS, APP_PATH_PREFIXES, PAGES_PREFIX } from '../src/core/site/paths.ts';
import { IMAGE_TYPES } from '../src/data/asset-validation.ts';
import { AWS_CSP_SOURCES, contentSecurityPolicy, HSTS, REFERRER_POLICY } from './security-headers.ts';

/** The app shell served for app routes (`/write`, `/auth/callback`...), which have no object. */
export const APP_SHELL = 'index.html';
/** What a missing page or object is answered with (status 404). */
export const NOT_FOUND_PAGE = `${PAGES_PREFIX}404.html`;

/**
 * Edge cache lifetime for pages and entry points: a publish (or a deploy's index.html) is visible
 * everywhere within this many seconds, whatever Cache-Control the object carries.
 */
export const PAGE_EDGE_TTL_SECONDS = 60;
/** What the publisher should store on pages, for browsers: the same minute, refreshed in the background. */
export const PAGE_CACHE_CONTROL = 'public, max-age=60, stale-while-revalidate=300';

/** Managed policy "CachingOptimized": honours Cache-Control up to a year (hashed assets, uploads). */
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';

export const CDN_LOGICAL_ID = {
  originAccessControl: 'SiteOriginAccessControl',
  routerFunction: 'SiteRouterFunction',
  uploadFunction: 'UploadHeadersFunction',
  pageCachePolicy: 'PageCachePolicy',
  appHeaders: 'AppHeadersPolicy',
  framableHeaders: 'FramableHeadersPolicy',
  uploadHeaders: 'UploadHeadersPolicy',
} as const;

/**
 * The viewer-request function (cloudfront-js-2.0). `isAppPath` restated in ES5-style JS from the same
 * prefix list; the object keys follow `pageKeyForPath` (no extension, trailing slashes dropped).
 */
export function routerFunctionCode(): string {
  return `var APP_PATH_PREFIXES = ${JSON.stringify(APP_PATH_PREFIXES)};
var APP_EXACT_PATHS = ${JSON.stringify(APP_EXACT_PATHS)};
function isAppPath(path) {
  if (APP_EXACT_PATHS.indexOf(path) !== -1) return true;
  for (var i = 0; i < APP_PATH_PREFIXES.length; i++) {
    var prefix = APP_PATH_PREFIXES[i];
    if (path === prefix || path.indexOf(prefix) === 0) return true;
  }
  return false;
}
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (isAppPath(uri)) {
    var last = uri.slice(uri.lastIndexOf('/') + 1);
    request.uri = last.indexOf('.') === -1 ? ${JSON.stringify(`/site/${APP_SHELL}`)} : '/site' + uri;
  } else {
    var path = uri.replace(/^\\/+/, '').replace(/\\/+$/, '');
    request.uri = path === '' ? '/${PAGES_PREFIX}index.html' : '/${PAGES_PREFIX}' + path;
  }
  return request;
}
`;
}

/** The viewer-response function on `/public/*`: anything not an allowed image is a download. */
export function uploadFunctionCode(): string {
  return `var IMAGE_TYPES = ${JSON.stringify(IMAGE_TYPES)};
function handler(event) {
  var response = event.response;
  var headers = response.headers;
  var type = headers['content-type'] ? headers['content-type'].value.split(';')[0].trim().toLowerCase() : '';
  if (IMAGE_TYPES.indexOf(type) === -1) headers['content-disposition'] = { value: 'attachment' };
  return response;
}
`;
}

type Resource = { Type: string; Properties: Record<string, unknown> };

function headersPolicy(name: string, profile: 'app' | 'framable' | 'upload'): Resource {
  return {
    Type: 'AWS::CloudFront::ResponseHeadersPolicy',
    Properties: {
      ResponseHeadersPolicyConfig: {
        Name: name,
        SecurityHeadersConfig: {
          // Override: an object's own metadata (which a writer chooses for uploads) never wins.
          ContentSecurityPolicy: {
            ContentSecurityPolicy: contentSecurityPolicy(profile, AWS_CSP_SOURCES),
            Override: true,
          },
          ContentTypeOptions: { Override: true },
          ReferrerPolicy: { ReferrerPolicy: REFERRER_POLICY, Override: true },
          StrictTransportSecurity: {
            AccessControlMaxAgeSec: Number(/max-age=(\d+)/.exec(HSTS)![1]),
            IncludeSubdomains: true,
            Override: true,
          },
          ...(profile === 'app' ? { FrameOptions: { FrameOption: 'DENY', Override: true } } : {}),
        },
      },
    },
  };
}

export interface DistributionInput {
  stackName: string;
  bucketName: string;
  region: string;
  aliases: string[];
  certificateArn?: string;
}

/** The distribution and everything it references, keyed by logical id. */
export function distributionResources(input: DistributionInput, distributionId: string) {
  const ref = (id: string) => ({ Ref: id });
  const idOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Id'] });
  const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'FunctionMetadata.FunctionARN'] });
  const name = (suffix: string) => `${input.stackName}-${suffix}`.slice(0, 64);
  const router = [{ EventType: 'viewer-request', FunctionARN: arn(CDN_LOGICAL_ID.routerFunction) }];
  const base = {
    TargetOriginId: 'bucket',
    ViewerProtocolPolicy: 'redirect-to-https',
    AllowedMethods: ['GET', 'HEAD'],
    CachedMethods: ['GET', 'HEAD'],
    Compress: true,
  };
  const resources: Record<string, Resource> = {
    [CDN_LOGICAL_ID.originAccessControl]: {
      Type: 'AWS::CloudFront::OriginAccessControl',
      Properties: {
        OriginAccessControlConfig: {
          Name: name('bucket'),
          OriginAccessControlOriginType: 's3',
          SigningBehavior: 'always',
          SigningProtocol: 'sigv4',
        },
      },
    },
    [CDN_LOGICAL_ID.routerFunction]: {
      Type: 'AWS::CloudFront::Function',
      Properties: {
        Name: name('router'),
        AutoPublish: true,
        FunctionConfig: { Comment: 'app URLs to site/, the rest to pages/', Runtime: 'cloudfront-js-2.0' },
        FunctionCode: routerFunctionCode(),
      },
    },
    [CDN_LOGICAL_ID.uploadFunction]: {
      Type: 'AWS::CloudFront::Function',
      Properties: {
        Name: name('uploads'),
        AutoPublish: true,
        FunctionConfig: { Comment: 'non-image uploads are downloads', Runtime: 'cloudfront-js-2.0' },
        FunctionCode: uploadFunctionCode(),
      },
    },
    [CDN_LOGICAL_ID.pageCachePolicy]: {
      Type: 'AWS::CloudFront::CachePolicy',
      Properties: {
        CachePolicyConfig: {
          Name: name('pages'),
          Comment: `pages and entry points: at most ${PAGE_EDGE_TTL_SECONDS} s at the edge`,
          MinTTL: 0,
          DefaultTTL: PAGE_EDGE_TTL_SECONDS,
          MaxTTL: PAGE_EDGE_TTL_SECONDS,
          ParametersInCacheKeyAndForwardedToOrigin: {
            EnableAcceptEncodingGzip: true,
            EnableAcceptEncodingBrotli: true,
            CookiesConfig: { CookieBehavior: 'none' },
            HeadersConfig: { HeaderBehavior: 'none' },
            // No query string reaches S3: `?response-content-type=` and friends cannot restyle an object.
            QueryStringsConfig: { QueryStringBehavior: 'none' },
          },
        },
      },
    },
    [CDN_LOGICAL_ID.appHeaders]: headersPolicy(name('app'), 'app'),
    [CDN_LOGICAL_ID.framableHeaders]: headersPolicy(name('framable'), 'framable'),
    [CDN_LOGICAL_ID.uploadHeaders]: headersPolicy(name('uploads'), 'upload'),
    [distributionId]: {
      Type: 'AWS::CloudFront::Distribution',
      Properties: {
        DistributionConfig: {
          Enabled: true,
          Comment: `${input.stackName}: pages, app and uploads from s3://${input.bucketName}`,
          HttpVersion: 'http2and3',
          PriceClass: 'PriceClass_100',
          ...(input.aliases.length ? { Aliases: input.aliases } : {}),
          ViewerCertificate: input.aliases.length
            ? {
                AcmCertificateArn: input.certificateArn,
                SslSupportMethod: 'sni-only',
                MinimumProtocolVersion: 'TLSv1.2_2021',
              }
            : { CloudFrontDefaultCertificate: true },
          Origins: [
            {
              Id: 'bucket',
              DomainName: `${input.bucketName}.s3.${input.region}.amazonaws.com`,
              // No OriginPath: the router picks site/ or pages/ per request.
              OriginAccessControlId: idOf(CDN_LOGICAL_ID.originAccessControl),
              S3OriginConfig: { OriginAccessIdentity: '' },
            },
          ],
          DefaultCacheBehavior: {
            ...base,
            CachePolicyId: ref(CDN_LOGICAL_ID.pageCachePolicy),
            ResponseHeadersPolicyId: ref(CDN_LOGICAL_ID.appHeaders),
            FunctionAssociations: router,
          },
          CacheBehaviors: [
            {
              // The one page other sites may frame.
              ...base,
              PathPattern: '/comments.html',
              CachePolicyId: ref(CDN_LOGICAL_ID.pageCachePolicy),
              ResponseHeadersPolicyId: ref(CDN_LOGICAL_ID.framableHeaders),
              FunctionAssociations: router,
            },
            {
              // Hashed build assets: `Cache-Control: immutable` from the upload, honoured for a year.
              ...base,
              PathPattern: '/assets/*',
              CachePolicyId: CACHING_OPTIMIZED,
              ResponseHeadersPolicyId: ref(CDN_LOGICAL_ID.appHeaders),
              FunctionAssociations: router,
            },
            {
              ...base,
              PathPattern: '/public/*',
              CachePolicyId: CACHING_OPTIMIZED,
              ResponseHeadersPolicyId: ref(CDN_LOGICAL_ID.uploadHeaders),
              FunctionAssociations: [
                { EventType: 'viewer-response', FunctionARN: arn(CDN_LOGICAL_ID.uploadFunction) },
              ],
            },
          ],
          // Error pages are fetched without the viewer function, so the key is spelled out.
          CustomErrorResponses: [403, 404].map((ErrorCode) => ({
            ErrorCode,
            ResponseCode: 404,
            ResponsePagePath: `/${NOT_FOUND_PAGE}`,
            ErrorCachingMinTTL: 10,
          })),
        },
      },
    },
  };
  return resources;
}

/**
 * The bucket policy with a CDN: only this distribution (OAC signs as `cloudfront.amazonaws.com`, and
 * `AWS:SourceArn` names the distribution) may read, and only the three served trees.
 */
export function cdnBucketPolicy(bucketName: string, accountId: string, distributionId: string) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'CloudFrontReadsServedTrees',
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Resource: ['site/', PAGES_PREFIX, 'public/'].map((prefix) => `arn:aws:s3:::${bucketName}/${prefix}*`),
        Condition: {
          StringEquals: {
            'AWS:SourceArn': {
              'Fn::Join': ['', [`arn:aws:cloudfront::${accountId}:distribution/`, { Ref: distributionId }]],
            },
          },
        },
      },
    ],
  };
}
