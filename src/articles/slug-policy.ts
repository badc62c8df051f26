import { randomBytes } from 'node:crypto';

const ID_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32: no i, l, o, u
const ID_LENGTH = 12; // 60 random bits
const ID_PATTERN = /^[0-9a-hjkmnp-tv-z]{12}$/;
const SLUG_BASE_MAX = 80;

export function newArticleId(): string {
  const bytes = randomBytes(ID_LENGTH);
  let id = '';
  for (const b of bytes) id += ID_ALPHABET[b & 31];
  return id;
}

export const isArticleId = (s: string): boolean => ID_PATTERN.test(s);

/**
 * A readable slug for any script: letters, combining marks (matras, virama, nukta) and digits are kept, anything
 * else becomes a hyphen; the article id ends it. The id makes the slug unique without a claim in the database,
 * and the slug is fixed at publish time, so later headline edits never break a link.
 */
export function slugFor(headline: string, id: string): string {
  const words = headline.normalize('NFC').toLowerCase().split(/[^\p{L}\p{M}\p{N}]+/u).filter(Boolean);
  let base = '';
  for (const word of words) {
    const next = base ? `${base}-${word}` : word;
    if ([...next].length > SLUG_BASE_MAX) break;
    base = next;
  }
  return base ? `${base}-${id}` : id;
}

/** The article id a slug (or a bare id) names, or null when it cannot name one. */
export function idFromSlug(idOrSlug: string): string | null {
  const last = idOrSlug.slice(idOrSlug.lastIndexOf('-') + 1);
  return isArticleId(last) ? last : null;
}
