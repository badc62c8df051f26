import type { ListPosition } from './article-store';
import { AppError } from '../shared/errors';

/** Cursors are opaque to clients: base64url of the last item's position in the newest-first order. */
export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.publishedAt, position.id])).toString('base64url');
}

export function decodeCursor(cursor: string): ListPosition {
  try {
    const [publishedAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof publishedAt === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(publishedAt))) {
      return { publishedAt, id };
    }
  } catch {
    // fall through: any undecodable cursor is the client's error
  }
  throw new AppError('VALIDATION_FAILED', 'cursor is not one this server issued', [
    { path: 'cursor', message: 'invalid cursor' },
  ]);
}
