import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ErrorBody } from '../contract/errors';
import { AppError, HTTP_STATUS } from '../shared/errors';

export const notFound: RequestHandler = (req) => {
  throw new AppError('NOT_FOUND', `no route ${req.method} ${req.path}`);
};

/** The one place an error becomes a response: catalog code + status; unknown errors are logged and become 500. */
export function errorMiddleware(log: (err: unknown) => void): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    const known = err instanceof AppError ? err : clientError(err);
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

/**
 * Express's own 400s are the client's fault, not ours: a path parameter that is not valid percent-encoding
 * (`/api/articles/%E0%A4`) reaches us as a URIError with `status: 400` from the router.
 */
function clientError(err: unknown): AppError | null {
  const status = (err as { status?: unknown } | null)?.status;
  return status === 400 ? new AppError('VALIDATION_FAILED', 'the request is not valid') : null;
}
