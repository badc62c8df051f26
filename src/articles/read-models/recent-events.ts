import type { NewsEvent } from '../../contract/events';
import type { EventFilter } from '../article-store';

/** Whether an event belongs to a subscription of tags and articles (an empty filter matches everything). */
export function matchesFilter(event: NewsEvent, filter: EventFilter): boolean {
  const { tags, articles } = filter;
  if (!tags?.length && !articles?.length) return true;
  if (articles?.includes(event.articleId)) return true;
  return !!tags && event.tags.some((t) => tags.includes(t));
}

/**
 * The newest `capacity` events of the log, in seq order, kept current from the event feed. Serves resumes of
 * short gaps without reading the log (on FerretDB every log read scans the whole collection).
 */
export class RecentEvents {
  private events: NewsEvent[] = [];

  constructor(private readonly capacity: number) {}

  /** Seeds the window; `events` must be the newest of the log, in seq order. */
  load(events: readonly NewsEvent[]): void {
    this.events = events.slice(-this.capacity);
  }

  /** Appends the next event of the feed (seq order is the feed's promise). */
  add(event: NewsEvent): void {
    this.events.push(event);
    if (this.events.length > this.capacity * 1.25) this.events = this.events.slice(-this.capacity);
  }

  /** True when every event after `seq` is in the window, so `after(seq)` is complete. */
  covers(seq: number, head: number): boolean {
    const first = this.events[0];
    return seq >= head || (first !== undefined && seq >= first.seq - 1);
  }

  after(seq: number, limit: number, filter: EventFilter = {}): NewsEvent[] {
    const start = lowerBound(this.events, seq + 1);
    const out: NewsEvent[] = [];
    for (let i = start; i < this.events.length && out.length < limit; i++) {
      const event = this.events[i]!;
      if (matchesFilter(event, filter)) out.push(event);
    }
    return out;
  }
}

function lowerBound(events: readonly NewsEvent[], seq: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid]!.seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
