import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { AppError } from '../shared/errors';

export const RoleSchema = z.enum(['reader', 'editor', 'admin']);
export type Role = z.infer<typeof RoleSchema>;

export interface Principal {
  sub: string;
  role: Role;
}

const ClaimsSchema = z.object({ sub: z.string().min(1).max(200), role: RoleSchema, exp: z.number() });

/** HS256 only: a token that names another algorithm (or none) is refused. */
export function verifyToken(token: string, secret: string): Principal {
  try {
    const claims = ClaimsSchema.parse(jwt.verify(token, secret, { algorithms: ['HS256'] }));
    return { sub: claims.sub, role: claims.role };
  } catch {
    throw new AppError('UNAUTHENTICATED', 'the token is missing, invalid or expired');
  }
}

export function signToken(principal: Principal, secret: string, expiresInSeconds = 12 * 3600): string {
  return jwt.sign({ role: principal.role }, secret, {
    algorithm: 'HS256',
    subject: principal.sub,
    expiresIn: expiresInSeconds,
  });
}

export const canWrite = (p: Principal): boolean => p.role === 'editor' || p.role === 'admin';
