import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ErrorBody } from '../contract/errors';
import { AppError, HTTP_STATUS } from '../shared/errors';

export const notFound: RequestHandler = (req) => {
  throw new AppError('NOT_FOUND', `no route ${req.method} ${req.path}`);
};

/** The one place an error becomes a response: catalog code + status; unknown errors are logged and become 500. */
export function errorMiddleware(log: (err: unknown) => void): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    const known = err instanceof AppError ? err : null;
    if (!known) log(err);
    const code = known?.code ?? 'INTERNAL';
    const body: ErrorBody = {
      error: {
        code,
        message: known?.message ?? 'internal error',
        ...(known?.details === undefined ? {} : { details: known.details }),
      },
    };
    res.status(HTTP_STATUS[code]).json(body);
  };
}
