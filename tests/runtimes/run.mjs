// The built package (pkg/, `node scripts/build.mjs` first) in other JavaScript runtimes, over
// loopback HTTP. Not part of `npm test`: it needs the runtimes, which the project does not install.
//   node tests/runtimes/run.mjs bun=/path/to/bun deno=/path/to/deno [node=/path/to/node]
// Each runtime runs tests/runtimes/smoke.mjs against tests/support/aliyun-server.mjs (which checks
// every signature itself); the run fails unless each one sent, passed doctor, and reported the
// refused connection and the cyclic data as typed errors.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { startAliyunServer } from '../support/aliyun-server.mjs';

const smoke = fileURLToPath(new URL('smoke.mjs', import.meta.url));
const runtimes = process.argv.slice(2).map((arg) => arg.split('='));
if (runtimes.length === 0) throw new Error('usage: node tests/runtimes/run.mjs bun=<path> deno=<path> …');
for (const [name, binary] of runtimes) {
  const server = await startAliyunServer({ credentials: { 'LTAI-runtimes': 'runtimes-secret' } });
  try {
    const args = name === 'deno' ? ['run', '-A', smoke, server.url] : [smoke, server.url];
    const { stdout } = await promisify(execFile)(binary, args, { timeout: 60_000 });
    const outcome = JSON.parse(stdout.trim().split('\n').at(-1));
    assert.equal(outcome.sent, 'OK', name);
    assert.equal(outcome.doctor, true, name);
    assert.match(outcome.refused, /^general: Network error calling Aliyun at http:\/\/127\.0\.0\.1:9\/ \(request\)/, name);
    assert.match(outcome.cyclic, /^invalid_request_parameters: Message data cannot be read: /, name);
    assert.ok(server.requests.length > 1 && server.requests.every((request) => request.verified), name);
    console.log(`${name}: ${JSON.stringify(outcome)}`);
  } finally {
    await server.close();
  }
}
