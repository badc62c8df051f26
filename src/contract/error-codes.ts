/**
 * The one catalog of error codes Dateline speaks, over HTTP and over Socket.IO acks.
 * Codes are stable API: clients switch on them, so a code is never renamed or reused.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'ARTICLE_NOT_FOUND',
  'NOT_FOUND',
  'PRECONDITION_REQUIRED',
  'VERSION_CONFLICT',
  'ARTICLE_RETRACTED',
  'NO_CHANGES',
  'RATE_LIMITED',
  'SUBSCRIPTION_LIMIT',
  'SERVICE_UNAVAILABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
