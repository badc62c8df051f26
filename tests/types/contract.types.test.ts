/**
 * The wire contract pinned at the type level: if a payload the SDK hands to apps (NewsEvent, SubscribeAck, Resync)
 * or an event map entry changes shape, this file stops compiling — ts-jest type-checks it, and so does
 * `npm run typecheck` — and whoever changed it must also change the expected type here, on purpose.
 * The expected types are written out by hand, never derived from the schemas they check.
 */
import type { Article, Kicked, NewsEvent, RelatedPublished, Resync, Revision, SubscribeAck, UnsubscribeAck } from '../../sdk';
import { NewsEventSchema, type NewsEvent as ContractNewsEvent } from '../../src/contract/events';
import type { ClientToServerEvents, ServerToClientEvents, SubscribeRequest } from '../../src/contract/socket';
import { sampleArticle, startTestServer, tokenFor, type TestServer } from '../helpers/server';

/**
 * True only when A and B are the same type: stricter than mutual assignability (it also tells `any` from a
 * concrete type, and optional from required).
 */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only when given `true`. */
function assertType<T extends true>(..._proof: T extends true ? [] : [never]): void {}

// ---- the expected shapes, written out by hand -------------------------------------------------------------------

type ExpectedArticle = {
  id: string;
  slug: string;
  version: number;
  status: 'published' | 'retracted';
  headline: string;
  summary: string;
  body: string;
  tags: string[];
  language: string;
  dateline: string;
  authors: string[];
  publishedAt: string;
  updatedAt: string;
  retraction: { reason: string; at: string } | null;
};

type ExpectedRevision = {
  version: number;
  kind: 'publish' | 'update' | 'correction' | 'retraction';
  at: string;
  editor: string;
  note: string;
  changes: Array<{
    field: string;
    before: string | string[] | null;
    after: string | string[] | null;
    diff?: Array<{ op: 'same' | 'added' | 'removed'; text: string }>;
  }>;
};

type ExpectedNewsEvent = {
  seq: number;
  type: 'article.published' | 'article.updated' | 'article.corrected' | 'article.retracted';
  at: string;
  articleId: string;
  version: number;
  tags: string[];
  article: ExpectedArticle;
  revision: ExpectedRevision;
};

type ExpectedErrorCode =
  | 'VALIDATION_FAILED'
  | 'MALFORMED_JSON'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'ARTICLE_NOT_FOUND'
  | 'NOT_FOUND'
  | 'PRECONDITION_REQUIRED'
  | 'VERSION_CONFLICT'
  | 'ARTICLE_RETRACTED'
  | 'NO_CHANGES'
  | 'RATE_LIMITED'
  | 'SUBSCRIPTION_LIMIT'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL';

type ExpectedAckError = { ok: false; error: { code: ExpectedErrorCode; message: string } };

type ExpectedSubscribeAck =
  | { ok: true; tags: string[]; articles: string[]; head: number; replayed: number }
  | ExpectedAckError;

type ExpectedUnsubscribeAck = { ok: true; tags: string[]; articles: string[] } | ExpectedAckError;

type ExpectedResync = {
  reason: 'RETENTION_EXCEEDED';
  head: number;
  items: ExpectedArticle[];
};

type ExpectedKicked = { code: 'SLOW_CONSUMER'; message: string };

type ExpectedSubscribeRequest = { tags?: string[]; articles?: string[]; after?: number };

/** The article of a related push: no body, authors or retraction. */
type ExpectedArticleSummary = Omit<ExpectedArticle, 'body' | 'authors' | 'retraction'>;

type ExpectedRelatedPublished = {
  seq: number;
  type: 'related.published';
  at: string;
  articleId: string;
  version: number;
  tags: string[];
  article: ExpectedArticleSummary;
  relatedTo: string[];
};

// ---- the checks: each line fails to compile when its type drifts ------------------------------------------------

assertType<Equals<NewsEvent, ExpectedNewsEvent>>();
assertType<Equals<NewsEvent, ContractNewsEvent>>(); // the SDK hands out exactly the server's type
assertType<Equals<Article, ExpectedArticle>>();
assertType<Equals<Revision, ExpectedRevision>>();
assertType<Equals<SubscribeAck, ExpectedSubscribeAck>>();
assertType<Equals<UnsubscribeAck, ExpectedUnsubscribeAck>>();
assertType<Equals<Resync, ExpectedResync>>();
assertType<Equals<Kicked, ExpectedKicked>>();
assertType<Equals<SubscribeRequest, ExpectedSubscribeRequest>>();

// The event maps: what each event carries, both ways.
assertType<Equals<Parameters<ServerToClientEvents['news']>, [ExpectedNewsEvent]>>();
assertType<Equals<Parameters<ServerToClientEvents['related']>, [ExpectedRelatedPublished]>>();
assertType<Equals<RelatedPublished, ExpectedRelatedPublished>>();
assertType<Equals<Parameters<ServerToClientEvents['resync']>, [ExpectedResync]>>();
assertType<Equals<Parameters<ServerToClientEvents['kicked']>, [ExpectedKicked]>>();
assertType<Equals<keyof ServerToClientEvents, 'news' | 'related' | 'resync' | 'kicked'>>();
assertType<Equals<keyof ClientToServerEvents, 'subscribe' | 'unsubscribe'>>();
assertType<
  Equals<
    Parameters<ClientToServerEvents['subscribe']>,
    [ExpectedSubscribeRequest, (result: ExpectedSubscribeAck) => void]
  >
>();
assertType<
  Equals<
    Parameters<ClientToServerEvents['unsubscribe']>,
    [{ tags?: string[]; articles?: string[] }, (result: ExpectedUnsubscribeAck) => void]
  >
>();

// The helper itself must tell types apart, or every check above would pass vacuously.
assertType<Equals<Equals<{ a: string }, { a: string; b?: string }>, false>>();
assertType<Equals<Equals<{ a?: string }, { a: string }>, false>>();
assertType<Equals<Equals<{ a: any }, { a: string }>, false>>(); // eslint-disable-line @typescript-eslint/no-explicit-any
assertType<Equals<Equals<'x' | 'y', 'x'>, false>>();

// ---- and at runtime: the schema the SDK validates with accepts what a real server sends --------------------------

describe('the NewsEvent contract on the wire', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('contract_types');
  });
  afterAll(async () => {
    await server.close();
  });

  it('NewsEventSchema parses real events from GET /api/events, losing nothing', async () => {
    const editor = tokenFor('editor');
    const published = await server.request('POST', '/api/articles', { token: editor, body: sampleArticle() });
    expect(published.status).toBe(201);
    const revised = await server.request('PATCH', `/api/articles/${published.body.article.id}`, {
      token: editor,
      headers: { 'if-match': '"1"' },
      body: { changes: { body: 'Talks resumed on Tuesday and ended late.' }, note: 'Update: talks ended' },
    });
    expect(revised.status).toBe(200);

    const res = await server.request('GET', '/api/events?after=0');
    expect(res.status).toBe(200);
    const items: unknown[] = res.body.items;
    expect(items).toHaveLength(2);
    const parsed = items.map((raw) => NewsEventSchema.parse(raw));
    // Parsing strips unknown keys: equality means the server sends no field the contract does not know.
    expect(parsed).toEqual(items);
    const [publish, update] = parsed as [ExpectedNewsEvent, ExpectedNewsEvent];
    expect([publish.type, update.type]).toEqual(['article.published', 'article.updated']);
    expect(update.revision.changes[0]!.diff?.length).toBeGreaterThan(0);
  });
});
