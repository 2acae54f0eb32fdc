import type { ReactNode } from 'react';
import { Link } from './link.js';

/** The frame of every page: the name of the app, and whatever the page puts on the right. */
export function AppShell({ actions, children }: { actions?: ReactNode; children: ReactNode }) {
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="shell__header">
        <Link className="brand" href="/">
          <span className="brand__mark" aria-hidden="true" />
          Alliance
        </Link>
        {actions && <div className="shell__actions">{actions}</div>}
      </header>
      <main className="shell__main" id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

/** A page's content column with its heading. */
export function Page({ title, lead, children, width = 'normal' }: { title?: ReactNode; lead?: ReactNode; children?: ReactNode; width?: 'narrow' | 'normal' | 'wide' }) {
  return (
    <div className={`page page--${width}`}>
      {title && <h1 className="page__title">{title}</h1>}
      {lead && <p className="page__lead">{lead}</p>}
      {children}
    </div>
  );
}

export function Panel({ title, children, className }: { title?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section className={['panel', className].filter(Boolean).join(' ')}>
      {title && <h2 className="panel__title">{title}</h2>}
      {children}
    </section>
  );
}

/** A message about the state of things; errors are announced right away. */
export function Notice({ tone = 'info', children }: { tone?: 'info' | 'error'; children: ReactNode }) {
  return (
    <div className={`notice notice--${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      {label}
    </p>
  );
}
