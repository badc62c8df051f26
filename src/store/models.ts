import { Schema, type Connection } from 'mongoose';

/*
 * Mongoose models stay private to the store. Every index here is one both MongoDB and FerretDB v1 create
 * (no TTL, no text index: on FerretDB one unsupported index fails createIndexes for all of a schema's indexes).
 * On FerretDB only the unique ones matter (they make inserts the commit point); reads scan regardless. On
 * MongoDB the others serve the cold reads.
 */

/** One event of the log. `_id` is `<articleId>:<version>`: the article's version is claimed by this insert. */
const eventSchema = new Schema(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true },
    type: { type: String, required: true },
    at: { type: Date, required: true },
    articleId: { type: String, required: true },
    version: { type: Number, required: true },
    tags: { type: [String], default: undefined },
    article: { type: Schema.Types.Mixed, required: true },
    revision: { type: Schema.Types.Mixed, required: true },
  },
  { versionKey: false, minimize: false, autoIndex: false, collection: 'events' },
);
eventSchema.index({ seq: 1 }, { unique: true, name: 'seq_unique' });
eventSchema.index({ articleId: 1, version: 1 }, { name: 'article_version' });
eventSchema.index({ tags: 1, seq: 1 }, { name: 'tags_seq' });

/** The current state of an article: a projection of its events, repaired from the log at start-up. */
const articleSchema = new Schema(
  {
    _id: { type: String, required: true },
    slug: { type: String, required: true },
    version: { type: Number, required: true },
    status: { type: String, required: true },
    headline: { type: String, default: '' },
    summary: { type: String, default: '' },
    body: { type: String, default: '' },
    tags: { type: [String], default: undefined },
    language: { type: String, required: true },
    dateline: { type: String, default: '' },
    authors: { type: [String], default: undefined },
    publishedAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    retraction: { type: Schema.Types.Mixed, default: null },
  },
  { versionKey: false, minimize: false, autoIndex: false, collection: 'articles' },
);
articleSchema.index({ slug: 1 }, { name: 'slug' });
articleSchema.index({ status: 1, publishedAt: -1, _id: -1 }, { name: 'status_published' });
articleSchema.index({ tags: 1, publishedAt: -1, _id: -1 }, { name: 'tags_published' });

export function defineModels(connection: Connection) {
  return {
    events: connection.model('Event', eventSchema),
    articles: connection.model('Article', articleSchema),
  };
}
export type Models = ReturnType<typeof defineModels>;
