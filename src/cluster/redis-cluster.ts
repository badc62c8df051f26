import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import { NewsEventSchema, type NewsEvent } from '../contract/events';
import type { EventFeed } from '../articles/event-feed';
import type { DatelineServer } from '../realtime/types';

/** The default namespace of this deployment's Redis channels; see RedisCluster.connect. */
export const DEFAULT_REDIS_PREFIX = 'dateline';

type RedisClient = ReturnType<typeof createClient>;

/**
 * Several instances behind one Redis: Socket.IO rooms shared through the Redis adapter, and every committed event
 * relayed to every instance's feed. News is delivered by each instance to its own sockets from its own feed, in
 * seq order (a relayed event that arrives early waits for the hole before it, or the hole is read from the log),
 * so an instance never forwards another's events out of order.
 */
export class RedisCluster {
  private constructor(
    private readonly publisher: RedisClient,
    private readonly adapterSub: RedisClient,
    private readonly relaySub: RedisClient,
    private readonly onError: (err: unknown) => void,
    private readonly prefix: string,
  ) {}

  /** Events relayed between the instances of one deployment, i.e. of one database. */
  private get eventsChannel(): string {
    return `${this.prefix}:events`;
  }

  /**
   * `prefix` namespaces every channel (the event relay and the Socket.IO adapter's): deployments — or test runs —
   * with different databases must not share one on the same Redis, or an instance would take another log's events
   * for its own seqs.
   */
  static async connect(url: string, onError: (err: unknown) => void, prefix = DEFAULT_REDIS_PREFIX): Promise<RedisCluster> {
    const publisher = createClient({ url });
    const adapterSub = publisher.duplicate();
    const relaySub = publisher.duplicate();
    const clients = [publisher, adapterSub, relaySub];
    for (const client of clients) client.on('error', onError);
    await Promise.all(clients.map((c) => c.connect()));
    return new RedisCluster(publisher, adapterSub, relaySub, onError, prefix);
  }

  /** Shares rooms across instances and feeds events committed elsewhere into this instance's feed. */
  async attach(io: DatelineServer, feed: EventFeed): Promise<void> {
    io.adapter(createAdapter(this.publisher, this.adapterSub, { key: this.prefix }));
    await this.relaySub.subscribe(this.eventsChannel, (message) => {
      try {
        feed.offer(NewsEventSchema.parse(JSON.parse(message)));
      } catch (err) {
        this.onError(err);
      }
    });
    // After a Redis outage, relayed events may be lost: read whatever the log has past the feed's head.
    this.relaySub.on('ready', () => feed.announce(Number.MAX_SAFE_INTEGER));
  }

  publish(event: NewsEvent): void {
    this.publisher.publish(this.eventsChannel, JSON.stringify(event)).catch(this.onError);
  }

  async close(): Promise<void> {
    await Promise.all([this.publisher, this.adapterSub, this.relaySub].map((c) => c.quit().catch(() => undefined)));
  }
}
