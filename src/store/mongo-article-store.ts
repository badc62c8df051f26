import mongoose, { type Connection } from 'mongoose';
import type { Article } from '../contract/articles';
import type { NewsEvent } from '../contract/events';
import type { AppendResult, ArticleListQuery, ArticleStore, EventFilter, LogSummary } from '../articles/article-store';
import { defineModels, type Models } from './models';
import {
  type ArticleDoc,
  type EventDoc,
  eventId,
  fromArticleDoc,
  fromEventDoc,
  toArticleDoc,
  toEventDoc,
} from './mappers';

const isDuplicateKey = (err: unknown): err is { code: number; keyPattern?: Record<string, unknown> } =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;

/**
 * The ArticleStore on any MongoDB-wire server: MongoDB ≥ 6 in production, FerretDB v1 (SQLite or PostgreSQL)
 * here. Uses only operations that both execute correctly; tests/contract names each of them.
 */
export class MongoArticleStore implements ArticleStore {
  private constructor(
    private readonly connection: Connection,
    private readonly m: Models,
  ) {}

  /** Connects and creates the indexes; the unique ones must exist before the first append. */
  static async connect(uri: string, options: { serverSelectionTimeoutMS?: number } = {}): Promise<MongoArticleStore> {
    const connection = await mongoose
      .createConnection(uri, { serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 10_000 })
      .asPromise();
    const models = defineModels(connection);
    await models.events.createIndexes();
    await models.articles.createIndexes();
    return new MongoArticleStore(connection, models);
  }

  async appendEvent(event: NewsEvent): Promise<AppendResult> {
    try {
      await this.m.events.collection.insertOne(toEventDoc(event) as never);
      return 'appended';
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // MongoDB names the violated key; FerretDB v1 does not, so ask whether the version's _id is there.
      if (err.keyPattern) return 'seq' in err.keyPattern ? 'seq-taken' : 'version-taken';
      const taken = await this.m.events.exists({ _id: eventId(event.articleId, event.version) });
      return taken ? 'version-taken' : 'seq-taken';
    }
  }

  async headSeq(): Promise<number> {
    const last = await this.m.events.findOne({}, { seq: 1 }).sort({ seq: -1 }).lean<{ seq: number }>();
    return last?.seq ?? 0;
  }

  async eventsAfter(seq: number, limit: number, filter: EventFilter = {}): Promise<NewsEvent[]> {
    const or: object[] = [];
    if (filter.tags?.length) or.push({ tags: { $in: filter.tags } });
    if (filter.articles?.length) or.push({ articleId: { $in: filter.articles } });
    const query = { seq: { $gt: seq }, ...(or.length ? { $or: or } : {}) };
    const docs = await this.m.events.find(query).sort({ seq: 1 }).limit(limit).lean<EventDoc[]>();
    return docs.map(fromEventDoc);
  }

  async eventsOfArticle(articleId: string): Promise<NewsEvent[]> {
    const docs = await this.m.events.find({ articleId }).sort({ version: 1 }).lean<EventDoc[]>();
    return docs.map(fromEventDoc);
  }

  async latestEvent(articleId: string): Promise<NewsEvent | null> {
    const doc = await this.m.events.findOne({ articleId }).sort({ version: -1 }).lean<EventDoc>();
    return doc ? fromEventDoc(doc) : null;
  }

  /** No sort: on FerretDB a sort decodes every whole event in Go, where this projection pass is one scan. */
  async logSummary(): Promise<LogSummary> {
    const latestVersions = new Map<string, number>();
    let head = 0;
    for await (const d of this.m.events.find({}, { seq: 1, articleId: 1, version: 1 }).lean<EventDoc>().cursor()) {
      if ((latestVersions.get(d.articleId) ?? 0) < d.version) latestVersions.set(d.articleId, d.version);
      if (d.seq > head) head = d.seq;
    }
    return { head, latestVersions };
  }

  async projectedVersions(): Promise<Map<string, number>> {
    const versions = new Map<string, number>();
    for await (const d of this.m.articles.find({}, { version: 1 }).lean<ArticleDoc>().cursor()) {
      versions.set(d._id, d.version);
    }
    return versions;
  }

  async saveArticle(article: Article): Promise<void> {
    const { _id, ...fields } = toArticleDoc(article);
    // A new article's document does not exist yet: insert first, since on FerretDB an insert does not scan the
    // collection while every update does (twice: find, then write back).
    if (article.version === 1 && (await this.insertUnlessTaken({ _id, ...fields }))) return;
    const updated = await this.m.articles.updateOne({ _id, version: { $lt: article.version } }, { $set: fields });
    if (updated.matchedCount === 0) await this.insertUnlessTaken({ _id, ...fields });
  }

  /** False when the _id is taken: then the stored document is this version or newer, or must be updated. */
  private async insertUnlessTaken(doc: ArticleDoc): Promise<boolean> {
    try {
      await this.m.articles.collection.insertOne(doc as never);
      return true;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      return false;
    }
  }

  async findArticle(id: string): Promise<Article | null> {
    const doc = await this.m.articles.findById(id).lean<ArticleDoc>();
    return doc ? fromArticleDoc(doc) : null;
  }

  async listArticles(query: ArticleListQuery): Promise<Article[]> {
    const filter: Record<string, unknown> = { status: 'published' };
    if (query.tag !== undefined) filter.tags = query.tag;
    if (query.language !== undefined) filter.language = query.language;
    if (query.before) {
      const at = new Date(query.before.publishedAt);
      filter.$or = [{ publishedAt: { $lt: at } }, { publishedAt: at, _id: { $lt: query.before.id } }];
    }
    const docs = await this.m.articles
      .find(filter)
      .sort({ publishedAt: -1, _id: -1 })
      .limit(query.limit)
      .lean<ArticleDoc[]>();
    return docs.map(fromArticleDoc);
  }

  async allPublishedTags(): Promise<string[][]> {
    const docs = await this.m.articles.find({ status: 'published' }, { tags: 1 }).lean<ArticleDoc[]>();
    return docs.map((d) => d.tags ?? []);
  }

  async retractedIds(): Promise<string[]> {
    const docs = await this.m.articles.find({ status: 'retracted' }, { _id: 1 }).lean<ArticleDoc[]>();
    return docs.map((d) => d._id);
  }

  async ping(): Promise<void> {
    await this.connection.db!.admin().ping();
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
