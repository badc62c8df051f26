import type { Revision } from '../contract/articles';
import type { NewsEvent } from '../contract/events';

/** Fields whose text a retraction withdraws from every public read: the history and the log. */
const WITHDRAWN_ON_RETRACTION = new Set(['body', 'summary']);

/** A revision without the withdrawn text (the audit trail in the database keeps it). */
export function withdrawText(revision: Revision): Revision {
  return {
    ...revision,
    changes: revision.changes.map((c) =>
      WITHDRAWN_ON_RETRACTION.has(c.field) ? { field: c.field, before: null, after: c.after === null ? null : '' } : c,
    ),
  };
}

/** An earlier event of an article retracted since: same envelope, without the withdrawn text. */
export function withdrawEventText(event: NewsEvent): NewsEvent {
  return {
    ...event,
    article: { ...event.article, body: '', summary: '' },
    revision: withdrawText(event.revision),
  };
}

/** Serves events as they may be read now: those of retracted articles lose their text. */
export function redactRetracted(events: NewsEvent[], isRetracted: (articleId: string) => boolean): NewsEvent[] {
  return events.map((e) => (e.type !== 'article.retracted' && isRetracted(e.articleId) ? withdrawEventText(e) : e));
}
