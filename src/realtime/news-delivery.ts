import type { NewsEvent } from '../contract/events';
import type { RelatedPublished } from '../contract/related';
import type { SubscribeAck, SubscribeRequest, UnsubscribeAck, UnsubscribeRequest } from '../contract/socket';
import { SUBSCRIPTION_LIMITS, articleRoom, tagRoom } from '../contract/socket';
import type { EventFeed } from '../articles/event-feed';
import type { Replay } from '../articles/replay';
import { isArticleId } from '../articles/slug-policy';
import { normalizeTag } from '../articles/text-policy';
import { AppError } from '../shared/errors';
import type { DatelineServer, DatelineSocket } from './types';

interface Subscriber {
  socket: DatelineSocket;
  tags: Set<string>;
  articles: Set<string>;
  /** The largest seq this socket has been sent; nothing smaller is ever sent after it. */
  lastSent: number;
  /** While a replay runs, live events for this socket wait in `held` so they follow the replay in order. */
  replaying: boolean;
  held: NewsEvent[];
  /** Subscribe/unsubscribe of one socket run one at a time. */
  queue: Promise<unknown>;
}

/** The rooms of an event: a new story goes to its tags; a change also to the article's own room. */
export function roomsOf(event: NewsEvent): string[] {
  const rooms = event.tags.map(tagRoom);
  if (event.type !== 'article.published') rooms.push(articleRoom(event.articleId));
  return rooms;
}

/**
 * Delivers the feed (every event of the log, in seq order) to this instance's sockets: each socket gets each
 * matching event once, in seq order, and a resuming socket gets its replay first, then the live events that
 * arrived meanwhile, with no gap and no duplicate at the boundary.
 */
export class NewsDelivery {
  private readonly subscribers = new Map<string, Subscriber>();

  constructor(
    private readonly io: DatelineServer,
    private readonly feed: EventFeed,
    private readonly replay: Replay,
    private readonly maxReplayBuffer: number,
    private readonly kick: (socket: DatelineSocket, message: string) => void,
    private readonly announceRelated: (event: NewsEvent) => RelatedPublished | null = () => null,
  ) {
    feed.subscribe((event) => this.deliver(event));
  }

  attach(socket: DatelineSocket): void {
    this.subscribers.set(socket.id, {
      socket, tags: new Set(), articles: new Set(), lastSent: 0, replaying: false, held: [], queue: Promise.resolve(),
    });
  }

  detach(socket: DatelineSocket): void {
    this.subscribers.delete(socket.id);
  }

  subscribe(socket: DatelineSocket, request: SubscribeRequest): Promise<SubscribeAck> {
    return this.serialized(socket, (s) => this.doSubscribe(s, request));
  }

  unsubscribe(socket: DatelineSocket, request: UnsubscribeRequest): Promise<UnsubscribeAck> {
    return this.serialized(socket, async (s) => {
      for (const tag of (request.tags ?? []).map(normalizeTag)) {
        s.tags.delete(tag);
        await s.socket.leave(tagRoom(tag));
      }
      for (const id of request.articles ?? []) {
        s.articles.delete(id);
        await s.socket.leave(articleRoom(id));
      }
      return { ok: true as const, tags: [...s.tags], articles: [...s.articles] };
    });
  }

  private deliver(event: NewsEvent): void {
    const rooms = roomsOf(event);
    const held: string[] = [];
    const members = this.io.of('/').adapter.rooms;
    const recipients = new Set<string>();
    for (const room of rooms) for (const id of members.get(room) ?? []) recipients.add(id);
    for (const id of recipients) {
      const s = this.subscribers.get(id);
      if (!s) continue;
      if (!s.replaying) {
        s.lastSent = event.seq;
        continue;
      }
      held.push(id);
      s.held.push(event);
      if (s.held.length > this.maxReplayBuffer) this.kick(s.socket, 'too many events arrived while replaying');
    }
    // One encoding for all recipients; the adapter sends a socket in several of the rooms one copy.
    if (recipients.size > 0) this.io.local.to(rooms).except(held).emit('news', event);
    const related = this.announceRelated(event);
    if (related) this.io.local.to(related.relatedTo.map(articleRoom)).except(held).emit('related', related);
  }

  private async doSubscribe(s: Subscriber, request: SubscribeRequest): Promise<SubscribeAck> {
    const tags = (request.tags ?? []).map(normalizeTag);
    const articles = request.articles ?? [];
    if (tags.some((t) => t.length === 0 || [...t].length > 64) || articles.some((id) => !isArticleId(id))) {
      throw new AppError('VALIDATION_FAILED', 'tags must be 1–64 characters and articles must be article ids');
    }
    const allTags = new Set([...s.tags, ...tags]);
    const allArticles = new Set([...s.articles, ...articles]);
    if (allTags.size > SUBSCRIPTION_LIMITS.tags || allArticles.size > SUBSCRIPTION_LIMITS.articles) {
      throw new AppError(
        'SUBSCRIPTION_LIMIT',
        `a socket follows at most ${SUBSCRIPTION_LIMITS.tags} tags and ${SUBSCRIPTION_LIMITS.articles} articles`,
      );
    }
    const resuming = request.after !== undefined;
    s.replaying = resuming;
    s.tags = allTags;
    s.articles = allArticles;
    await s.socket.join([...tags.map(tagRoom), ...articles.map(articleRoom)]);
    const head = this.feed.head;
    let replayed = 0;
    try {
      if (resuming) replayed = await this.catchUp(s, Math.max(request.after!, s.lastSent), head);
    } finally {
      for (const event of s.held) {
        if (event.seq <= s.lastSent) continue;
        s.socket.emit('news', event);
        s.lastSent = event.seq;
      }
      s.held = [];
      s.replaying = false;
    }
    return { ok: true, tags: [...s.tags], articles: [...s.articles], head, replayed };
  }

  /** Sends what the socket missed in (after, head]; a cursor past the log's retention gets a resync instead. */
  private async catchUp(s: Subscriber, after: number, head: number): Promise<number> {
    const filter = { tags: [...s.tags], articles: [...s.articles] };
    if (!this.replay.withinRetention(after, head)) {
      const items = await this.replay.latestArticles(filter);
      s.socket.emit('resync', { reason: 'RETENTION_EXCEEDED', head, items });
      s.lastSent = Math.max(s.lastSent, head);
      return 0;
    }
    let replayed = 0;
    for await (const event of this.replay.events(after, head, filter)) {
      if (!s.socket.connected) break;
      s.socket.emit('news', event);
      s.lastSent = event.seq;
      replayed++;
    }
    return replayed;
  }

  private serialized<T>(socket: DatelineSocket, task: (s: Subscriber) => Promise<T>): Promise<T> {
    const s = this.subscribers.get(socket.id);
    if (!s) return Promise.reject(new AppError('NOT_FOUND', 'the socket is gone'));
    const run = s.queue.then(() => task(s));
    s.queue = run.catch(() => undefined);
    return run;
  }
}
