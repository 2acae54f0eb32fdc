import { describe, expect, it } from 'vitest';
import type { AccessActorDto } from './access-log.js';
import { describeAction, describeEdits, describeViews } from './access-text.js';

const SAM: AccessActorDto = { kind: 'member', userId: 'sam-id', name: 'Sam' };

describe('the access log in plain words', () => {
  it('describes each action', () => {
    expect(describeAction('doc.open', 'roadmap')).toBe('opened the roadmap');
    expect(describeAction('doc.open', 'feedback')).toBe('opened the feedback board');
    expect(describeAction('session.end', '3')).toBe('ended session 3');
    expect(describeAction('export', 'md')).toBe('exported the workspace as Markdown');
    expect(describeAction('version.create', 'drafts')).toBe('saved a version of your private drafts');
    expect(describeAction('invite.accept', null)).toBe('joined the workspace');
    expect(describeAction('something.new', null)).toBe('something new');
  });

  it('describes the steps of the closing review', () => {
    expect(describeAction('closing.open', null)).toBe('began the closing review');
    expect(describeAction('closing.reflect', null)).toBe('saved a closing reflection');
    expect(describeAction('closing.confirm', null)).toBe('confirmed the closing review');
    expect(describeAction('workspace.archive', null)).toBe('confirmed last: the workspace became a read-only archive');
    expect(describeViews([{ action: 'closing.view', target: null }, { action: 'doc.open', target: 'roadmap' }])).toBe('opened the roadmap and the closing review');
  });

  it('counts edits, one change or many, and says when Alliance made them itself', () => {
    expect(describeEdits('roadmap', 12, SAM)).toBe('edited the roadmap — 12 changes');
    expect(describeEdits('feedback', 1, SAM)).toBe('edited the feedback board — 1 change');
    expect(describeEdits('feedback', 1, { kind: 'server' })).toBe('made an automatic change to the feedback board');
    expect(describeEdits('drafts', 3, { kind: 'server' })).toBe('made 3 automatic changes to your private drafts');
  });

  it('lists what a visit opened in a fixed order, each thing once, the workspace itself only when nothing else', () => {
    expect(describeViews([{ action: 'workspace.view', target: null }])).toBe('opened the workspace');
    expect(
      describeViews([
        { action: 'terms.view', target: null },
        { action: 'doc.open', target: 'feedback' },
        { action: 'workspace.view', target: null },
        { action: 'doc.open', target: 'roadmap' },
      ]),
    ).toBe('opened the roadmap, the feedback board and How we work');
    expect(
      describeViews([
        { action: 'version.view', target: 'roadmap' },
        { action: 'version.list', target: 'roadmap' },
        { action: 'audit.view', target: null },
      ]),
    ).toBe('opened the saved versions of the roadmap and this access log');
    expect(
      describeViews([
        { action: 'doc.open', target: 'roadmap' },
        { action: 'version.list', target: 'feedback' },
        { action: 'version.list', target: 'roadmap' },
      ]),
    ).toBe('opened the roadmap and saved versions');
    expect(describeViews([{ action: 'doc.open', target: 'drafts' }])).toBe('opened your private drafts');
  });
});

describe('repair items in the access log', () => {
  it('names what was done to a repair item, and reading them, in plain words', () => {
    expect(describeAction('repair.acknowledge', null)).toBe('acknowledged a repair item');
    expect(describeAction('repair.update', null)).toBe('wrote in a repair item');
    expect(describeAction('repair.close', null)).toBe('closed a repair item as repaired');
    expect(describeViews([{ action: 'repairs.view', target: null }])).toBe('opened the repair items');
  });
});
