import type { NewsEvent } from '../contract/events';

/** Share of an article's words that an edit must touch before it counts as a new story for its neighbours. */
const REWRITE_SHARE = 0.3;
const TEXT_FIELDS = new Set(['headline', 'summary', 'body']);

export type AnnounceReason = 'published' | 'tags-changed' | 'text-rewritten';

/**
 * Whether an event should announce the story to the stories it is now related to: a new story does; an edit does
 * when it changes the tags or rewrites a large part of the text (a fixed typo does not); a retraction never does.
 */
export function announceReason(event: NewsEvent): AnnounceReason | null {
  if (event.type === 'article.published') return 'published';
  if (event.type === 'article.retracted') return null;
  const changes = event.revision.changes;
  if (changes.some((c) => c.field === 'tags')) return 'tags-changed';
  let changed = 0;
  let total = 0;
  for (const change of changes) {
    if (!TEXT_FIELDS.has(change.field) || !change.diff) continue;
    for (const part of change.diff) {
      const words = part.text.split(/\s+/u).filter(Boolean).length;
      total += words;
      if (part.op !== 'same') changed += words;
    }
  }
  return total > 0 && changed / total >= REWRITE_SHARE ? 'text-rewritten' : null;
}
