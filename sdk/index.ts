/**
 * Dateline's client SDK (`dateline/client`): follow tags and articles live, and never miss an event across
 * reconnects. It keeps `lastSeq`, re-subscribes with `after: lastSeq` on every (re)connect, and drops duplicates
 * and stale versions, so handlers see each event at most once and each article's versions in order.
 */
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { NewsEventSchema, type NewsEvent } from '../src/contract/events';
import { RelatedPublishedSchema, type RelatedPublished } from '../src/contract/related';
import {
  ResyncSchema,
  type ClientToServerEvents,
  type Kicked,
  type Resync,
  type ServerToClientEvents,
  type SubscribeAck,
  type UnsubscribeAck,
} from '../src/contract/socket';

export type { NewsEvent } from '../src/contract/events';
export type { Article, Revision } from '../src/contract/articles';
export type { Resync, SubscribeAck, UnsubscribeAck, Kicked } from '../src/contract/socket';
export type { RelatedPublished, ArticleSummary } from '../src/contract/related';

export interface DatelineClientOptions {
  /** Server origin, e.g. https://news.example.com */
  url: string;
  /** An editor's or reader's JWT; none = anonymous reader. */
  token?: string;
  tags?: string[];
  articles?: string[];
  /** The cursor persisted from an earlier session; omit to start live. */
  lastSeq?: number;
  /** Called whenever `lastSeq` moves on: persist it to resume after an app restart. */
  onLastSeq?: (seq: number) => void;
  /** Versions remembered per article to drop stale ones (oldest forgotten first). */
  rememberArticles?: number;
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
}

type Handlers = {
  news: (event: NewsEvent) => void;
  /** A new story related to an article this client follows (not a log entry: it does not move lastSeq). */
  related: (event: RelatedPublished) => void;
  resync: (resync: Resync) => void;
  subscribed: (ack: SubscribeAck) => void;
  kicked: (reason: Kicked) => void;
  error: (error: Error) => void;
};

export class DatelineClient {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  private seq: number | undefined;
  /** Set by a `kicked` notice: the server's disconnect that follows is one to come back from. */
  private kicked = false;
  private comeBack: ReturnType<typeof setTimeout> | undefined;
  private readonly tags = new Set<string>();
  private readonly articles = new Set<string>();
  private readonly versions = new Map<string, number>();
  private readonly handlers: { [K in keyof Handlers]: Array<Handlers[K]> } = {
    news: [], related: [], resync: [], subscribed: [], kicked: [], error: [],
  };

  constructor(private readonly options: DatelineClientOptions) {
    this.seq = options.lastSeq;
    options.tags?.forEach((t) => this.tags.add(t));
    options.articles?.forEach((a) => this.articles.add(a));
    this.socket = io(options.url, {
      transports: ['websocket'],
      ...options.socketOptions,
      auth: options.token ? { token: options.token } : {},
    });
    this.socket.on('connect', () => void this.resubscribe());
    this.socket.on('news', (raw) => this.receive(raw));
    this.socket.on('related', (raw) => this.receiveRelated(raw));
    this.socket.on('resync', (raw) => this.receiveResync(raw));
    this.socket.on('kicked', (reason) => {
      this.kicked = true;
      this.handlers.kicked.forEach((h) => h(reason));
    });
    // socket.io-client never reconnects after a server-side disconnect ('io server disconnect'), but a kick (slow
    // consumer) is one the server expects the client to come back from and resume: reconnect after a jittered delay.
    this.socket.on('disconnect', (reason) => {
      if (reason !== 'io server disconnect' || !this.kicked) return;
      this.kicked = false;
      const delay = this.socket.io.reconnectionDelay() * (0.5 + Math.random());
      this.comeBack = setTimeout(() => {
        this.comeBack = undefined;
        this.socket.connect();
      }, delay);
    });
    this.socket.on('connect_error', (err) => this.fail(err));
  }

  /** Every matching event up to here has been handed to `news` handlers (or covered by a resync). */
  get lastSeq(): number | undefined {
    return this.seq;
  }

  on<K extends keyof Handlers>(event: K, handler: Handlers[K]): this {
    this.handlers[event].push(handler);
    return this;
  }

  /** Follows more tags or articles; kept across reconnects. */
  async subscribe(more: { tags?: string[]; articles?: string[] }): Promise<SubscribeAck> {
    more.tags?.forEach((t) => this.tags.add(t));
    more.articles?.forEach((a) => this.articles.add(a));
    if (!this.socket.connected) return { ok: true, tags: [...this.tags], articles: [...this.articles], head: this.seq ?? 0, replayed: 0 };
    return this.sendSubscribe({ tags: more.tags, articles: more.articles });
  }

  async unsubscribe(less: { tags?: string[]; articles?: string[] }): Promise<UnsubscribeAck> {
    less.tags?.forEach((t) => this.tags.delete(t));
    less.articles?.forEach((a) => this.articles.delete(a));
    return this.socket.emitWithAck('unsubscribe', less);
  }

  close(): void {
    if (this.comeBack !== undefined) clearTimeout(this.comeBack);
    this.comeBack = undefined;
    this.socket.close();
  }

  private async resubscribe(): Promise<void> {
    if (this.tags.size === 0 && this.articles.size === 0) return;
    await this.sendSubscribe({ tags: [...this.tags], articles: [...this.articles], after: this.seq });
  }

  private async sendSubscribe(request: { tags?: string[]; articles?: string[]; after?: number }): Promise<SubscribeAck> {
    try {
      const ack = await this.socket.emitWithAck('subscribe', request);
      // The ack comes after the replay and after every live event up to `head`: the cursor may move to it.
      if (ack.ok) this.advance(ack.head);
      else this.fail(new Error(`${ack.error.code}: ${ack.error.message}`));
      this.handlers.subscribed.forEach((h) => h(ack));
      return ack;
    } catch (err) {
      this.fail(err as Error);
      throw err;
    }
  }

  private receive(raw: unknown): void {
    const parsed = NewsEventSchema.safeParse(raw);
    if (!parsed.success) return this.fail(new Error('dropped a news event that does not match the contract'));
    const event = parsed.data;
    if (this.seq !== undefined && event.seq <= this.seq) return; // already seen
    const known = this.versions.get(event.articleId) ?? 0;
    this.advance(event.seq);
    if (event.version <= known) return; // stale version of an article
    this.remember(event.articleId, event.version);
    this.handlers.news.forEach((h) => h(event));
  }

  private receiveRelated(raw: unknown): void {
    const parsed = RelatedPublishedSchema.safeParse(raw);
    if (!parsed.success) return this.fail(new Error('dropped a related push that does not match the contract'));
    this.handlers.related.forEach((h) => h(parsed.data));
  }

  private receiveResync(raw: unknown): void {
    const parsed = ResyncSchema.safeParse(raw);
    if (!parsed.success) return this.fail(new Error('dropped a resync that does not match the contract'));
    for (const article of parsed.data.items) this.remember(article.id, article.version);
    this.advance(parsed.data.head);
    this.handlers.resync.forEach((h) => h(parsed.data));
  }

  private advance(seq: number): void {
    if (this.seq !== undefined && seq <= this.seq) return;
    this.seq = seq;
    this.options.onLastSeq?.(seq);
  }

  private remember(articleId: string, version: number): void {
    this.versions.delete(articleId);
    this.versions.set(articleId, version);
    const limit = this.options.rememberArticles ?? 10_000;
    if (this.versions.size > limit) this.versions.delete(this.versions.keys().next().value!);
  }

  private fail(err: Error): void {
    this.handlers.error.forEach((h) => h(err));
  }
}

/** Connects and follows; see DatelineClientOptions. */
export function connectDateline(options: DatelineClientOptions): DatelineClient {
  return new DatelineClient(options);
}
