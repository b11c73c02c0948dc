import type { PlanStep } from './plan-types.js';

/**
 * A plan as one SQL script for humans and worksheets: each step preceded by a comment with its id
 * and description, statements ended by `;`. Task bodies hold `;` inside BEGIN ... END, so run the
 * steps one by one (as the provisioner does) rather than splitting this text on `;`.
 */
export function renderPlanScript(steps: readonly PlanStep[]): string {
  return steps
    .map((s) => {
      const comment = `-- [${s.id}] ${s.description}`.replace(/[\r\n]+/g, ' ');
      const exists = s.existsSql !== undefined ? `\n-- exists when: ${s.existsSql}` : '';
      const reads = s.returns !== undefined ? `\n-- reads: ${s.returns.join(', ')}` : '';
      return `${comment}${exists}${reads}\n${s.sql};\n`;
    })
    .join('\n');
}
