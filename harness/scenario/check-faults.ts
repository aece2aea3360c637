import type { InputProblem } from '../core/stresslab-error.ts';
import { faultProxy } from '../faults/index.ts';
import type { Scenario } from './scenario-schema.ts';

/** Proxies the embedded setup creates itself: `api` in front of the target, `db` in front of its database. */
export const EMBEDDED_PROXIES = ['api', 'db'] as const;

/** Faults must name a proxy that will exist; proxy names and listen addresses must be unique. */
export function checkFaultReferences(s: Scenario): InputProblem[] {
  const problems: InputProblem[] = [];
  const declared = new Set<string>();
  const listens = new Set<string>();
  s.proxies.forEach((p, i) => {
    if (declared.has(p.name)) problems.push({ path: `proxies[${i}].name`, message: `proxy name "${p.name}" is used twice`, hint: 'give every proxy a unique name' });
    if (listens.has(p.listen)) problems.push({ path: `proxies[${i}].listen`, message: `${p.listen} is already used by another proxy`, hint: 'give every proxy its own port' });
    declared.add(p.name);
    listens.add(p.listen);
  });
  // A started target (target.start) gets proxy `api` in front of it too; its database is the scenario's to declare.
  const available = new Set([...declared, ...(s.target.url === 'embedded' ? EMBEDDED_PROXIES : s.target.start !== undefined ? ['api'] : [])]);
  s.faults.forEach((f, i) => {
    const proxy = faultProxy(f);
    if (proxy !== null && !available.has(proxy)) {
      const hint =
        s.target.url === 'embedded'
          ? `use "api" or "db", or declare it in "proxies"`
          : `declare it in "proxies" ({"name": "${proxy}", "listen": "…", "upstream": "…"}); "api" exists with an embedded or started (target.start) target, "db" only with the embedded one`;
      problems.push({ path: `faults[${i}].proxy`, message: `proxy "${proxy}" is not declared`, hint });
    }
  });
  return problems;
}
