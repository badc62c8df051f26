/**
 * Articles over real HTTP on a real FerretDB: exact Unicode round-trips, optimistic concurrency, corrections,
 * retractions, health and the OpenAPI document.
 */
import { NewsEventSchema } from '../../src/contract/events';
import { startTestServer, type TestServer } from '../helpers/server';
import { EDITOR, expectError, publish, start } from './support';

let server: TestServer & { stop(): Promise<void> };

beforeAll(async () => {
  server = await start('articles_http');
});
afterAll(async () => {
  await server?.stop();
});

const get = (path: string) => server.request('GET', path);
const patch = (id: string, version: string, body: unknown) =>
  server.request('PATCH', `/api/articles/${id}`, { token: EDITOR, headers: { 'if-match': version }, body });
const eventsOf = async (id: string) => (await get(`/api/events?articles=${id}&limit=1000`)).body.items as any[];

describe('a Hindi article', () => {
  // ज़ is written precomposed (U+095B): a composition exclusion, so its NFC form is ज + nukta (U+091C U+093C).
  const HEADLINE = 'भारत-अमेरिका व्यापार वार्ता फिर शुरू, \u095Bरूरी समझौते पर न\u095Bर';
  const SUMMARY = 'दोनों देशों के वार्ताकार मंगलवार को मिले; Café-कूटनीति पर चर्चा।';
  const BODY = 'नई दिल्ली में वाणिज्य मंत्रालय ने कहा कि शुल्क पर बातचीत आगे बढ़ी है। फ़िलहाल कोई समझौता नहीं हुआ।';
  const nfd = (s: string) => s.normalize('NFD');
  const nfc = (s: string) => s.normalize('NFC');

  it('round-trips exactly: NFD in, NFC out, tags normalized, Devanagari slug, same text by id and by slug', async () => {
    // the inputs really differ between NFD and NFC, so the assertions below can tell them apart
    expect(nfd(SUMMARY)).not.toBe(nfc(SUMMARY));
    expect(nfd(HEADLINE)).not.toBe(HEADLINE);
    const res = await server.request('POST', '/api/articles', {
      token: EDITOR,
      body: {
        headline: nfd(HEADLINE),
        summary: nfd(SUMMARY),
        body: nfd(BODY),
        tags: ['व्यापार', nfd('भारत  अमेरिका'), 'India-US Trade', '  नई दिल्ली '],
        language: 'hi',
        dateline: 'नई दिल्ली',
        authors: ['विशेष संवाददाता'],
      },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('etag')).toBe('"1"');
    const article = res.body.article;
    expect(res.headers.get('location')).toBe(`/api/articles/${article.id}`);
    expect(article).toMatchObject({
      version: 1,
      status: 'published',
      headline: nfc(HEADLINE),
      summary: nfc(SUMMARY),
      body: nfc(BODY),
      tags: ['व्यापार', 'भारत-अमेरिका', 'india-us-trade', 'नई-दिल्ली'],
      language: 'hi',
      dateline: 'नई दिल्ली',
      authors: ['विशेष संवाददाता'],
      retraction: null,
    });
    expect(article.headline).toContain('\u091C\u093C'); // ज + nukta
    expect(article.headline).toContain('्'); // virama (व्यापार)
    expect(article.slug).toBe(`भारत-अमेरिका-व्यापार-वार्ता-फिर-शुरू-\u091C\u093Cरूरी-समझौते-पर-न\u091C\u093Cर-${article.id}`);
    expect(article.publishedAt).toBe(article.updatedAt);

    const byLocation = await get(res.headers.get('location')!);
    const bySlug = await get(`/api/articles/${encodeURIComponent(article.slug)}`);
    for (const r of [byLocation, bySlug]) {
      expect(r.status).toBe(200);
      expect(r.headers.get('etag')).toBe('"1"');
      expect(r.body.article).toEqual(article);
    }
    // the durable record (the committed event) holds exactly the served text
    expect((await server.app.store.latestEvent(article.id))!.article).toEqual(article);

    const edited = await patch(article.id, '"1"', { changes: { headline: nfd('व्यापार वार्ता में प्रगति') }, note: 'नया शीर्षक' });
    expect(edited.status).toBe(200);
    expect(edited.headers.get('etag')).toBe('"2"');
    expect(edited.body.article).toMatchObject({ version: 2, headline: 'व्यापार वार्ता में प्रगति', slug: article.slug });
    const [againById, oldSlug] = await Promise.all([
      get(`/api/articles/${article.id}`),
      get(`/api/articles/${encodeURIComponent(article.slug)}`),
    ]);
    expect(oldSlug.status).toBe(200);
    expect(oldSlug.body.article).toEqual(edited.body.article);
    expect(againById.body.article).toEqual(edited.body.article);
    expect(oldSlug.body.article.body).toBe(nfc(BODY));
  });
});

describe('optimistic concurrency', () => {
  it('of 20 concurrent PATCHes with If-Match "1" exactly one wins; the others get 412 at version 2', async () => {
    const { id } = await publish(server, { tags: ['race'] });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => patch(id, '"1"', { changes: { headline: `Edit number ${i}` }, note: `edit ${i}` })),
    );
    const winners = results.filter((r) => r.status === 200);
    const losers = results.filter((r) => r.status !== 200);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(19);
    for (const loser of losers) {
      expectError(loser, 412, 'VERSION_CONFLICT');
      expect(loser.body.error.details).toEqual({ currentVersion: 2 });
    }
    const current = await get(`/api/articles/${id}`);
    expect(current.body.article).toEqual(winners[0]!.body.article);
    expect(current.body.article.version).toBe(2);

    const revisions = (await get(`/api/articles/${id}/revisions`)).body.items;
    expect(revisions.map((r: any) => [r.version, r.kind])).toEqual([[1, 'publish'], [2, 'update']]);
    expect(revisions[1].changes[0].after).toBe(winners[0]!.body.article.headline);
    expect((await eventsOf(id)).map((e) => e.type)).toEqual(['article.published', 'article.updated']);
    expect((await server.app.store.eventsOfArticle(id)).map((e) => e.version)).toEqual([1, 2]);
  });
});

describe('two instances on one database', () => {
  it('an instance that has not heard of a revision still retracts the latest version (no 503)', async () => {
    const { id } = await publish(server);
    // a second instance with its own read models; without Redis it learns of the first one's writes only from the log
    const other = await startTestServer('unused', { mongodbUri: server.config.mongodbUri });
    try {
      expect((await other.request('GET', `/api/articles/${id}`)).body.article.version).toBe(1); // now cached there
      const revised = await patch(id, '"1"', { changes: { headline: 'Revised on the first instance' }, note: 'n' });
      expect(revised.status).toBe(200);
      const res = await other.request('POST', `/api/articles/${id}/retract`, { token: EDITOR, body: { reason: 'wrong' } });
      expect(res.status).toBe(200);
      expect(res.body.article).toMatchObject({ version: 3, status: 'retracted', headline: 'Revised on the first instance' });
      const versions = (await server.app.store.eventsOfArticle(id)).map((e) => [e.version, e.type]);
      expect(versions).toEqual([[1, 'article.published'], [2, 'article.updated'], [3, 'article.retracted']]);
    } finally {
      await other.close();
    }
  });
});

describe('corrections and retractions', () => {
  it('a correction is revision kind "correction", event "article.corrected", with before/after and a word diff', async () => {
    const { id, body } = await publish(server);
    const after = body.replace('Tuesday', 'Wednesday');
    const res = await patch(id, '"1"', { changes: { body: after }, note: 'The talks were on Wednesday', kind: 'correction' });
    expect(res.status).toBe(200);
    expect(res.body.revision).toMatchObject({ version: 2, kind: 'correction', editor: 'editor-1', note: 'The talks were on Wednesday' });
    const [change] = res.body.revision.changes;
    expect(change).toMatchObject({ field: 'body', before: body, after });
    const diff: Array<{ op: string; text: string }> = change.diff;
    expect(diff.filter((p) => p.op !== 'same')).toEqual([
      { op: 'removed', text: 'Tuesday' },
      { op: 'added', text: 'Wednesday' },
    ]);
    expect(diff.filter((p) => p.op !== 'added').map((p) => p.text).join('')).toBe(body);
    expect(diff.filter((p) => p.op !== 'removed').map((p) => p.text).join('')).toBe(after);

    const events = await eventsOf(id);
    expect(events.map((e) => e.type)).toEqual(['article.published', 'article.corrected']);
    expect(events[1].revision).toEqual(res.body.revision);
    const revisions = (await get(`/api/articles/${id}/revisions`)).body.items;
    expect(revisions.map((r: any) => r.kind)).toEqual(['publish', 'correction']);
    expect(revisions[1]).toEqual(res.body.revision);
  });

  it('a retraction leaves a readable tombstone, leaves lists and tag counts, and withholds text from revisions', async () => {
    const original = await publish(server, {
      tags: ['Retract Me', 'Kept Tag'],
      summary: 'A summary that must disappear',
      body: 'Secret allegation about Tuesday',
    });
    const other = await publish(server, { tags: ['Kept Tag'] });
    const id = original.id;
    const corrected = await patch(id, '"1"', { changes: { body: 'Secret allegation about Wednesday' }, note: 'day', kind: 'correction' });
    expect(corrected.status).toBe(200);
    const tagCount = async (tag: string) =>
      (await get('/api/tags')).body.items.find((t: any) => t.tag === tag)?.count ?? 0;
    const keptBefore = await tagCount('kept-tag');
    expect(await tagCount('retract-me')).toBe(1);

    const res = await server.request('POST', `/api/articles/${id}/retract`, { token: EDITOR, body: { reason: 'The source recanted' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"3"');
    const tombstone = res.body.article;
    expect(tombstone).toMatchObject({
      id,
      version: 3,
      status: 'retracted',
      headline: original.headline,
      body: '',
      summary: '',
      tags: ['retract-me', 'kept-tag'],
      retraction: { reason: 'The source recanted', at: tombstone.updatedAt },
    });
    expect(res.body.revision).toMatchObject({ kind: 'retraction', note: 'The source recanted', version: 3 });

    const read = await get(`/api/articles/${encodeURIComponent(original.slug)}`);
    expect(read.status).toBe(200);
    expect(read.body.article).toEqual(tombstone);

    const listed = (await get('/api/articles?limit=100')).body.items.map((a: any) => a.id);
    expect(listed).toContain(other.id);
    expect(listed).not.toContain(id);
    expect((await get('/api/articles?tag=retract-me')).body.items).toEqual([]);
    expect((await get('/api/articles?tag=kept-tag&limit=100')).body.items.map((a: any) => a.id)).not.toContain(id);
    expect(await tagCount('retract-me')).toBe(0);
    expect(await tagCount('kept-tag')).toBe(keptBefore - 1);

    const revisions = (await get(`/api/articles/${id}/revisions`)).body.items;
    expect(revisions.map((r: any) => r.kind)).toEqual(['publish', 'correction', 'retraction']);
    const text = JSON.stringify(revisions);
    for (const withdrawn of ['Secret allegation', 'A summary that must disappear', 'Tuesday', 'Wednesday']) {
      expect(text).not.toContain(withdrawn);
    }
    for (const change of revisions.flatMap((r: any) => r.changes).filter((c: any) => c.field === 'body')) {
      expect(change).toEqual({ field: 'body', before: null, after: '' });
    }
    expect(revisions[0].changes.find((c: any) => c.field === 'headline').after).toBe(original.headline);
    const events = await eventsOf(id);
    expect(events.map((e) => e.type)).toEqual(['article.published', 'article.corrected', 'article.retracted']);
    for (const withdrawn of ['Secret allegation', 'A summary that must disappear']) {
      expect(JSON.stringify(events)).not.toContain(withdrawn); // the log is public too
    }
  });
});

describe('service endpoints', () => {
  it('/healthz and /readyz answer 200', async () => {
    expect(await get('/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await get('/readyz')).toMatchObject({ status: 200, body: { status: 'ready' } });
  });

  it('/api/openapi.json is OpenAPI 3.1 whose request schemas reject unknown fields', async () => {
    const { status, body: doc } = await get('/api/openapi.json');
    expect(status).toBe(200);
    expect(doc.openapi).toBe('3.1.0');
    for (const path of ['/api/articles', '/api/articles/{id}', '/api/events']) expect(doc.paths).toHaveProperty([path]);
    const requestSchema = (path: string, method: string) => {
      const schema = doc.paths[path][method].requestBody.content['application/json'].schema;
      return schema.$ref ? schema.$defs[schema.$ref.replace('#/$defs/', '')] : schema;
    };
    const publishSchema = requestSchema('/api/articles', 'post');
    expect(publishSchema.additionalProperties).toBe(false);
    expect([...publishSchema.required].sort()).toEqual(['body', 'headline', 'language', 'tags']);
    const reviseSchema = requestSchema('/api/articles/{id}', 'patch');
    expect(reviseSchema.additionalProperties).toBe(false);
    expect(reviseSchema.properties.changes.additionalProperties).toBe(false);
    expect(requestSchema('/api/articles/{id}/retract', 'post').additionalProperties).toBe(false);
    expect(doc.paths['/api/events'].get.parameters.map((p: any) => p.name).sort()).toEqual(['after', 'articles', 'limit', 'tags']);
  });

  it('every event the API serves matches the published NewsEvent schema', async () => {
    const { items } = (await get('/api/events?limit=1000')).body;
    expect(items.length).toBeGreaterThan(0);
    for (const event of items) expect(NewsEventSchema.safeParse(event).error).toBeUndefined();
  });
});
