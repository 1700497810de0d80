import type { ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from '../deps';
import { isHtmx } from '../lib/http-errors';
import type { Logger } from '../lib/logger';
import { RoleError } from '../lib/roles';
import { orgAdmins } from '../orgs/store';
import { ErrorFragment, ErrorPage, ForbiddenPage, NotFoundPage } from '../views/error-pages';
import { Layout } from '../views/layout';

export const notFound: NotFoundHandler<AppEnv> = (c) => c.html(<NotFoundPage path={c.req.path} />, 404);

/**
 * The one place errors end: known 4xx keep their (user-safe) message; anything
 * else is logged once with the request id and answered with a generic 500.
 */
export function errorHandler(logger: Logger): ErrorHandler<AppEnv> {
  return async (err, c) => {
    const id = c.var.requestId ?? 'unknown';
    if (err instanceof RoleError) {
      if (isHtmx(c.req)) return c.html(<ErrorFragment message={err.message} />, 403);
      // Who can do it: the organization's admins (none known for a non-member, who may not see them).
      const scope = c.var.scope;
      const admins = scope && c.var.role ? await orgAdmins(scope.db, scope.orgId) : [];
      return c.html(<ForbiddenPage message={err.message} admins={admins} />, 403);
    }
    if (err instanceof HTTPException && err.status < 500) {
      const message = err.message || 'That request could not be handled.';
      if (isHtmx(c.req)) return c.html(<ErrorFragment message={message} />, err.status);
      return c.html(
        <Layout title="Request refused">
          <h1>That did not work</h1>
          <p role="alert">{message}</p>
          <p>
            <a href="/">Back to your connections</a>
          </p>
        </Layout>,
        err.status,
      );
    }
    logger.error('unhandled error', { requestId: id, method: c.req.method, path: c.req.path, err });
    if (isHtmx(c.req)) {
      return c.html(
        <ErrorFragment message="Something went wrong. Nothing was changed." requestId={id} />,
        500,
      );
    }
    return c.html(<ErrorPage requestId={id} />, 500);
  };
}
