import { Router, type Request } from 'express';
import { rateLimit } from 'express-rate-limit';
import {
  ListArticlesQuerySchema,
  PublishArticleBodySchema,
  RetractArticleBodySchema,
  ReviseArticleBodySchema,
  storableString,
} from '../contract/articles';
import { EventsQuerySchema } from '../contract/events';
import type { ArticleQueries } from '../articles/article-queries';
import type { ArticleService } from '../articles/article-service';
import { AppError } from '../shared/errors';
import { principalOf, requireEditor } from './auth-middleware';
import { parseOr400 } from './parse';

export interface ArticlesRouterDeps {
  service: ArticleService;
  queries: ArticleQueries;
  jwtSecret: string;
  writesPerMinute: number;
}

const IdParamSchema = storableString().min(1).max(400);
const etag = (version: number) => `"${version}"`;

/** `If-Match: "3"` (a weak `W/"3"` is accepted too) → 3; writes without it get 428. */
function expectedVersion(req: Request): number {
  const header = req.get('if-match');
  if (header === undefined) throw new AppError('PRECONDITION_REQUIRED', 'send If-Match with the version you edited');
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!match) {
    throw new AppError('VALIDATION_FAILED', 'If-Match must be an ETag of this API, e.g. "3"', [
      { path: 'header.if-match', message: 'expected "<version>"' },
    ]);
  }
  return Number(match[1]);
}

/** Routes only: parse → service → respond. */
export function articlesRouter(deps: ArticlesRouterDeps): Router {
  const router = Router();
  const { service, queries } = deps;
  const editor = requireEditor(deps.jwtSecret);
  const writeLimit = rateLimit({
    windowMs: 60_000,
    limit: deps.writesPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => principalOf(req).sub,
    handler: () => {
      throw new AppError('RATE_LIMITED', `at most ${deps.writesPerMinute} writes a minute per editor`);
    },
  });

  router.post('/articles', editor, writeLimit, async (req, res) => {
    const body = parseOr400(PublishArticleBodySchema, req.body, 'body');
    const { article, revision } = await service.publish(body, principalOf(req).sub);
    res.status(201).set('ETag', etag(article.version)).location(`/api/articles/${article.id}`).json({ article, revision });
  });

  router.get('/articles', async (req, res) => {
    res.json(await queries.list(parseOr400(ListArticlesQuerySchema, req.query, 'query')));
  });

  router.get('/articles/:idOrSlug', async (req, res) => {
    const article = await queries.get(parseOr400(IdParamSchema, req.params.idOrSlug, 'idOrSlug'));
    res.set('ETag', etag(article.version)).json({ article });
  });

  router.patch('/articles/:id', editor, writeLimit, async (req, res) => {
    const version = expectedVersion(req);
    const body = parseOr400(ReviseArticleBodySchema, req.body, 'body');
    const id = parseOr400(IdParamSchema, req.params.id, 'id');
    const { article, revision } = await service.revise(id, version, body, principalOf(req).sub);
    res.set('ETag', etag(article.version)).json({ article, revision });
  });

  router.post('/articles/:id/retract', editor, writeLimit, async (req, res) => {
    const body = parseOr400(RetractArticleBodySchema, req.body, 'body');
    const id = parseOr400(IdParamSchema, req.params.id, 'id');
    const pinned = req.get('if-match') === undefined ? undefined : expectedVersion(req);
    const { article, revision } = await service.retract(id, body, principalOf(req).sub, pinned);
    res.set('ETag', etag(article.version)).json({ article, revision });
  });

  router.get('/articles/:id/revisions', async (req, res) => {
    res.json({ items: await queries.revisions(parseOr400(IdParamSchema, req.params.id, 'id')) });
  });

  router.get('/tags', (_req, res) => {
    res.json({ items: queries.tags() });
  });

  router.get('/events', async (req, res) => {
    res.json(await queries.events(parseOr400(EventsQuerySchema, req.query, 'query')));
  });

  return router;
}
