import type { NewsEvent } from '../contract/events';
import type { ArticleStore } from './article-store';

export type EventListener = (event: NewsEvent) => void;

const FILL_BATCH = 500;

/**
 * Hands every event of the log to its listeners exactly once and in strict `seq` order, whatever order they are
 * offered in (own appends finishing out of order, events relayed from other instances). An event past a hole is
 * held; if the hole is not filled by an offer within `holeTimeoutMs`, it is read from the log — a seq is only
 * handed out after all smaller ones are committed, so the log always has what the hole needs.
 */
export class EventFeed {
  private applied: number;
  private readonly pending = new Map<number, NewsEvent>();
  private readonly listeners: EventListener[] = [];
  private readonly waiters = new Map<number, Array<() => void>>();
  private fillTimer: NodeJS.Timeout | null = null;
  private filling = false;
  private closed = false;

  constructor(
    private readonly store: Pick<ArticleStore, 'eventsAfter'>,
    head: number,
    private readonly holeTimeoutMs = 50,
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    this.applied = head;
  }

  get head(): number {
    return this.applied;
  }

  subscribe(listener: EventListener): void {
    this.listeners.push(listener);
  }

  /** Offers an event; duplicates and already-applied events are ignored. */
  offer(event: NewsEvent): void {
    if (event.seq <= this.applied || this.pending.has(event.seq)) return;
    this.pending.set(event.seq, event);
    this.drain();
  }

  /** Tells the feed that the log reaches `seq`, e.g. from another instance's notice; the gap is read from the log. */
  announce(seq: number): void {
    if (seq > this.applied) this.scheduleFill(0);
  }

  /** Resolves once every event up to `seq` has reached the listeners. */
  waitFor(seq: number): Promise<void> {
    if (seq <= this.applied) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.waiters.get(seq) ?? [];
      list.push(resolve);
      this.waiters.set(seq, list);
      this.scheduleFill(this.holeTimeoutMs);
    });
  }

  close(): void {
    this.closed = true;
    if (this.fillTimer) clearTimeout(this.fillTimer);
  }

  private drain(): void {
    for (let next = this.pending.get(this.applied + 1); next; next = this.pending.get(this.applied + 1)) {
      this.pending.delete(next.seq);
      this.applied = next.seq;
      for (const listener of this.listeners) {
        try {
          listener(next);
        } catch (err) {
          this.onError(err);
        }
      }
      const waiting = this.waiters.get(next.seq);
      if (waiting) {
        this.waiters.delete(next.seq);
        waiting.forEach((resolve) => resolve());
      }
    }
    if (this.pending.size > 0) this.scheduleFill(this.holeTimeoutMs);
  }

  private scheduleFill(delayMs: number): void {
    if (this.closed || this.fillTimer || this.filling) return;
    this.fillTimer = setTimeout(() => {
      this.fillTimer = null;
      if (this.pending.size > 0 || this.waiters.size > 0) void this.fill();
    }, delayMs);
    this.fillTimer.unref();
  }

  private async fill(): Promise<void> {
    this.filling = true;
    try {
      const events = await this.store.eventsAfter(this.applied, FILL_BATCH);
      for (const event of events) this.offer(event);
    } catch (err) {
      this.onError(err);
    } finally {
      this.filling = false;
    }
    if (this.pending.size > 0 || this.waiters.size > 0) this.scheduleFill(this.holeTimeoutMs);
  }
}
