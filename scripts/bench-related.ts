/**
 * What "Similar News" costs, at 1,000 and 10,000 indexed stories (`npm run bench:related [-- --sizes 1000,10000]`):
 * - rank: RelatedIndex.related(id, 5) — what GET /api/articles/:id/related computes;
 * - search: RelatedIndex.search(q) for a Hindi and an English query;
 * - added publish latency: what each published event adds on every instance's feed — indexing the story
 *   (upsert) and finding the rooms to announce it to (relatedAbove) — which runs before the event is delivered.
 * Stories are synthesized from the labelled samples (sentences reshuffled, tags drawn from per-subject and shared
 * pools), so the vocabulary and the Devanagari are real. Prints figures; asserts nothing.
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import samples from './samples/articles.json';
import { RelatedIndex } from '../src/related/related-index';
import { DEFAULT_RELATED_THRESHOLD } from '../src/related/scoring';
import type { RankableArticle } from '../src/related/types';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '1000,10000' }, samples: { type: 'string', default: '300' } } });
const sizes = values.sizes!.split(',').map(Number);
const sampleCount = Number(values.samples);

let seed = 42;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
const sentences = (text: string) => text.split(/(?<=[.।!?])\s+/u).filter(Boolean);

const GENERIC = ['india', 'politics', 'economy', 'business', 'world', 'sports', 'weather', 'health'];

function synthesize(n: number, startMs: number): RankableArticle[] {
  return Array.from({ length: n }, (_, i) => {
    const base = pick(samples);
    const other = pick(samples.filter((s) => s.language === base.language));
    const body = [...sentences(base.body), ...sentences(other.body).slice(0, 3)].sort(() => random() - 0.5).join(' ');
    const story = i % 500; // 500 running stories, each with its own specific tag
    return {
      id: `a${i}`,
      status: 'published',
      headline: `${base.headline} ${i}`,
      summary: base.summary,
      body,
      tags: [`story-${story}`, `${base.subject}`, pick(GENERIC), pick(GENERIC)],
      language: base.language,
      publishedAt: new Date(startMs + i * 60_000).toISOString(),
    };
  });
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;
const fmt = (xs: number[]) => `p50 ${percentile(xs, 50).toFixed(2)} ms  p99 ${percentile(xs, 99).toFixed(2)} ms`;
const time = (f: () => void) => {
  const t = performance.now();
  f();
  return performance.now() - t;
};

const rows: string[] = [];
for (const size of sizes) {
  const start = Date.now() - size * 60_000;
  const index = new RelatedIndex({ halfLifeHours: 72, maxDocuments: size + sampleCount + 10 });
  const loadStart = performance.now();
  for (const article of synthesize(size, start)) index.upsert(article);
  const loadMs = performance.now() - loadStart;

  const rank: number[] = [];
  for (let i = 0; i < sampleCount; i++) rank.push(time(() => index.related(`a${Math.floor(random() * size)}`, 5)));
  const search: number[] = [];
  for (let i = 0; i < sampleCount; i++) {
    search.push(time(() => index.search(i % 2 ? 'जयशंकर व्यापार वार्ता' : 'tariff talks Washington', { limit: 10 })));
  }
  const added: number[] = [];
  let announced = 0;
  for (const article of synthesize(sampleCount, Date.now()).map((a, i) => ({ ...a, id: `new${i}` }))) {
    added.push(time(() => {
      index.upsert(article);
      announced += index.relatedAbove(article.id, DEFAULT_RELATED_THRESHOLD, 20, 72).length;
    }));
  }
  rows.push(
    `${String(size).padStart(6)} stories  load ${(loadMs / 1000).toFixed(1)} s` +
      `\n   rank related(5):        ${fmt(rank)}` +
      `\n   search:                 ${fmt(search)}` +
      `\n   added per publish:      ${fmt(added)}  (upsert + relatedAbove; ${(announced / sampleCount).toFixed(1)} rooms announced on average)`,
  );
  console.log(rows[rows.length - 1]);
}
