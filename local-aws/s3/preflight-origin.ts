/**
 * s3rver answers an allowed CORS preflight with `Access-Control-Allow-Origin: *` and no max age; S3
 * echoes the origin the matching rule allowed. Browsers accept either for an uncredentialed request,
 * but the local server should answer as S3 does, so this corrects it where s3rver makes it.
 */
interface PreflightContext {
  method: string;
  status: number;
  get(header: string): string;
  set(header: string, value: string): void;
  response: { get(header: string): string };
}

export function preflightOrigin() {
  return async (ctx: PreflightContext, next: () => Promise<void>): Promise<void> => {
    await next();
    const origin = ctx.get('origin');
    if (ctx.method !== 'OPTIONS' || ctx.status !== 200 || !origin) return;
    ctx.set('Access-Control-Allow-Origin', origin);
    if (!ctx.response.get('access-control-max-age')) ctx.set('Access-Control-Max-Age', '600');
  };
}
