import { HTTP_STATUS, type ErrorBody } from '@alliance/shared';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { RoomError } from './collab/errors.js';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { HTTPException } from 'hono/http-exception';
import type { AppDeps, AppEnv } from './http/context.js';
import { AppError } from './http/errors.js';
import { describeError } from './logger.js';
import { clientAddress } from './middleware/client-address.js';
import { rejectCrossOrigin } from './middleware/csrf.js';
import { loadSession } from './middleware/session.js';
import { accessLogRoutes } from './routes/access-log.js';
import { authRoutes } from './routes/auth.js';
import { checkinRoutes } from './routes/checkins.js';
import { closingRoutes } from './routes/closing.js';
import { exportRoutes } from './routes/export.js';
import { healthRoutes } from './routes/health.js';
import { historyRoutes } from './routes/history.js';
import { inviteRoutes } from './routes/invites.js';
import { meRoutes } from './routes/me.js';
import { repairRoutes } from './routes/repairs.js';
import { createRuntimeSampler, metricsRoutes } from './routes/metrics.js';
import { seenRoutes } from './routes/seen.js';
import { versionRoutes } from './routes/versions.js';
import { workspaceRoutes } from './routes/workspaces.js';
import { termsRoutes } from './routes/terms.js';
import { therapySessionRoutes } from './routes/therapy-sessions.js';
import { trendNoteRoutes } from './routes/trend-notes.js';
import { serveWeb } from './static.js';

export type { AppDeps } from './http/context.js';
export { sessionCookieName } from './auth/sessions.js';
export { PRODUCTION_NODE_FLAGS } from './node-flags.js';

/** The JSON API, chained so its type (`AppType`) drives the web app's typed client. */
export function createApi(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(clientAddress(deps.env))
    .use(rejectCrossOrigin(deps.env))
    .use(loadSession(deps))
    .route('/health', healthRoutes(deps))
    .route('/auth', authRoutes(deps))
    .route('/me', meRoutes(deps))
    .route('/workspaces/:id/docs', versionRoutes(deps))
    .route('/workspaces/:id/docs', historyRoutes(deps))
    .route('/workspaces/:id/export', exportRoutes(deps))
    .route('/workspaces/:id/terms', termsRoutes(deps))
    .route('/workspaces/:id/sessions', therapySessionRoutes(deps))
    .route('/workspaces/:id/access-log', accessLogRoutes(deps))
    .route('/workspaces/:id/closing', closingRoutes(deps))
    .route('/workspaces/:id/checkins', checkinRoutes(deps))
    .route('/workspaces/:id/trend-notes', trendNoteRoutes(deps))
    .route('/workspaces/:id/repairs', repairRoutes(deps))
    .route('/workspaces/:id/seen', seenRoutes(deps))
    .route('/workspaces', workspaceRoutes(deps))
    .route('/invites', inviteRoutes(deps));
}

export type AppType = ReturnType<typeof createApi>;

export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        connectSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
      },
      referrerPolicy: 'no-referrer',
      // The app uses none of these powerful features: no page, nor anything it might embed, gets them.
      permissionsPolicy: {
        accelerometer: [],
        autoplay: [],
        camera: [],
        displayCapture: [],
        geolocation: [],
        gyroscope: [],
        hid: [],
        idleDetection: [],
        magnetometer: [],
        microphone: [],
        midi: [],
        payment: [],
        publickeyCredentialsGet: [],
        screenWakeLock: [],
        serial: [],
        usb: [],
        xrSpatialTracking: [],
      },
    }),
  );
  app.route('/api', createApi(deps));
  if (deps.env.EXPOSE_METRICS) {
    app.route('/api/metrics', metricsRoutes(createRuntimeSampler({ rooms: deps.rooms }), { token: deps.env.METRICS_TOKEN }));
  }
  app.all('/api/*', () => {
    throw new AppError(404, 'NOT_FOUND', 'No such endpoint.');
  });
  serveWeb(app, deps.env);

  app.notFound((c) => c.json<ErrorBody>({ error: { code: 'NOT_FOUND', message: 'Not found.' } }, 404));
  app.onError((error, c) => {
    if (error instanceof AppError) {
      return c.json<ErrorBody>({ error: { code: error.code, message: error.message } }, error.status);
    }
    // A document refused what a route asked of it: the same code, with its HTTP status.
    if (error instanceof RoomError) {
      return c.json<ErrorBody>({ error: { code: error.code, message: error.message } }, HTTP_STATUS[error.code] as ContentfulStatusCode);
    }
    if (error instanceof HTTPException) {
      const status = error.status;
      const code = status === 401 ? 'UNAUTHORIZED' : status === 403 ? 'FORBIDDEN' : status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST';
      return c.json<ErrorBody>({ error: { code, message: status >= 500 ? 'Something went wrong.' : error.message || 'Bad request.' } }, status);
    }
    // Unknown errors: log the name and message (never content or stack), answer generically.
    deps.logger.error('http.unhandled', { method: c.req.method, path: c.req.routePath, ...describeError(error) });
    return c.json<ErrorBody>({ error: { code: 'INTERNAL', message: 'Something went wrong. Please try again.' } }, 500);
  });
  return app;
}
