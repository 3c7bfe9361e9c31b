import { createContext } from '@lit/context';
import type { AwsSession } from '../aws/aws-session.ts';

/** The signed-in (or guest) AWS session, provided once by <ink-app> to every element below it. */
export const awsSessionContext = createContext<AwsSession>(Symbol('ink-aws-session'));
