import { describe, expect, it } from 'vitest';
import { AwsError } from '../aws-errors.ts';
import { parseDeleteObjects, s3AuthorizationRequests } from './s3-requests.ts';

const BUCKET = 'arn:aws:s3:::inkwell-assets';
const OBJECT = `${BUCKET}/public/us-east-1:alice/a b.png`;
const PATH = '/inkwell-assets/public/us-east-1%3Aalice/a%20b.png';

const map = (method: string, path: string, query = '', headers: Record<string, string> = {}, body = '') =>
  s3AuthorizationRequests(method, path, query, headers, new TextEncoder().encode(body));
const actions = (...args: Parameters<typeof map>) => map(...args).map((r) => [r.action, r.resource]);

function rejection(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AwsError) return error;
    throw error;
  }
  throw new Error('expected an AwsError');
}

describe('object operations', () => {
  it('maps reads, writes and deletes of an object (keys percent-decoded)', () => {
    expect(actions('GET', PATH, 'x-id=GetObject')).toEqual([['s3:GetObject', OBJECT]]);
    expect(actions('HEAD', PATH)).toEqual([['s3:GetObject', OBJECT]]);
    expect(actions('GET', PATH, 'versionId=v1&response-content-type=image%2Fpng')).toEqual([
      ['s3:GetObjectVersion', OBJECT],
    ]);
    expect(actions('PUT', PATH, 'x-id=PutObject')).toEqual([['s3:PutObject', OBJECT]]);
    expect(actions('DELETE', PATH)).toEqual([['s3:DeleteObject', OBJECT]]);
    expect(actions('GET', PATH, 'tagging')).toEqual([['s3:GetObjectTagging', OBJECT]]);
  });

  it('maps the multipart upload steps', () => {
    expect(actions('POST', PATH, 'uploads')).toEqual([['s3:PutObject', OBJECT]]);
    expect(actions('PUT', PATH, 'partNumber=2&uploadId=u1')).toEqual([['s3:PutObject', OBJECT]]);
    expect(actions('POST', PATH, 'uploadId=u1')).toEqual([['s3:PutObject', OBJECT]]);
    expect(actions('GET', PATH, 'uploadId=u1&max-parts=10')).toEqual([
      ['s3:ListMultipartUploadParts', OBJECT],
    ]);
    expect(actions('DELETE', PATH, 'uploadId=u1')).toEqual([['s3:AbortMultipartUpload', OBJECT]]);
  });

  it('CopyObject and UploadPartCopy also read the source', () => {
    const copy = { 'x-amz-copy-source': 'inkwell-assets/public/us-east-1%3Abob/b.png?versionId=v9' };
    expect(actions('PUT', PATH, '', copy)).toEqual([
      ['s3:PutObject', OBJECT],
      ['s3:GetObjectVersion', `${BUCKET}/public/us-east-1:bob/b.png`],
    ]);
    expect(
      actions('PUT', PATH, 'partNumber=1&uploadId=u', { 'x-amz-copy-source': '/other-bucket/k' }),
    ).toEqual([
      ['s3:PutObject', OBJECT],
      ['s3:GetObject', 'arn:aws:s3:::other-bucket/k'],
    ]);
    expect(rejection(() => map('PUT', PATH, '', { 'x-amz-copy-source': 'just-a-bucket' })).code).toBe(
      'InvalidArgument',
    );
  });

  it('needs s3:PutObjectAcl and s3:PutObjectTagging when a write sets them, with header condition keys', () => {
    const [put, acl, tagging] = map('PUT', PATH, '', { 'x-amz-acl': 'public-read', 'x-amz-tagging': 'a=b' });
    expect(put).toEqual({
      action: 's3:PutObject',
      resource: OBJECT,
      context: { 's3:x-amz-acl': 'public-read' },
    });
    expect([acl?.action, tagging?.action]).toEqual(['s3:PutObjectAcl', 's3:PutObjectTagging']);
    expect(actions('POST', PATH, 'uploads', { 'x-amz-grant-read': 'uri=x' })).toEqual([
      ['s3:PutObject', OBJECT],
      ['s3:PutObjectAcl', OBJECT],
    ]);
  });

  it('refuses what could be read differently downstream', () => {
    expect(
      rejection(() => map('GET', '/inkwell-assets/public/us-east-1%3Aalice/../us-east-1%3Abob/x')).code,
    ).toBe('InvalidArgument');
    expect(rejection(() => map('GET', '/inkwell-assets/%2E%2E/x')).code).toBe('InvalidArgument');
    expect(rejection(() => map('GET', '/inkwell-assets%2Fpublic/x')).code).toBe('InvalidBucketName');
    expect(rejection(() => map('GET', '/inkwell-assets/', 'prefix=a&prefix=b')).code).toBe('InvalidArgument');
    expect(rejection(() => map('GET', '/inkwell-assets/%E0%A4%A')).code).toBe('InvalidURI');
    expect(rejection(() => map('GET', PATH, 'acl&tagging')).code).toBe('NotImplemented');
    expect(rejection(() => map('GET', PATH, 'somethingNew')).code).toBe('NotImplemented');
    expect(rejection(() => map('POST', PATH)).code).toBe('MethodNotAllowed');
    expect(rejection(() => map('PATCH', PATH)).code).toBe('MethodNotAllowed');
    expect(rejection(() => map('OPTIONS', PATH)).code).toBe('MethodNotAllowed');
  });
});

describe('bucket operations', () => {
  it('ListObjects(V2): s3:ListBucket on the bucket with s3:prefix ("" when absent) and s3:delimiter', () => {
    expect(
      map('GET', '/inkwell-assets/', 'list-type=2&prefix=public%2Fus-east-1%3Aalice%2F&delimiter=%2F'),
    ).toEqual([
      {
        action: 's3:ListBucket',
        resource: BUCKET,
        context: { 's3:prefix': 'public/us-east-1:alice/', 's3:delimiter': '/' },
      },
    ]);
    expect(map('GET', '/inkwell-assets', 'max-keys=5')).toEqual([
      { action: 's3:ListBucket', resource: BUCKET, context: { 's3:prefix': '', 's3:max-keys': '5' } },
    ]);
  });

  it('maps bucket subresources per method', () => {
    expect(actions('GET', '/inkwell-assets', 'uploads&prefix=p')).toEqual([
      ['s3:ListBucketMultipartUploads', BUCKET],
    ]);
    expect(actions('GET', '/inkwell-assets', 'cors')).toEqual([['s3:GetBucketCORS', BUCKET]]);
    expect(actions('PUT', '/inkwell-assets', 'cors')).toEqual([['s3:PutBucketCORS', BUCKET]]);
    expect(actions('DELETE', '/inkwell-assets', 'cors')).toEqual([['s3:PutBucketCORS', BUCKET]]);
    expect(actions('GET', '/inkwell-assets', 'location')).toEqual([['s3:GetBucketLocation', BUCKET]]);
    expect(actions('PUT', '/inkwell-assets', 'policy')).toEqual([['s3:PutBucketPolicy', BUCKET]]);
    expect(actions('GET', '/inkwell-assets', 'website')).toEqual([['s3:GetBucketWebsite', BUCKET]]);
    expect(actions('PUT', '/inkwell-assets')).toEqual([['s3:CreateBucket', BUCKET]]);
    expect(actions('DELETE', '/inkwell-assets')).toEqual([['s3:DeleteBucket', BUCKET]]);
    expect(actions('HEAD', '/inkwell-assets')).toEqual([['s3:ListBucket', BUCKET]]);
    expect(actions('GET', '/')).toEqual([['s3:ListAllMyBuckets', '*']]);
  });

  it('DeleteObjects: one s3:DeleteObject per key in the XML body', () => {
    const body =
      '<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      '<Object><Key>public/us-east-1:alice/a&amp;b.png</Key></Object>\n' +
      '<Object><Key>public/us-east-1:bob/c.png</Key><VersionId>v2</VersionId></Object><Quiet>true</Quiet></Delete>';
    expect(actions('POST', '/inkwell-assets/', 'delete', {}, body)).toEqual([
      ['s3:DeleteObject', `${BUCKET}/public/us-east-1:alice/a&b.png`],
      ['s3:DeleteObjectVersion', `${BUCKET}/public/us-east-1:bob/c.png`],
    ]);
  });

  it('reads the Delete document strictly', () => {
    const wrap = (inner: string) => `<Delete>${inner}</Delete>`;
    expect(parseDeleteObjects(wrap('<Object><Key>&#x41;&#66;</Key></Object>'))).toEqual([{ key: 'AB' }]);
    const malformed = [
      '',
      wrap(''),
      wrap('<Object><Key>a</Key><Key>b</Key></Object>'),
      wrap('<Object><Key>a</Key></Object><!-- <Object><Key>b</Key></Object> -->'),
      wrap('<Object><Key><![CDATA[a]]></Key></Object>'),
      wrap('<Object><s3:Key>a</s3:Key></Object>'),
      wrap('<Object><VersionId>v</VersionId></Object>'),
      '<!DOCTYPE x><Delete><Object><Key>a</Key></Object></Delete>',
    ];
    for (const xml of malformed) {
      expect(rejection(() => parseDeleteObjects(xml)).code, xml).toBe('MalformedXML');
    }
  });
});
