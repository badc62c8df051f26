import type { RequestHandler, Request } from 'express';
import { canWrite, verifyToken, type Principal } from '../auth/tokens';
import { AppError } from '../shared/errors';

const principals = new WeakMap<Request, Principal>();

/** The caller of a request that passed `requireEditor`. */
export function principalOf(req: Request): Principal {
  const principal = principals.get(req);
  if (!principal) throw new AppError('UNAUTHENTICATED', 'no credentials');
  return principal;
}

/** Writes need an editor's or admin's bearer token: 401 without a valid one, 403 for a reader's. */
export function requireEditor(secret: string): RequestHandler {
  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new AppError('UNAUTHENTICATED', 'an editor token is required (Authorization: Bearer …)');
    const principal = verifyToken(match[1]!, secret);
    if (!canWrite(principal)) throw new AppError('FORBIDDEN', 'only editors and admins may change articles');
    principals.set(req, principal);
    next();
  };
}
