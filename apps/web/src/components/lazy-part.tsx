import { Component, createElement, lazy, Suspense, useState, type ComponentType, type ReactNode } from 'react';
import { Button } from './button.js';
import { Loading, Notice } from './layout.js';

/**
 * A part of the app that is loaded only when it is first shown: a page or a tab the first
 * screen does not need. `load` imports the part's module; the part is loaded once and kept.
 */
export interface LazyPart<P extends object> {
  /** Renders the part, with `<Loading label={loading}/>` meanwhile and a retry if loading fails. */
  (props: P & { loading?: string }): ReactNode;
  /** Starts loading the part without showing it (e.g. when the browser is idle). */
  preload(): void;
}

type PropsOf<C> = C extends (props: infer P) => ReactNode ? (P extends object ? P : never) : never;

/**
 * `lazyPart(() => import('./x.js'), 'X')` is the module's export `X`, loaded on first use.
 *
 * React.lazy keeps a failed import for good, so a retry makes a new one: a chunk that failed to
 * arrive (the network dropped, a deploy replaced it) is asked for again when the person says so.
 */
export function lazyPart<M extends Record<K, (props: never) => ReactNode>, K extends keyof M>(load: () => Promise<M>, name: K): LazyPart<PropsOf<M[K]>> {
  type P = PropsOf<M[K]>;
  let pending: Promise<{ default: ComponentType<P> }> | null = null;
  const start = () => {
    pending ??= load().then(
      (module) => ({ default: module[name] as unknown as ComponentType<P> }),
      (error: unknown) => {
        pending = null;
        throw new PartLoadError(error);
      },
    );
    return pending;
  };
  const make = () => lazy(start);
  let current = make();

  function Part(all: P & { loading?: string }) {
    const { loading, ...props } = all as { loading?: string } & Record<string, unknown>;
    const [Loaded, setLoaded] = useState(() => current);
    return (
      <LoadFailed
        onRetry={() => {
          current = make();
          setLoaded(() => current);
        }}
      >
        <Suspense fallback={<Loading label={loading} />}>
          {createElement(Loaded, props as never)}
        </Suspense>
      </LoadFailed>
    );
  }
  Part.preload = () => {
    start().catch(() => undefined);
  };
  return Part;
}

/** Starts loading `parts` once the browser has nothing else to do. Returns a cancel. */
export function preloadWhenIdle(parts: readonly { preload(): void }[]): () => void {
  const run = () => {
    for (const part of parts) part.preload();
  };
  if ('requestIdleCallback' in window) {
    const handle = window.requestIdleCallback(run, { timeout: 5_000 });
    return () => window.cancelIdleCallback(handle);
  }
  const timer = setTimeout(run, 2_000);
  return () => clearTimeout(timer);
}

/** A part's code did not arrive (as opposed to the part failing once it runs). */
class PartLoadError extends Error {
  readonly code = 'PART_NOT_LOADED';
  constructor(cause: unknown) {
    super('A part of the app could not be loaded', { cause });
  }
}

/**
 * Shows a retry in place of a part whose code could not be loaded. Any other error is the
 * part's own: it goes on to the next boundary up, as if this one were not here.
 */
class LoadFailed extends Component<{ onRetry: () => void; children: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown): { error: unknown } {
    return { error };
  }

  override render() {
    const { error } = this.state;
    if (error === null) return this.props.children;
    if (!(error instanceof PartLoadError)) throw error;
    return (
      <Notice tone="error">
        <p>This part of the page could not be loaded. Check the connection and try again.</p>
        <Button
          variant="secondary"
          onClick={() => {
            this.props.onRetry();
            this.setState({ error: null });
          }}
        >
          Try again
        </Button>
      </Notice>
    );
  }
}
