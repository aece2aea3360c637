// Node module hooks: the k6 built-in modules and the jslib module exported scripts use resolve to the test shim (see README.md).
const SHIM = {
  k6: './k6.ts',
  'k6/http': './k6-http.ts',
  'k6/execution': './k6-execution.ts',
  'k6/data': './k6-data.ts',
  'https://jslib.k6.io/k6-summary/0.0.2/index.js': './k6-summary.ts',
};

export async function resolve(specifier, context, next) {
  const file = SHIM[specifier];
  // Handed on (not short-circuited) so tsx still resolves and transpiles the .ts shim.
  if (file !== undefined) return next(new URL(file, import.meta.url).href, context);
  if (specifier.startsWith('k6/')) throw new Error(`the k6 test shim has no module "${specifier}"`);
  return next(specifier, context);
}
