// Time bounds for the tests' own waits, so that no test can hang forever on a loopback request,
// a child process or a connector call, even run on its own (`node --test <file>`, without the
// --test-timeout that scripts/test.sh adds). Bounds, not timings: each is far above what the
// wait takes, and only a hang reaches it.

/** The longest any one loopback request, child process or send may take before it is a hang. */
export const NETWORK_BOUND_MS = 30_000;

/** An AbortSignal for a test's own fetch to a loopback server. */
export const fetchBound = () => AbortSignal.timeout(NETWORK_BOUND_MS);

/** `promise`, or a rejection saying `what` is still pending after `ms`. */
export function settlesWithin(promise, ms, what = 'the operation') {
  let timer;
  const guard = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} still pending after ${ms} ms`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}
