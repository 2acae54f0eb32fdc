import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EXPORT_SCHEMA_VERSION, workspaceExportSchema } from './export.js';

describe('the export format', () => {
  it('refuses a file of another schema version or with a section missing', () => {
    const result = workspaceExportSchema.safeParse({ schemaVersion: 'alliance.export/1' });
    expect(result.success).toBe(false);
    expect(EXPORT_SCHEMA_VERSION).toBe('alliance.export/3');
  });

  it('is published as the JSON Schema in docs/export-schema.json (regenerate with vitest -u)', async () => {
    const jsonSchema = z.toJSONSchema(workspaceExportSchema, { target: 'draft-2020-12' });
    await expect(`${JSON.stringify(jsonSchema, null, 2)}\n`).toMatchFileSnapshot('../../../../docs/export-schema.json');
  });
});
