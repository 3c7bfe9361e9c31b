/** An in-memory S3 multipart API for the driver's unit tests: it fails parts on request. */
import type { S3Sender } from '../multipart-upload.ts';

/** 12 MiB: three parts of 5, 5 and 2 MiB. */
export const MiB_TEST_SIZE = 12 * 1024 * 1024;

interface FakeOptions {
  /** Part number → how many times it fails (as a network error) before succeeding. */
  failPart?: Record<number, number>;
  onPart?: (partNumber: number) => void;
}

const networkError = () => new TypeError('Failed to fetch');

export function fakeS3(options: FakeOptions = {}) {
  let failures = { ...options.failPart };
  let next = 0;
  const uploads = new Map<string, Map<number, { ETag: string; Size: number }>>();
  const requests: number[] = [];
  const completed: { PartNumber: number; ETag: string }[][] = [];
  const aborted: string[] = [];
  const fake: S3Sender = {
    async send(command) {
      const name = command.constructor.name as string;
      const input = command.input;
      const parts = () => {
        const found = uploads.get(input.UploadId);
        if (!found)
          throw Object.assign(new Error('no such upload'), {
            name: 'NoSuchUpload',
            $metadata: { httpStatusCode: 404 },
          });
        return found;
      };
      switch (name) {
        case 'CreateMultipartUploadCommand': {
          const id = `u${++next}`;
          uploads.set(id, new Map());
          return { UploadId: id };
        }
        case 'UploadPartCommand': {
          requests.push(input.PartNumber);
          options.onPart?.(input.PartNumber);
          if ((failures[input.PartNumber] ?? 0) > 0) {
            failures[input.PartNumber]! -= 1;
            throw networkError();
          }
          parts().set(input.PartNumber, { ETag: `"e${input.PartNumber}"`, Size: input.ContentLength });
          return { ETag: `"e${input.PartNumber}"` };
        }
        case 'ListPartsCommand':
          return {
            Parts: [...parts().entries()].map(([PartNumber, p]) => ({ PartNumber, ...p })),
            IsTruncated: false,
          };
        case 'CompleteMultipartUploadCommand':
          parts();
          completed.push(input.MultipartUpload.Parts);
          uploads.delete(input.UploadId);
          return {};
        case 'AbortMultipartUploadCommand':
          parts();
          aborted.push(input.UploadId);
          uploads.delete(input.UploadId);
          return {};
        default:
          throw new Error(`unexpected ${name}`);
      }
    },
  };
  return Object.assign(fake, {
    partRequests: () => [...requests],
    completed,
    aborted,
    heal: () => {
      failures = {};
    },
    forgetUploads: () => uploads.clear(),
  });
}
