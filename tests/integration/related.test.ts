import samples from '../../scripts/samples/articles.json';
import { connectDateline, type DatelineClient, type RelatedPublished } from '../../sdk';
import { startTestServer, tokenFor, type TestServer } from '../helpers/server';

const editor = tokenFor('editor');
type Sample = (typeof samples)[number];
const bySubject = (subject: string) => samples.filter((s) => s.subject === subject);

describe('"Similar News", search and live related pushes (real server, sockets, database)', () => {
  let server: TestServer;
  const subjectOf = new Map<string, string>();
  const idOf = new Map<string, string>();
  const clients: DatelineClient[] = [];

  const publish = async (sample: Sample) => {
    const { headline, summary, body, tags, language, dateline, authors } = sample;
    const res = await server.request('POST', '/api/articles', {
      token: editor,
      body: { headline, summary, body, tags, language, dateline, authors },
    });
    expect(res.status).toBe(201);
    subjectOf.set(res.body.article.id, sample.subject);
    idOf.set(sample.key, res.body.article.id);
    return res.body.article.id as string;
  };

  beforeAll(async () => {
    server = await startTestServer('related');
    // trade-05 is kept back to be published while clients watch.
    const first = [...bySubject('india-us-trade'), ...bySubject('ipl-final')].filter((s) => s.key !== 'trade-05');
    for (const sample of first) {
      await publish(sample);
    }
  });
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await server.close();
  });

  it('ranks stories of the same subject first and says why', async () => {
    const res = await server.request('GET', `/api/articles/${idOf.get('trade-01')}/related?limit=3`);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(3);
    for (const item of res.body.items) {
      expect(subjectOf.get(item.article.id)).toBe('india-us-trade');
      expect(item.score).toBeGreaterThan(0);
      expect(item.reasons.sharedTags.length + item.reasons.topTerms.length).toBeGreaterThan(0);
    }
  });

  it('finds the Hindi story for a Hindi query and the English story for an English one', async () => {
    const hindi = await server.request('GET', `/api/search?q=${encodeURIComponent('जयशंकर रुबियो मुलाक़ात')}`);
    expect(hindi.status).toBe(200);
    expect(hindi.body.items[0].article.id).toBe(idOf.get('trade-02'));
    expect(hindi.body.items[0].article.language).toBe('hi');

    const english = await server.request('GET', `/api/search?q=${encodeURIComponent('knitwear orders Tiruppur')}&language=en`);
    expect(english.body.items[0].article.id).toBe(idOf.get('trade-03'));
    expect(english.body.items.every((i: { article: { language: string } }) => i.article.language === 'en')).toBe(true);

    const cricket = await server.request('GET', `/api/search?q=final&tag=ipl-final`);
    expect(cricket.body.items.length).toBeGreaterThan(0);
    expect(cricket.body.items.every((i: { article: { id: string } }) => subjectOf.get(i.article.id) === 'ipl-final')).toBe(true);
  });

  it('rejects bad queries with a 4xx and a code', async () => {
    expect((await server.request('GET', '/api/search')).body.error.code).toBe('VALIDATION_FAILED');
    expect((await server.request('GET', '/api/search?q=x&limit=500')).status).toBe(400);
    expect((await server.request('GET', '/api/articles/zzzzzzzzzzzz/related')).status).toBe(404);
    expect((await server.request('GET', `/api/articles/${idOf.get('trade-01')}/related?limit=21`)).status).toBe(400);
  });

  it('pushes related.published to the rooms of related stories only', async () => {
    const follow = (id: string) => {
      const client = connectDateline({ url: server.url, articles: [id] });
      clients.push(client);
      const got: RelatedPublished[] = [];
      client.on('related', (e) => got.push(e));
      return new Promise<RelatedPublished[]>((resolve) => client.on('subscribed', () => resolve(got)));
    };
    const tradeReaders = await follow(idOf.get('trade-01')!);
    const cricketReaders = await follow(idOf.get('ipl-01')!);

    const newId = await publish(samples.find((s) => s.key === 'trade-05')!);
    await new Promise((r) => setTimeout(r, 500));

    expect(tradeReaders).toHaveLength(1);
    expect(tradeReaders[0]!.type).toBe('related.published');
    expect(tradeReaders[0]!.articleId).toBe(newId);
    expect(tradeReaders[0]!.relatedTo).toContain(idOf.get('trade-01'));
    expect(tradeReaders[0]!.article).not.toHaveProperty('body');
    expect(cricketReaders).toEqual([]);
  });

  it('drops a retracted story from related lists and search', async () => {
    const target = idOf.get('trade-02')!;
    const before = await server.request('GET', `/api/articles/${idOf.get('trade-04')}/related?limit=20`);
    expect(before.body.items.map((i: { article: { id: string } }) => i.article.id)).toContain(target);

    const retracted = await server.request('POST', `/api/articles/${target}/retract`, { token: editor, body: { reason: 'Sourcing failed review' } });
    expect(retracted.status).toBe(200);

    const after = await server.request('GET', `/api/articles/${idOf.get('trade-04')}/related?limit=20`);
    expect(after.body.items.map((i: { article: { id: string } }) => i.article.id)).not.toContain(target);
    const search = await server.request('GET', `/api/search?q=${encodeURIComponent('जयशंकर रुबियो मुलाक़ात')}`);
    expect(search.body.items.map((i: { article: { id: string } }) => i.article.id)).not.toContain(target);
    expect((await server.request('GET', `/api/articles/${target}/related`)).body.items).toEqual([]);
  });
});
