import { ARTICLE_LIMITS } from '../contract/articles';
import { AppError } from '../shared/errors';

/** Stored text is NFC so that one Devanagari word has one byte form (search, dedupe, slugs); returned as stored. */
export const nfc = (s: string): string => s.normalize('NFC');

/**
 * A tag's one canonical form: trimmed, NFC, lower-cased, whitespace runs → one hyphen ("India-US Trade" →
 * "india-us-trade"). Devanagari has no case and keeps its marks.
 */
export function normalizeTag(raw: string): string {
  return nfc(raw)
    .trim()
    .toLowerCase()
    .replace(/\s+/gu, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Normalizes, de-duplicates (first spelling wins) and re-checks the limits, which apply after normalizing. */
export function normalizeTags(raw: readonly string[]): string[] {
  const tags = [...new Set(raw.map(normalizeTag))];
  const bad = tags.filter((t) => t.length === 0 || [...t].length > ARTICLE_LIMITS.tagLength);
  if (bad.length > 0 || tags.length > ARTICLE_LIMITS.tags) {
    throw new AppError('VALIDATION_FAILED', 'invalid tags', [
      { path: 'tags', message: `each tag 1–${ARTICLE_LIMITS.tagLength} characters, at most ${ARTICLE_LIMITS.tags}` },
    ]);
  }
  return tags;
}
