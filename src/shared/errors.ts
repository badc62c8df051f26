import type { ErrorCode } from '../contract/error-codes';

/** A failure the caller can act on, named by a stable code from the contract's catalog. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** The one table from error code to HTTP status; socket acks carry the code itself. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  ARTICLE_NOT_FOUND: 404,
  NOT_FOUND: 404,
  PRECONDITION_REQUIRED: 428,
  VERSION_CONFLICT: 412,
  ARTICLE_RETRACTED: 409,
  NO_CHANGES: 422,
  RATE_LIMITED: 429,
  SUBSCRIPTION_LIMIT: 400,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** zod issues as `{ path, message }` with dotted field paths, for `details` of VALIDATION_FAILED. */
export function issuesToDetails(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string; code?: string; keys?: readonly string[] }>,
) {
  return issues.flatMap((i) => {
    const path = i.path.map(String);
    // zod reports unknown keys at their parent object; name each key so the client sees which field to drop
    if (i.code === 'unrecognized_keys' && i.keys?.length) {
      return i.keys.map((key) => ({ path: [...path, key].join('.'), message: i.message }));
    }
    return [{ path: path.join('.'), message: i.message }];
  });
}
