import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EXPORT_SCHEMA_VERSION, groupIntoEdits, workspaceExportSchema, type ExportChange } from './export.js';

const SAM = { kind: 'member', userId: 'sam', role: 'client', name: 'Sam' } as const;
const DANA = { kind: 'member', userId: 'dana', role: 'therapist', name: 'Dana' } as const;
const change = (seq: number, at: string, actor: ExportChange['actor']): ExportChange => ({ seq, at: `2026-11-23T${at}:00.000Z`, actor });

describe('the export format', () => {
  it('groups one person’s consecutive changes less than five minutes apart into one edit', () => {
    const edits = groupIntoEdits([
      change(1, '10:00', SAM),
      change(2, '10:04', SAM),
      change(3, '10:08', SAM),
      change(4, '10:20', SAM),
      change(5, '10:21', DANA),
      change(6, '10:22', SAM),
      change(7, '10:23', { kind: 'server', reason: 'share-drafts' }),
      change(8, '10:23', { ...SAM, via: 'restore' }),
    ]);
    expect(edits.map((edit) => [edit.actor.kind === 'member' ? edit.actor.name : 'server', edit.firstSeq, edit.lastSeq, edit.changes])).toEqual([
      ['Sam', 1, 3, 3],
      ['Sam', 4, 4, 1],
      ['Dana', 5, 5, 1],
      ['Sam', 6, 6, 1],
      ['server', 7, 7, 1],
      ['Sam', 8, 8, 1],
    ]);
    expect(edits[0]).toMatchObject({ from: '2026-11-23T10:00:00.000Z', to: '2026-11-23T10:08:00.000Z' });
    expect(groupIntoEdits([])).toEqual([]);
  });

  it('refuses a file of another schema version or with a section missing', () => {
    const result = workspaceExportSchema.safeParse({ schemaVersion: 'alliance.export/1' });
    expect(result.success).toBe(false);
    expect(EXPORT_SCHEMA_VERSION).toBe('alliance.export/2');
  });

  it('is published as the JSON Schema in docs/export-schema.json (regenerate with vitest -u)', async () => {
    const jsonSchema = z.toJSONSchema(workspaceExportSchema, { target: 'draft-2020-12' });
    await expect(`${JSON.stringify(jsonSchema, null, 2)}\n`).toMatchFileSnapshot('../../../../docs/export-schema.json');
  });
});
