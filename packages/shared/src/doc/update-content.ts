import * as Y from 'yjs';

/** What an update carries, read from its bytes before anything applies it. */
export interface UpdateSummary {
  /** The first kind of content no document of ours holds, or null. */
  problem: string | null;
  /**
   * The Yjs client ids under which the update brings structs the document does not have yet
   * (structs it already has are skipped when applied, so they say nothing about the sender).
   */
  authors: Set<number>;
  /** Whether it brings any new struct at all (an update may only delete). */
  addsStructs: boolean;
  /** None of its structs is held by the document, not even in part. */
  allNew: boolean;
  /** How many struct clocks its deletions cover, overlaps counted twice. */
  deletedLength: number;
}

/**
 * Reads an update's structs (not its effect) and refuses content our documents never hold:
 * formatting marks (our texts are plain; formatting also makes Yjs run a clean-up transaction of
 * its own after the update), embeds, binary, JSON-encoded values, subdocuments and XML types.
 * `doc` is the document it is meant for: structs it already holds are left out of `authors`.
 *
 * Throws when the bytes are not an update.
 */
export function summarizeUpdate(update: Uint8Array, doc: Y.Doc): UpdateSummary {
  const { structs, ds } = Y.decodeUpdate(update);
  const authors = new Set<number>();
  let addsStructs = false;
  let allNew = true;
  let problem: string | null = null;
  for (const struct of structs) {
    if (struct instanceof Y.Skip) continue;
    const { client, clock } = struct.id;
    const held = Y.getState(doc.store, client);
    if (clock < held) allNew = false;
    if (clock + struct.length <= held) continue;
    addsStructs = true;
    authors.add(client);
    if (problem === null && struct instanceof Y.Item) problem = contentProblem(struct.content);
  }
  let deletedLength = 0;
  for (const ranges of ds.clients.values()) for (const range of ranges) deletedLength += range.len;
  return { problem, authors, addsStructs, allNew, deletedLength };
}

function contentProblem(content: Y.Item['content']): string | null {
  if (content instanceof Y.ContentAny || content instanceof Y.ContentString || content instanceof Y.ContentDeleted) return null;
  if (content instanceof Y.ContentType) {
    const type = content.type;
    if (type instanceof Y.XmlText || type instanceof Y.XmlHook || type instanceof Y.XmlElement || type instanceof Y.XmlFragment) return 'XML types are not part of any document';
    if (type instanceof Y.Map || type instanceof Y.Array || type instanceof Y.Text) return null;
    return 'unknown shared types are not part of any document';
  }
  if (content instanceof Y.ContentFormat) return 'texts are plain: formatting marks are not allowed';
  if (content instanceof Y.ContentEmbed) return 'texts are plain: embedded objects are not allowed';
  if (content instanceof Y.ContentDoc) return 'subdocuments are not allowed';
  return 'binary and JSON-encoded values are not allowed';
}
