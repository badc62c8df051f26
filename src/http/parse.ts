import type { z } from 'zod';
import { AppError, issuesToDetails } from '../shared/errors';

/** Parses untrusted input; callers use only the returned value. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, where?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = issuesToDetails(result.error.issues).map((d) => ({
    ...d,
    path: where ? [where, d.path].filter(Boolean).join('.') : d.path,
  }));
  throw new AppError('VALIDATION_FAILED', 'the request is not valid', details);
}
