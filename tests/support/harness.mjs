// Shared helpers for the reliability tests (faults, load, secrets) over the built package pkg/.

import assert from 'node:assert/strict';
import util from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';

import { ConnectorError, ConnectorErrorCodes } from '@logto/connector-kit';

import createConnector, { getSignature } from '../../pkg/lib/index.js';
import * as glue from '../../pkg/lib/wasm/aliyun_sms.js';
import { fixtureConfig } from './fixtures.mjs';

export { ConnectorError, ConnectorErrorCodes, createConnector, getSignature };

const KNOWN_CODES = new Set(Object.values(ConnectorErrorCodes));

/** A connector whose getConfig must not be called: every test passes its config. */
export const loadConnector = () =>
  createConnector({
    getConfig: async () => {
      throw new Error('getConfig must not be called');
    },
  });

/** The four templates of tests/fixtures/config.json (a fresh copy). */
export const templates = () => fixtureConfig().templates;

export const message = (to = '13012345678') => ({ to, type: 'SignIn', payload: { code: '123456' } });

/**
 * A valid config for a loopback Aliyun server: tests/fixtures/config.json with these credentials,
 * sign name (the fixture's when not given), endpoint and timeout, then `overrides`.
 */
export const configFor = ({ url, accessKeyId, accessKeySecret, signName, timeout = 5000 }, overrides = {}) => {
  const fixture = fixtureConfig();
  return {
    ...fixture,
    accessKeyId,
    accessKeySecret,
    signName: signName ?? fixture.signName,
    endpoint: url,
    timeout,
    ...overrides,
  };
};

/**
 * Awaits `promise`, which must reject with the host's ConnectorError of `code` within `within` ms.
 * Returns `{ error, elapsed }`.
 */
export async function expectConnectorError(promise, code, { within } = {}) {
  const started = Date.now();
  let error;
  try {
    const value = await promise;
    assert.fail(`expected ConnectorError(${code}), resolved with ${JSON.stringify(value)?.slice(0, 300)}`);
  } catch (caught) {
    if (caught instanceof assert.AssertionError) throw caught;
    error = caught;
  }
  const elapsed = Date.now() - started;
  assert.ok(
    error instanceof ConnectorError,
    `expected ConnectorError, got ${error?.constructor?.name}: ${String(error).slice(0, 300)}`,
  );
  assert.ok(KNOWN_CODES.has(error.code), `${error.code} is a ConnectorErrorCodes value`);
  assert.equal(error.code, code, `code (errorDescription: ${String(error.data?.errorDescription).slice(0, 300)})`);
  assert.equal(typeof error.data?.errorDescription, 'string');
  assert.ok(error.data.errorDescription.length > 0);
  if (within !== undefined) {
    assert.ok(elapsed <= within, `rejected after ${elapsed} ms, bound ${within} ms`);
  }
  return { error, elapsed };
}

/** Every way an error can be shown: message, String, stack, data as JSON, util.inspect. */
export function errorTexts(error) {
  return {
    message: String(error?.message ?? ''),
    string: String(error),
    stack: String(error?.stack ?? ''),
    data: JSON.stringify(error?.data) ?? '',
    inspect: util.inspect(error, { depth: null, showHidden: true, maxStringLength: null }),
  };
}

/**
 * Runs `fn` while recording everything written through console.* and text written to
 * process.stdout/stderr (and still writing it). Returns `{ value, error, output }`; `error` is what `fn` threw.
 */
export async function captureOutput(fn) {
  const chunks = [];
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir'];
  const saved = Object.fromEntries(methods.map((m) => [m, console[m]]));
  const savedOut = process.stdout.write;
  const savedErr = process.stderr.write;
  for (const m of methods) {
    console[m] = (...args) => {
      chunks.push(util.format(...args));
      return saved[m].apply(console, args);
    };
  }
  // Text only: under `node --test`, the runner reports to its parent through stdout in binary
  // (v8-serialised Buffers), which would otherwise mix other tests' names and messages in.
  const tap = (original) =>
    function write(chunk, ...rest) {
      if (typeof chunk === 'string') chunks.push(chunk);
      return original.call(this, chunk, ...rest);
    };
  process.stdout.write = tap(savedOut);
  process.stderr.write = tap(savedErr);
  try {
    const value = await fn();
    return { value, error: undefined, output: chunks.join('\n') };
  } catch (error) {
    return { value: undefined, error, output: chunks.join('\n') };
  } finally {
    Object.assign(console, saved);
    process.stdout.write = savedOut;
    process.stderr.write = savedErr;
  }
}

/** Bytes of the WebAssembly instance's linear memory (it only ever grows). */
export function wasmMemoryBytes() {
  // The package initialised the glue already; initSync returns the same instance's exports.
  return glue.initSync().memory.buffer.byteLength;
}

let gcFunction;
/** A full garbage collection, without needing --expose-gc on the command line. */
export async function collectGarbage() {
  if (!gcFunction) {
    v8.setFlagsFromString('--expose-gc');
    gcFunction = vm.runInNewContext('gc');
  }
  for (let i = 0; i < 3; i += 1) {
    gcFunction();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export function memorySample() {
  const { rss, heapUsed, arrayBuffers, external } = process.memoryUsage();
  return { rss, heapUsed, arrayBuffers, external, wasm: wasmMemoryBytes() };
}

export const mib = (bytes) => `${(bytes / (1 << 20)).toFixed(1)} MiB`;
