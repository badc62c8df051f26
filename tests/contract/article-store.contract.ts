/**
 * The contract every ArticleStore must pass (see src/articles/article-store.ts). Each test names the MongoDB
 * operation the Mongo implementation relies on, so a server that lacks it (FerretDB v1 lacks several) fails a
 * test that says what is missing. `makeStore` must connect to a fresh, empty database on every call.
 */
import type { Article } from '../../src/contract/articles';
import type { NewsEvent } from '../../src/contract/events';
import type { ArticleStore } from '../../src/articles/article-store';
import { EventLog } from '../../src/articles/event-log';

export interface ContractOptions {
  /** Two connections to one fresh database (default: one store used twice). */
  openPair?: () => Promise<[ArticleStore, ArticleStore]>;
}

const T0 = Date.parse('2026-11-01T10:00:00.000Z');
export const at = (ms: number): string => new Date(T0 + ms).toISOString();

export function makeArticle(id: string, version = 1, overrides: Partial<Article> = {}): Article {
  return {
    id, slug: `story-${id}`, version, status: 'published', headline: `Headline of ${id}, v${version}`, summary: '',
    body: `Body of ${id} at version ${version}.`, tags: ['news'], language: 'en', dateline: '', authors: [],
    publishedAt: at(0), updatedAt: at(version), retraction: null, ...overrides,
  };
}

export function makeEvent(seq: number, article: Article, tags: string[] = article.tags): NewsEvent {
  const kind = article.status === 'retracted' ? 'retraction' : article.version === 1 ? 'publish' : 'update';
  const type = kind === 'retraction' ? 'article.retracted' : kind === 'publish' ? 'article.published' : 'article.updated';
  return {
    seq, type, at: article.updatedAt, articleId: article.id, version: article.version, tags, article,
    revision: { version: article.version, kind, at: article.updatedAt, editor: 'editor-1', note: '',
      changes: [{ field: 'headline', before: null, after: article.headline }] },
  };
}

const seqsOf = (events: readonly NewsEvent[]) => events.map((e) => e.seq);
const byPosition = (a: Article, b: Article) =>
  a.publishedAt === b.publishedAt ? (a.id < b.id ? 1 : -1) : a.publishedAt < b.publishedAt ? 1 : -1;

export function describeArticleStoreContract(
  name: string,
  makeStore: () => Promise<ArticleStore>,
  options: ContractOptions = {},
): void {
  describe(`ArticleStore contract: ${name}`, () => {
    let store: ArticleStore;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store?.close();
    });
    const appendAll = async (events: readonly NewsEvent[]) => {
      for (const e of events) expect(await store.appendEvent(e)).toBe('appended');
    };

    describe('the event log', () => {
      it("appendEvent — insertOne under the unique _id (articleId:version) and unique seq: 'appended', 'version-taken', 'seq-taken'", async () => {
        const a1 = makeEvent(1, makeArticle('a'));
        expect(await store.appendEvent(a1)).toBe('appended');
        expect(await store.appendEvent(makeEvent(2, makeArticle('a', 1, { headline: 'rival' })))).toBe('version-taken');
        expect(await store.appendEvent(makeEvent(1, makeArticle('b')))).toBe('seq-taken');
        expect(await store.appendEvent(makeEvent(1, makeArticle('a', 1, { headline: 'both taken' })))).toBe('version-taken');
        const b1 = makeEvent(2, makeArticle('b'));
        expect(await store.appendEvent(b1)).toBe('appended');
        expect(await store.eventsAfter(0, 10)).toEqual([a1, b1]);
      });

      it('appendEvent + eventsAfter — insertOne then find round-trip an event exactly (Hindi, ms times, nested diff)', async () => {
        const article = makeArticle('hindi', 2, {
          headline: 'नई दिल्ली में ज़रूरी बैठक', body: 'क्षेत्रीय व्यापार पर फ़ैसला।', tags: ['व्यापार', 'india-us-trade'],
          language: 'hi', dateline: 'नई दिल्ली', authors: ['संवाददाता'], publishedAt: '2026-11-01T10:00:00.001Z',
          updatedAt: '2026-11-01T10:00:00.999Z',
        });
        const event: NewsEvent = {
          ...makeEvent(1, article, ['व्यापार', 'india-us-trade', 'old-tag']),
          revision: { version: 2, kind: 'correction', at: article.updatedAt, editor: 'e', note: 'सुधार',
            changes: [{ field: 'body', before: 'पुराना', after: article.body,
              diff: [{ op: 'removed', text: 'पुराना' }, { op: 'added', text: article.body }] }] },
        };
        expect(await store.appendEvent(event)).toBe('appended');
        expect(await store.eventsAfter(0, 1)).toEqual([event]);
        expect(await store.latestEvent('hindi')).toEqual(event);
      });

      it('headSeq — find + sort({seq: -1}) + limit(1): 0 on an empty log, then the highest seq', async () => {
        expect(await store.headSeq()).toBe(0);
        await appendAll([makeEvent(2, makeArticle('a')), makeEvent(5, makeArticle('b')), makeEvent(3, makeArticle('c'))]);
        expect(await store.headSeq()).toBe(5);
      });

      it('eventsAfter — find({seq: {$gt}}) + sort({seq: 1}) + limit: seq order, bounded by the limit', async () => {
        await appendAll([3, 1, 6, 2, 5, 4].map((seq) => makeEvent(seq, makeArticle(`s${seq}`))));
        expect(seqsOf(await store.eventsAfter(0, 100))).toEqual([1, 2, 3, 4, 5, 6]);
        expect(seqsOf(await store.eventsAfter(2, 3))).toEqual([3, 4, 5]);
        expect(seqsOf(await store.eventsAfter(0, 1))).toEqual([1]);
        expect(await store.eventsAfter(6, 10)).toEqual([]);
      });

      it('eventsAfter with a filter — find with $or of {tags: {$in}} and {articleId: {$in}}', async () => {
        await appendAll([
          makeEvent(1, makeArticle('a', 1, { tags: ['economy'] })),
          makeEvent(2, makeArticle('b', 1, { tags: ['sports'] })),
          makeEvent(3, makeArticle('c', 1, { tags: [] })),
          makeEvent(4, makeArticle('a', 2, { tags: ['markets'] }), ['economy', 'markets']),
          makeEvent(5, makeArticle('d', 1, { tags: ['sports', 'economy'] })),
        ]);
        expect(seqsOf(await store.eventsAfter(0, 10, { tags: ['economy'] }))).toEqual([1, 4, 5]);
        expect(seqsOf(await store.eventsAfter(0, 10, { tags: ['markets', 'sports'] }))).toEqual([2, 4, 5]);
        expect(seqsOf(await store.eventsAfter(0, 10, { articles: ['c', 'b'] }))).toEqual([2, 3]);
        expect(seqsOf(await store.eventsAfter(0, 10, { tags: ['markets'], articles: ['c'] }))).toEqual([3, 4]);
        expect(seqsOf(await store.eventsAfter(1, 1, { tags: ['economy'] }))).toEqual([4]);
        expect(seqsOf(await store.eventsAfter(0, 10, { tags: [], articles: [] }))).toEqual([1, 2, 3, 4, 5]);
        expect(await store.eventsAfter(0, 10, { tags: ['none'], articles: ['none'] })).toEqual([]);
      });

      it('eventsOfArticle — find({articleId}) + sort({version: 1}); latestEvent — findOne({articleId}) + sort({version: -1})', async () => {
        const events = [makeEvent(1, makeArticle('a', 3)), makeEvent(2, makeArticle('b')), makeEvent(3, makeArticle('a', 1)),
          makeEvent(4, makeArticle('a', 2))];
        await appendAll(events);
        expect(await store.eventsOfArticle('a')).toEqual([events[2], events[3], events[0]]);
        expect(await store.eventsOfArticle('nope')).toEqual([]);
        expect(await store.latestEvent('a')).toEqual(events[0]);
        expect(await store.latestEvent('b')).toEqual(events[1]);
        expect(await store.latestEvent('nope')).toBeNull();
      });

      it('logSummary — cursor iteration over every event with a projection: the head and articleId → highest version', async () => {
        expect(await store.logSummary()).toEqual({ head: 0, latestVersions: new Map() });
        await appendAll([makeEvent(1, makeArticle('a', 2)), makeEvent(2, makeArticle('b')), makeEvent(4, makeArticle('a', 3)),
          makeEvent(3, makeArticle('a', 1))]);
        expect(await store.logSummary()).toEqual({ head: 4, latestVersions: new Map([['a', 3], ['b', 1]]) });
      });
    });

    describe('the article projection', () => {
      it('saveArticle + findArticle — insertOne of a new document, then findById returns it exactly', async () => {
        const hindi = makeArticle('hindi', 1, { headline: 'भारत-अमेरिका वार्ता', tags: ['व्यापार'], language: 'hi',
          dateline: 'नई दिल्ली', authors: ['संवाददाता'], publishedAt: '2026-11-01T10:00:00.123Z' });
        const tombstone = makeArticle('gone', 2, { status: 'retracted', body: '', tags: [],
          retraction: { reason: 'वापस लिया', at: at(2) } });
        await store.saveArticle(hindi);
        await store.saveArticle(tombstone);
        expect(await store.findArticle('hindi')).toEqual(hindi);
        expect(await store.findArticle('gone')).toEqual(tombstone);
      });

      it('findArticle — findById: null for an unknown id', async () => {
        await store.saveArticle(makeArticle('a'));
        expect(await store.findArticle('b')).toBeNull();
      });

      it('saveArticle — updateOne with $set and a $lt version guard: forward only, never back (sequential)', async () => {
        const v3 = makeArticle('a', 3, { headline: 'third' });
        await store.saveArticle(makeArticle('a', 1));
        await store.saveArticle(v3);
        expect(await store.findArticle('a')).toEqual(v3);
        await store.saveArticle(makeArticle('a', 2, { headline: 'second, late' }));
        expect(await store.findArticle('a')).toEqual(v3);
        await store.saveArticle(makeArticle('a', 3, { headline: 'same version, other text' }));
        expect(await store.findArticle('a')).toEqual(v3);
        const v4 = makeArticle('a', 4, { headline: 'fourth', tags: ['moved'] });
        await store.saveArticle(v4);
        expect(await store.findArticle('a')).toEqual(v4);
      });

      it('projectedVersions — cursor iteration over every article document: id → version', async () => {
        expect(await store.projectedVersions()).toEqual(new Map());
        await store.saveArticle(makeArticle('a', 1));
        await store.saveArticle(makeArticle('a', 2));
        await store.saveArticle(makeArticle('b', 1, { status: 'retracted' }));
        expect(await store.projectedVersions()).toEqual(new Map([['a', 2], ['b', 1]]));
      });

      const library = (): Article[] => [
        makeArticle('old', 1, { publishedAt: at(1_000), tags: ['economy'] }),
        makeArticle('tie-a', 1, { publishedAt: at(2_000), tags: ['economy'], language: 'hi' }),
        makeArticle('tie-c', 1, { publishedAt: at(2_000), tags: ['sports'] }),
        makeArticle('tie-b', 1, { publishedAt: at(2_000), tags: ['economy', 'sports'], language: 'hi' }),
        makeArticle('mid', 2, { publishedAt: at(3_000), tags: [] }),
        makeArticle('new', 1, { publishedAt: at(4_000), tags: ['economy'], language: 'hi' }),
        makeArticle('newest', 1, { publishedAt: at(5_000), tags: ['sports'] }),
        makeArticle('gone', 2, { publishedAt: at(4_500), tags: ['economy'], status: 'retracted', retraction: { reason: 'r', at: at(9) } }),
      ];
      const pageAll = async (query: { tag?: string; language?: string }, limit: number) => {
        const pages: string[][] = [];
        let before: { publishedAt: string; id: string } | undefined;
        for (;;) {
          const page = await store.listArticles({ ...query, before, limit });
          if (page.length > 0) pages.push(page.map((a) => a.id));
          if (page.length < limit) return pages;
          before = page[page.length - 1]!;
        }
      };

      it('listArticles — find({status}) + sort({publishedAt: -1, _id: -1}) + limit, keyset $or paging; ties broken by id', async () => {
        const articles = library();
        for (const a of articles) await store.saveArticle(a);
        const expected = articles.filter((a) => a.status === 'published').sort(byPosition);
        expect(expected.map((a) => a.id)).toEqual(['newest', 'new', 'mid', 'tie-c', 'tie-b', 'tie-a', 'old']);
        expect(await store.listArticles({ limit: 100 })).toEqual(expected);
        expect(await pageAll({}, 2)).toEqual([['newest', 'new'], ['mid', 'tie-c'], ['tie-b', 'tie-a'], ['old']]);
        expect(await pageAll({}, 3)).toEqual([['newest', 'new', 'mid'], ['tie-c', 'tie-b', 'tie-a'], ['old']]);
        const afterTie = await store.listArticles({ before: { publishedAt: at(2_000), id: 'tie-c' }, limit: 10 });
        expect(afterTie.map((a) => a.id)).toEqual(['tie-b', 'tie-a', 'old']);
      });

      it('listArticles — tag (array element equality) and language filters, also with a keyset position', async () => {
        for (const a of library()) await store.saveArticle(a);
        expect(await pageAll({ tag: 'economy' }, 2)).toEqual([['new', 'tie-b'], ['tie-a', 'old']]);
        expect(await pageAll({ language: 'hi' }, 2)).toEqual([['new', 'tie-b'], ['tie-a']]);
        expect(await pageAll({ tag: 'sports', language: 'en' }, 1)).toEqual([['newest'], ['tie-c']]);
        expect(await store.listArticles({ tag: 'nothing', limit: 5 })).toEqual([]);
      });

      it('allPublishedTags — find({status: "published"}) with a tags projection: every published tag list', async () => {
        expect(await store.allPublishedTags()).toEqual([]);
        for (const a of library()) await store.saveArticle(a);
        const sorted = (lists: string[][]) => lists.map((l) => l.join(',')).sort();
        expect(sorted(await store.allPublishedTags())).toEqual(
          sorted(library().filter((a) => a.status === 'published').map((a) => a.tags)),
        );
      });

      it('retractedIds — find({status: "retracted"}) with an _id projection: every retracted article', async () => {
        expect(await store.retractedIds()).toEqual([]);
        for (const a of library()) await store.saveArticle(a);
        const expected = library().filter((a) => a.status === 'retracted').map((a) => a.id).sort();
        expect(expected.length).toBeGreaterThan(0);
        expect((await store.retractedIds()).sort()).toEqual(expected);
      });

      it('ping — admin ping answers', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });
    });

    describe('concurrency', () => {
      it("20 parallel appendEvent of one (articleId, version) — insertOne under the unique _id: 1 'appended', 19 'version-taken'", async () => {
        const rivals = Array.from({ length: 20 }, (_, i) => makeEvent(i + 1, makeArticle('hot', 1, { headline: `rival ${i}` })));
        const results = await Promise.all(rivals.map((e) => store.appendEvent(e)));
        expect(results.filter((r) => r === 'appended')).toHaveLength(1);
        expect(results.filter((r) => r === 'version-taken')).toHaveLength(19);
        const winner = rivals[results.indexOf('appended')]!;
        expect(await store.eventsOfArticle('hot')).toEqual([winner]);
        expect(await store.eventsAfter(0, 100)).toEqual([winner]);
      });

      it('two connections, an EventLog on each, 100 appends each in parallel — insertOne under the unique seq: seq 1..200', async () => {
        const [first, second] = options.openPair ? await options.openPair() : [store, store];
        try {
          let seqTaken = 0;
          const write = async (connection: ArticleStore, writer: string) => {
            const observed = Object.create(connection) as ArticleStore; // the same store, counting lost races
            observed.appendEvent = async (event) => {
              const result = await connection.appendEvent(event);
              if (result === 'seq-taken') seqTaken++;
              return result;
            };
            const log = new EventLog(observed);
            log.open((await connection.logSummary()).head);
            const committed: NewsEvent[] = [];
            for (let i = 0; i < 100; i++) {
              const { seq: _seq, ...event } = makeEvent(0, makeArticle(`${writer}-${i}`));
              const result = await log.append(event);
              if (result === 'version-taken') throw new Error(`unexpected version-taken for ${writer}-${i}`);
              committed.push(result);
            }
            return committed;
          };
          const [one, two] = await Promise.all([write(first, 'w1'), write(second, 'w2')]);
          const stored = await first.eventsAfter(0, 1_000);
          expect(seqsOf(stored)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
          expect(new Set(stored.map((e) => e.articleId)).size).toBe(200);
          expect(await second.headSeq()).toBe(200);
          expect(stored).toEqual([...one, ...two].sort((a, b) => a.seq - b.seq));
          expect(seqTaken).toBeGreaterThan(0); // the writers really raced for the same seqs
        } finally {
          if (first !== store) await first.close();
          if (second !== store) await second.close();
        }
      });
    });
  });
}
