/**
 * The publisher's dependencies, made the same way for Lambda, the local stream runner and the
 * backfill: the one client factory, and the shared markdown renderer over a jsdom window.
 */

import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { JSDOM } from 'jsdom';
import { createAwsClients } from '../aws/client-factory.ts';
import { createMarkdownRenderer } from '../core/markdown/render.ts';
import type { SiteConfig } from '../core/site/site-model.ts';
import { createExclusive, type PublisherDeps } from './publish.ts';
import { s3SiteStore } from './site-store.ts';

export interface PublisherSettings {
  region: string;
  endpoint?: string;
  /** Omitted on Lambda: the SDK's default chain reads the function's role. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  tableName: string;
  bucketName: string;
  site: SiteConfig;
}

export function createPublisher(settings: PublisherSettings): PublisherDeps & { destroy(): void } {
  const clients = createAwsClients({
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    maxAttempts: 5,
  } as Parameters<typeof createAwsClients>[0]);
  const { window } = new JSDOM('');
  return {
    reader: { documents: clients.documents, tableName: settings.tableName },
    store: s3SiteStore(clients.s3, settings.bucketName),
    config: settings.site,
    exclusive: createExclusive(),
    render: createMarkdownRenderer(window as unknown as Parameters<typeof createMarkdownRenderer>[0]),
    destroy: () => {
      clients.destroy();
      window.close();
    },
  };
}
