// tests/api/lint-openapi.mjs FILE...: lints OpenAPI descriptions with
// Redocly's rules (the "recommended" set, as `redocly lint` with no config),
// through @redocly/openapi-core, which runs on Debian 12's Node.js 18.
// Prints each problem as FILE:LINE:COL severity rule message; exits 1 on any
// error or warning but those of ALLOWED. Reads only the files named: no
// network.
import { createConfig, lint, formatProblems, getTotals } from '@redocly/openapi-core';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node tests/api/lint-openapi.mjs FILE...');
  process.exit(2);
}
// Each with its reason: a rule that does not fit one operation.
const ALLOWED = [
  // GET /wizard/detect only ever redirects to the wizard step (303).
  { rule: 'operation-2xx-response', pointer: '#/paths/~1wizard~1detect/get/responses' },
  // A vote under an article goes back to the article (303), as a form must.
  { rule: 'operation-2xx-response', pointer: '#/paths/~1articles~1{slug}/post/responses' },
  // A search hit opened is counted, then the article (303).
  { rule: 'operation-2xx-response', pointer: '#/paths/~1search~1open/get/responses' },
];
const allowed = (p) => ALLOWED.some((a) => a.rule === p.ruleId &&
  p.location.some((l) => l.pointer === a.pointer));

const config = await createConfig({ extends: ['recommended'] });
let bad = 0;
for (const ref of files) {
  const problems = (await lint({ ref, config })).filter((p) => !allowed(p));
  const totals = getTotals(problems);
  if (problems.length) {
    formatProblems(problems, { format: 'stylish', totals, version: 'openapi-core' });
  }
  bad += totals.errors + totals.warnings;
  console.log(`${ref}: ${totals.errors} error(s), ${totals.warnings} warning(s)`);
}
process.exit(bad ? 1 : 0);
