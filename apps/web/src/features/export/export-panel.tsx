import './export.css';
import type { Role } from '@alliance/shared';
import { exportUrl } from '../../lib/api.js';

/**
 * Downloads of everything in the workspace the person can see, as a readable Markdown file or
 * as JSON in Alliance's documented format. Plain links: they work in an archived workspace too,
 * and the browser keeps the file however the person saves downloads.
 */
export function ExportPanel({ workspaceId, role }: { workspaceId: string; role: Role }) {
  return (
    <section className="export-panel" aria-labelledby="export-title">
      <h3 id="export-title" className="export-panel__title">
        Take a copy with you
      </h3>
      <p className="muted">
        Everything here that you can see, to keep: the roadmap, the feedback board{role === 'client' ? ', your private drafts' : ''}, every saved version and change with who made it, How we
        work, your sessions and the access log.{role === 'therapist' ? ' The client’s private drafts are never in your copy.' : ''} Markdown reads like a document; JSON is for other programs.
      </p>
      <div className="button-row">
        <a className="button button--secondary" href={exportUrl(workspaceId, 'md')} download>
          Download Markdown
        </a>
        <a className="button button--secondary" href={exportUrl(workspaceId, 'json')} download>
          Download JSON
        </a>
      </div>
    </section>
  );
}
