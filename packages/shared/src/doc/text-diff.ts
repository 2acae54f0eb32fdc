/** One run of a text change: words kept, added or removed. */
export interface TextRun {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

/** Above this many words on each side of the changed middle, the change is shown whole (before removed, after added). */
const MAX_DIFF_WORDS = 600;

/** Words and the spaces between them, so that joining the pieces gives the text back. */
function pieces(text: string): string[] {
  return text.match(/\s+|\S+/g) ?? [];
}

/**
 * How `before` became `after`, word by word, as people read a change: what stayed, what was
 * removed, what was added. Runs of one kind are merged; joining the `same` and `removed` runs
 * gives `before`, the `same` and `added` runs give `after`.
 *
 * The common beginning and end are kept whole; the middle is compared with a longest common
 * subsequence, or — when it is long — shown as removed then added.
 */
export function diffWords(before: string, after: string): TextRun[] {
  const a = pieces(before);
  const b = pieces(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const runs: TextRun[] = [];
  const push = (kind: TextRun['kind'], text: string) => {
    if (!text) return;
    const last = runs[runs.length - 1];
    if (last?.kind === kind) last.text += text;
    else runs.push({ kind, text });
  };
  push('same', a.slice(0, start).join(''));
  const middleA = a.slice(start, endA);
  const middleB = b.slice(start, endB);
  if (middleA.length > MAX_DIFF_WORDS || middleB.length > MAX_DIFF_WORDS) {
    push('removed', middleA.join(''));
    push('added', middleB.join(''));
  } else {
    for (const [kind, text] of lcsRuns(middleA, middleB)) push(kind, text);
  }
  push('same', a.slice(endA).join(''));
  return runs;
}

function lcsRuns(a: string[], b: string[]): [TextRun['kind'], string][] {
  // lengths[i][j]: the longest common subsequence of a[i..] and b[j..].
  const lengths = Array.from({ length: a.length + 1 }, () => new Uint16Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i]![j] = a[i] === b[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
    }
  }
  const out: [TextRun['kind'], string][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(['same', a[i]!]);
      i++;
      j++;
    } else if (i < a.length && (j === b.length || lengths[i + 1]![j]! >= lengths[i]![j + 1]!)) {
      // Removed before added where both fit: "old new" reads as a replacement.
      out.push(['removed', a[i]!]);
      i++;
    } else {
      out.push(['added', b[j]!]);
      j++;
    }
  }
  return out;
}
