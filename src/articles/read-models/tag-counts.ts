import type { NewsEvent } from '../../contract/events';

/** Published (not retracted) articles per tag, kept from the event stream without holding the articles. */
export class TagCounts {
  private readonly counts = new Map<string, number>();

  load(tagLists: Iterable<readonly string[]>): void {
    this.counts.clear();
    for (const tags of tagLists) this.shift(tags, +1);
  }

  apply(event: NewsEvent): void {
    const { revision, article } = event;
    if (revision.kind === 'publish') this.shift(article.tags, +1);
    else if (revision.kind === 'retraction') this.shift(article.tags, -1);
    else {
      const change = revision.changes.find((c) => c.field === 'tags');
      if (change && Array.isArray(change.before) && Array.isArray(change.after)) {
        this.shift(change.before, -1);
        this.shift(change.after, +1);
      }
    }
  }

  /** Most used first, then by name. */
  list(): Array<{ tag: string; count: number }> {
    return [...this.counts]
      .map(([tag, count]) => ({ tag, count }))
      .sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag));
  }

  private shift(tags: readonly string[], by: number): void {
    for (const tag of tags) {
      const next = (this.counts.get(tag) ?? 0) + by;
      if (next > 0) this.counts.set(tag, next);
      else this.counts.delete(tag);
    }
  }
}
