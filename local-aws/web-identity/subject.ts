/**
 * Subjects that could act as IAM wildcards. IAM substitutes a web-identity subject into policies such
 * as `public/${provider:sub}/*`; AWS's documentation names `*`, `?` and `$` as the characters that
 * carry meaning in a policy and gives no promise about substituted values, so a subject holding them
 * is refused at sign-in, before it can reach a policy. (The gateway also treats substituted values
 * literally, as IAM's `${*}`, `${?}`, `${$}`.)
 */
const WILDCARD_CHARACTERS = /[*?$]/;

/** The message a refused subject gets, or undefined when the subject is safe to substitute. */
export function unsafeSubjectReason(subject: string): string | undefined {
  if (!WILDCARD_CHARACTERS.test(subject)) return undefined;
  return `The token's subject '${subject}' contains '*', '?' or '$', which IAM policies would read as wildcards; this identity provider's subjects cannot be used to sign in.`;
}
