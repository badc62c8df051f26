/**
 * Every bad request gets its 4xx and catalog code — never a 5xx, never a stack trace — and changes NOTHING: the
 * lists, the event log, both articles and their revisions, the tag counts and the durable log read the same
 * before and after. The server runs with 3-item windows so that reads also take their database paths.
 */
import { signToken } from '../../src/auth/tokens';
import { sampleArticle, tokenFor, type RequestOptions, type TestServer } from '../helpers/server';
import { EDITOR, expectError, publish, start } from './support';

let server: TestServer & { stop(): Promise<void> };
let live: any; // published, then revised: at version 2
let retracted: any; // published, then retracted: at version 2
let baseline: unknown;

async function snapshot(): Promise<unknown> {
  const read = async (path: string) => {
    const res = await server.request('GET', path);
    return { status: res.status, etag: res.headers.get('etag'), body: res.body };
  };
  const paths = [
    '/api/articles?limit=100',
    '/api/events?limit=1000',
    '/api/tags',
    ...[live.id, retracted.id].flatMap((id) => [`/api/articles/${id}`, `/api/articles/${id}/revisions`]),
  ];
  return {
    reads: await Promise.all(paths.map(read)),
    storedHead: await server.app.store.headSeq(),
    storedVersions: [...(await server.app.store.logSummary()).latestVersions].sort(),
  };
}

beforeAll(async () => {
  server = await start('bad_input', { recentStories: 3, recentEvents: 3 });
  live = await publish(server);
  const revised = await server.request('PATCH', `/api/articles/${live.id}`, {
    token: EDITOR,
    headers: { 'if-match': '"1"' },
    body: { changes: { summary: 'Talks resumed.' }, note: 'shorter summary' },
  });
  expect(revised.status).toBe(200);
  live = revised.body.article;
  retracted = await publish(server, { headline: 'A story that was withdrawn', tags: ['Withdrawn'] });
  const retraction = await server.request('POST', `/api/articles/${retracted.id}/retract`, { token: EDITOR, body: { reason: 'wrong' } });
  expect(retraction.status).toBe(200);
  for (let i = 0; i < 4; i++) await publish(server, { headline: `Filler ${i}` }); // pushes both past the windows
  baseline = await snapshot();
});

afterAll(async () => {
  await server?.stop();
});

interface Case {
  name: string;
  method: string;
  path: () => string;
  options?: () => RequestOptions;
  status: number;
  code: string;
  /** A `details[].path` the answer must name. */
  detail?: string | RegExp;
  details?: unknown;
}

const OTHER_SECRET = 'another-secret-that-is-long-enough-for-hs256-9876543210';
const UNKNOWN_ID = '0123456789ab';
const valid = () => sampleArticle();
/** `token` null: no Authorization header. */
const post = (body: unknown, token: string | null = EDITOR, headers?: Record<string, string>): (() => RequestOptions) =>
  () => ({ body, token: token ?? undefined, headers });
const revise = (body: unknown, ifMatch?: string, token = EDITOR): (() => RequestOptions) =>
  () => ({ body, token, headers: ifMatch === undefined ? undefined : { 'if-match': ifMatch } });
const change = { changes: { headline: 'A new headline' }, note: 'n' };
const liveUrl = () => `/api/articles/${live.id}`;
const retractedUrl = () => `/api/articles/${retracted.id}`;

const cases: Case[] = [
  // authentication and authorization
  { name: 'publish without a token', method: 'POST', path: () => '/api/articles', options: post(valid(), null), status: 401, code: 'UNAUTHENTICATED' },
  { name: 'publish with an expired token', method: 'POST', path: () => '/api/articles', options: post(valid(), tokenFor('editor', 'x', -10)), status: 401, code: 'UNAUTHENTICATED' },
  { name: 'publish with a token of another secret', method: 'POST', path: () => '/api/articles', options: post(valid(), signToken({ sub: 'editor-1', role: 'editor' }, OTHER_SECRET)), status: 401, code: 'UNAUTHENTICATED' },
  { name: 'publish with a Basic header', method: 'POST', path: () => '/api/articles', options: post(valid(), null, { authorization: 'Basic ZWRpdG9yOng=' }), status: 401, code: 'UNAUTHENTICATED' },
  { name: 'publish with a reader token', method: 'POST', path: () => '/api/articles', options: post(valid(), tokenFor('reader')), status: 403, code: 'FORBIDDEN' },
  { name: 'revise with a reader token', method: 'PATCH', path: liveUrl, options: revise(change, '"2"', tokenFor('reader')), status: 403, code: 'FORBIDDEN' },
  { name: 'retract without a token', method: 'POST', path: () => `${liveUrl()}/retract`, options: post({ reason: 'x' }, null), status: 401, code: 'UNAUTHENTICATED' },
  // body format
  { name: 'malformed JSON', method: 'POST', path: () => '/api/articles', options: post('{"headline": '), status: 400, code: 'MALFORMED_JSON' },
  { name: 'a text/plain body', method: 'POST', path: () => '/api/articles', options: post('headline=x', EDITOR, { 'content-type': 'text/plain' }), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { name: 'JSON in latin1', method: 'POST', path: () => '/api/articles', options: post(valid(), EDITOR, { 'content-type': 'application/json; charset=latin1' }), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { name: 'a body over 256 KB', method: 'POST', path: () => '/api/articles', options: post(sampleArticle({ body: 'x'.repeat(260 * 1024) })), status: 413, code: 'PAYLOAD_TOO_LARGE' },
  { name: 'a JSON array', method: 'POST', path: () => '/api/articles', options: post([valid()]), status: 400, code: 'VALIDATION_FAILED' },
  // validation of a publish
  { name: 'an unknown field', method: 'POST', path: () => '/api/articles', options: post(sampleArticle({ extra: true })), status: 400, code: 'VALIDATION_FAILED', detail: 'body.extra' },
  { name: 'a missing headline', method: 'POST', path: () => '/api/articles', options: post(sampleArticle({ headline: undefined })), status: 400, code: 'VALIDATION_FAILED', detail: 'body.headline' },
  { name: '21 tags', method: 'POST', path: () => '/api/articles', options: post(sampleArticle({ tags: Array.from({ length: 21 }, (_, i) => `tag-${i}`) })), status: 400, code: 'VALIDATION_FAILED', detail: 'body.tags' },
  { name: 'a 65-character tag', method: 'POST', path: () => '/api/articles', options: post(sampleArticle({ tags: ['t'.repeat(65)] })), status: 400, code: 'VALIDATION_FAILED', detail: /tags$/ },
  { name: 'a tag that normalizes to nothing', method: 'POST', path: () => '/api/articles', options: post(sampleArticle({ tags: ['---'] })), status: 400, code: 'VALIDATION_FAILED', detail: /tags$/ },
  { name: 'a blank body', method: 'POST', path: () => '/api/articles', options: post(sampleArticle({ body: ' \n\t ' })), status: 400, code: 'VALIDATION_FAILED', detail: 'body.body' },
  { name: 'a bad language', method: 'POST', path: () => '/api/articles', options: post(sampleArticle({ language: 'Hindi' })), status: 400, code: 'VALIDATION_FAILED', detail: 'body.language' },
  { name: 'a NUL character in the body', method: 'POST', path: () => '/api/articles', options: post(sampleArticle({ body: 'a\u0000b' })), status: 400, code: 'VALIDATION_FAILED', detail: 'body.body' },
  { name: 'a NUL character in a tag', method: 'POST', path: () => '/api/articles', options: post(sampleArticle({ tags: ['a\u0000b'] })), status: 400, code: 'VALIDATION_FAILED', detail: 'body.tags.0' },
  { name: 'a lone surrogate in the headline', method: 'POST', path: () => '/api/articles', options: post('{"headline":"x\\ud800","body":"b","tags":[],"language":"en"}'), status: 400, code: 'VALIDATION_FAILED', detail: 'body.headline' },
  // revisions
  { name: 'PATCH without If-Match', method: 'PATCH', path: liveUrl, options: revise(change), status: 428, code: 'PRECONDITION_REQUIRED' },
  { name: 'PATCH with a stale If-Match', method: 'PATCH', path: liveUrl, options: revise(change, '"1"'), status: 412, code: 'VERSION_CONFLICT', details: { currentVersion: 2 } },
  { name: 'PATCH with an If-Match that is no ETag', method: 'PATCH', path: liveUrl, options: revise(change, 'abc'), status: 400, code: 'VALIDATION_FAILED', detail: 'header.if-match' },
  { name: 'PATCH of an unknown field', method: 'PATCH', path: liveUrl, options: revise({ changes: { slug: 'x' }, note: 'n' }, '"2"'), status: 400, code: 'VALIDATION_FAILED', detail: 'body.changes.slug' },
  { name: 'PATCH with empty changes', method: 'PATCH', path: liveUrl, options: revise({ changes: {}, note: 'n' }, '"2"'), status: 400, code: 'VALIDATION_FAILED', detail: 'body.changes' },
  { name: 'PATCH of an unknown id', method: 'PATCH', path: () => `/api/articles/${UNKNOWN_ID}`, options: revise(change, '"1"'), status: 404, code: 'ARTICLE_NOT_FOUND' },
  { name: 'PATCH with no real change', method: 'PATCH', path: liveUrl, options: () => revise({ changes: { headline: live.headline, tags: ['INDIA-US  Trade', 'Washington'] }, note: 'n' }, '"2"')(), status: 422, code: 'NO_CHANGES' },
  { name: 'PATCH of a retracted article', method: 'PATCH', path: retractedUrl, options: revise(change, '"2"'), status: 409, code: 'ARTICLE_RETRACTED' },
  { name: 'PATCH of an id with a NUL character', method: 'PATCH', path: () => '/api/articles/a%00b', options: revise(change, '"1"'), status: 400, code: 'VALIDATION_FAILED', detail: 'id' },
  // retractions
  { name: 'retract a retracted article', method: 'POST', path: () => `${retractedUrl()}/retract`, options: post({ reason: 'again' }), status: 409, code: 'ARTICLE_RETRACTED' },
  { name: 'retract with a stale If-Match', method: 'POST', path: () => `${liveUrl()}/retract`, options: revise({ reason: 'x' }, '"1"'), status: 412, code: 'VERSION_CONFLICT', details: { currentVersion: 2 } },
  { name: 'retract an unknown id', method: 'POST', path: () => `/api/articles/${UNKNOWN_ID}/retract`, options: post({ reason: 'x' }), status: 404, code: 'ARTICLE_NOT_FOUND' },
  { name: 'retract with a blank reason', method: 'POST', path: () => `${liveUrl()}/retract`, options: post({ reason: '  ' }), status: 400, code: 'VALIDATION_FAILED', detail: 'body.reason' },
  // reads
  { name: 'GET an unknown id', method: 'GET', path: () => `/api/articles/${UNKNOWN_ID}`, status: 404, code: 'ARTICLE_NOT_FOUND' },
  { name: 'GET a slug that names no id', method: 'GET', path: () => '/api/articles/no-such-story', status: 404, code: 'ARTICLE_NOT_FOUND' },
  { name: 'GET revisions of an unknown id', method: 'GET', path: () => `/api/articles/${UNKNOWN_ID}/revisions`, status: 404, code: 'ARTICLE_NOT_FOUND' },
  { name: 'GET revisions of an id with a NUL character', method: 'GET', path: () => '/api/articles/a%00b/revisions', status: 400, code: 'VALIDATION_FAILED', detail: 'id' },
  { name: 'GET a path that is not valid percent-encoding', method: 'GET', path: () => '/api/articles/%E0%A4', status: 400, code: 'VALIDATION_FAILED' },
  { name: 'a bad cursor', method: 'GET', path: () => '/api/articles?cursor=not-a-cursor', status: 400, code: 'VALIDATION_FAILED', detail: 'cursor' },
  { name: 'limit=101', method: 'GET', path: () => '/api/articles?limit=101', status: 400, code: 'VALIDATION_FAILED', detail: 'query.limit' },
  { name: 'an unknown query parameter', method: 'GET', path: () => '/api/articles?sort=oldest', status: 400, code: 'VALIDATION_FAILED' },
  { name: 'a tag filter with a NUL character', method: 'GET', path: () => '/api/articles?tag=a%00b', status: 400, code: 'VALIDATION_FAILED', detail: 'query.tag' },
  { name: 'events after=-1', method: 'GET', path: () => '/api/events?after=-1', status: 400, code: 'VALIDATION_FAILED', detail: 'query.after' },
  { name: 'events limit=1001', method: 'GET', path: () => '/api/events?limit=1001', status: 400, code: 'VALIDATION_FAILED', detail: 'query.limit' },
  { name: 'events tags with a NUL character', method: 'GET', path: () => '/api/events?tags=a%00b', status: 400, code: 'VALIDATION_FAILED', detail: /^query\.tags/ },
  // routes
  { name: 'an unknown API route', method: 'GET', path: () => '/api/nope', status: 404, code: 'NOT_FOUND' },
  { name: 'an unknown route outside the API', method: 'GET', path: () => '/nope', status: 404, code: 'NOT_FOUND' },
  { name: 'DELETE of an article', method: 'DELETE', path: liveUrl, options: () => ({ token: EDITOR }), status: 404, code: 'NOT_FOUND' },
];

it.each(cases)('$name → $status $code, and nothing changes', async (c) => {
  const res = await server.request(c.method, c.path(), c.options?.());
  expectError(res, c.status, c.code);
  if (c.detail !== undefined) {
    const paths: string[] = (res.body.error.details ?? []).map((d: { path: string }) => d.path);
    expect(paths).toContainEqual(typeof c.detail === 'string' ? c.detail : expect.stringMatching(c.detail));
  }
  if (c.details !== undefined) expect(res.body.error.details).toEqual(c.details);
  expect(await snapshot()).toEqual(baseline);
});

it('the state the cases compare against is real: both articles, their revisions and the events are there', () => {
  const { reads, storedHead } = baseline as { reads: Array<{ status: number; body: any }>; storedHead: number };
  expect(reads.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 200]);
  expect(reads[0]!.body.items).toHaveLength(5); // live + 4 fillers; the retracted one is not listed
  expect(reads[1]!.body.head).toBe(storedHead);
  expect(storedHead).toBe(8);
  expect(reads[4]!.body.items).toHaveLength(2);
  expect(reads[5]!.body.article.status).toBe('retracted');
});
