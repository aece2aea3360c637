import type { FaultResult } from '../contract/run-result.ts';

/** How a fault's effect reads in a report: good (seen), bad (expected and not seen), or neutral. */
export interface EffectLabel {
  /** Plain text for tables: `observed (proxy)`, `none`, `none (not expected)`, `unknown`, `—`. */
  text: string;
  /** Emoji form for Markdown. */
  icon: string;
  tone: 'good' | 'bad' | 'neutral';
}

/**
 * The effect column of the Markdown and HTML reports and the CLI summary (docs/fault-effect.md):
 * what settled it in brackets, and whether an unseen effect counts against the run. Results
 * written before effects existed show `—`.
 */
export function effectLabel(f: FaultResult): EffectLabel {
  if (f.effect === undefined) return { text: '—', icon: '—', tone: 'neutral' };
  const expected = f.expectEffect ?? true;
  if (f.effect === 'observed') {
    const by = f.evidence?.decidedBy;
    return { text: by ? `observed (${by})` : 'observed', icon: `✅ observed${by ? ` (${by})` : ''}`, tone: 'good' };
  }
  if (!expected) return { text: `${f.effect} (not expected)`, icon: `➖ ${f.effect} (not expected)`, tone: 'neutral' };
  return { text: f.effect, icon: `❔ **${f.effect}**`, tone: 'bad' };
}

/** The sentence that settled a fault's effect, for the lines under the faults table; null without evidence. */
export function effectEvidenceLine(f: FaultResult): string | null {
  const first = f.evidence?.summary[0];
  return first === undefined ? null : `${f.name}: ${first}`;
}
