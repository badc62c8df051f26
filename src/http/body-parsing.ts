import express, { type RequestHandler } from 'express';
import { AppError } from '../shared/errors';

export const MAX_BODY_BYTES = 256 * 1024;

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** Writes must send JSON: 415 for any other media type, before a byte of the body is read. */
export const requireJson: RequestHandler = (req, _res, next) => {
  if (WRITE_METHODS.has(req.method) && !req.is('application/json')) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
  }
  next();
};

/** JSON bodies up to MAX_BODY_BYTES; parser failures become catalog errors (never a 5xx). */
export const jsonBody: RequestHandler = (req, res, next) => {
  express.json({ limit: MAX_BODY_BYTES, strict: true })(req, res, (err?: unknown) => {
    if (!err) return next();
    const type = (err as { type?: string }).type;
    if (type === 'entity.too.large') return next(new AppError('PAYLOAD_TOO_LARGE', `the body exceeds ${MAX_BODY_BYTES} bytes`));
    if (type === 'entity.parse.failed') return next(new AppError('MALFORMED_JSON', 'the body is not valid JSON'));
    if (type === 'charset.unsupported' || type === 'encoding.unsupported') {
      return next(new AppError('UNSUPPORTED_MEDIA_TYPE', 'send the body as UTF-8 JSON'));
    }
    return next(new AppError('VALIDATION_FAILED', 'the body could not be read'));
  });
};
