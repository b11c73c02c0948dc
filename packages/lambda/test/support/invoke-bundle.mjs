// Stands in for Lambda's Node runtime around the built bundle: imports dist/lambda/index.mjs once
// (the cold start), then, for each JSON line on stdin ({event, remainingMs, requestId}), calls
// `handler(event, context)` and prints the outcome as one line `@@invoke <json>`, shaped like the
// runtime's own: {result} or {errorType, errorMessage, trace}. Everything else on stdout is the
// function's own logging. Several lines = several invocations of one warm container.
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const bundle = process.argv[2];
const { handler } = await import(pathToFileURL(bundle).href);

/**
 * `remainingMs` lists what successive getRemainingTimeInMillis() calls return (the last value
 * repeats), so a test decides exactly at which check the time runs short, without racing a clock.
 */
function context(line) {
  const values = line.remainingMs ?? [900_000];
  let call = 0;
  return {
    awsRequestId: line.requestId ?? 'test-request',
    functionName: 'floe-extract',
    getRemainingTimeInMillis: () => values[Math.min(call++, values.length - 1)],
  };
}

const input = createInterface({ input: process.stdin });
for await (const text of input) {
  if (text.trim() === '') continue;
  const line = JSON.parse(text);
  let outcome;
  try {
    outcome = { result: await handler(line.event, context(line)) };
  } catch (e) {
    outcome = { errorType: e?.name ?? 'Error', errorMessage: e?.message ?? String(e), trace: String(e?.stack ?? '').split('\n') };
  }
  process.stdout.write(`@@invoke ${JSON.stringify(outcome)}\n`);
}
