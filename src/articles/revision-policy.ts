import { diffWords } from 'diff';
import type {
  Article,
  ArticleChanges,
  DiffPart,
  FieldChange,
  RevisableField,
  Revision,
  RevisionKind,
} from '../contract/articles';
import { REVISABLE_FIELDS } from '../contract/articles';
import type { EventType } from '../contract/events';
import { nfc, normalizeTags } from './text-policy';

/** Fields whose revisions carry a word-level diff that a page can render with strike-through. */
const DIFFED_FIELDS: ReadonlySet<RevisableField> = new Set(['headline', 'summary', 'body']);
/** Above this many edited words a diff stops being useful to a reader (and costly): before/after alone is kept. */
const MAX_DIFF_EDIT_LENGTH = 2_000;

export const EVENT_TYPE_OF: Record<RevisionKind, EventType> = {
  publish: 'article.published',
  update: 'article.updated',
  correction: 'article.corrected',
  retraction: 'article.retracted',
};

type FieldValue = string | string[];

/** Changes as stored: NFC text, canonical tags. */
export function normalizeChanges(changes: ArticleChanges): Partial<Record<RevisableField, FieldValue>> {
  const out: Partial<Record<RevisableField, FieldValue>> = {};
  for (const field of REVISABLE_FIELDS) {
    const value = changes[field];
    if (value === undefined) continue;
    if (field === 'tags') out.tags = normalizeTags(value as string[]);
    else if (Array.isArray(value)) out[field] = value.map((v) => nfc(v.trim()));
    else out[field] = nfc(value);
  }
  return out;
}

const sameValue = (a: FieldValue, b: FieldValue): boolean =>
  Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((x, i) => x === b[i]) : a === b;

export function wordDiff(before: string, after: string): DiffPart[] | undefined {
  const parts = diffWords(before, after, { maxEditLength: MAX_DIFF_EDIT_LENGTH });
  if (!parts) return undefined;
  return parts.map((p) => ({ op: p.added ? 'added' : p.removed ? 'removed' : 'same', text: p.value }));
}

/** The field changes that turn `current` into `current + changes`; fields given with their current value are not changes. */
export function diffArticle(current: Article, changes: Partial<Record<RevisableField, FieldValue>>): FieldChange[] {
  const result: FieldChange[] = [];
  for (const field of REVISABLE_FIELDS) {
    const after = changes[field];
    const before = current[field];
    if (after === undefined || sameValue(before, after)) continue;
    const change: FieldChange = { field, before, after };
    if (DIFFED_FIELDS.has(field) && typeof before === 'string' && typeof after === 'string') {
      const diff = wordDiff(before, after);
      if (diff) change.diff = diff;
    }
    result.push(change);
  }
  return result;
}

/** Applies field changes to an article, producing the next version at `at`. */
export function applyChanges(current: Article, changes: FieldChange[], at: string): Article {
  const next: Article = { ...current, version: current.version + 1, updatedAt: at };
  for (const c of changes) (next as Record<string, unknown>)[c.field] = c.after;
  return next;
}

/** A retraction leaves a tombstone: headline, tags and dates stay so links and lists still explain it; the text goes. */
export function retractArticle(current: Article, reason: string, at: string): { article: Article; changes: FieldChange[] } {
  // `before` is withheld (null): the retraction record must not republish what was retracted.
  const changes: FieldChange[] = [
    { field: 'status', before: current.status, after: 'retracted' },
    { field: 'body', before: null, after: '' },
  ];
  if (current.summary) changes.push({ field: 'summary', before: null, after: '' });
  const article: Article = {
    ...current,
    version: current.version + 1,
    status: 'retracted',
    summary: '',
    body: '',
    updatedAt: at,
    retraction: { reason, at },
  };
  return { article, changes };
}

export function makeRevision(
  article: Article,
  kind: RevisionKind,
  editor: string,
  note: string,
  changes: FieldChange[],
): Revision {
  return { version: article.version, kind, at: article.updatedAt, editor, note, changes };
}

/** The fields a publish revision records, so that an article is the replay of its revisions alone. */
const PUBLISHED_FIELDS = ['headline', 'summary', 'body', 'tags', 'language', 'dateline', 'authors'] as const;

export function publishChanges(article: Article): FieldChange[] {
  return PUBLISHED_FIELDS.map((field) => ({ field, before: null, after: article[field] }));
}

/**
 * Rebuilds an article from its revisions, oldest first (the inverse of publish / revise / retract). Used to
 * verify the log and to repair a projection: the article document must always equal this.
 */
export function replayRevisions(id: string, slug: string, revisions: readonly Revision[]): Article {
  const [first] = revisions;
  if (!first || first.kind !== 'publish') throw new Error(`article ${id}: revisions must start with a publish`);
  let article = {
    id, slug, version: 0, status: 'published', retraction: null,
    publishedAt: first.at, updatedAt: first.at,
  } as unknown as Article;
  for (const revision of revisions) {
    const next: Record<string, unknown> = { ...article, version: revision.version, updatedAt: revision.at };
    for (const c of revision.changes) next[c.field] = c.after;
    if (revision.kind === 'retraction') next.retraction = { reason: revision.note, at: revision.at };
    article = next as unknown as Article;
  }
  return article;
}
