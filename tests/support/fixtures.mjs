// Readers for tests/fixtures/: the data every test layer shares (Rust, wasm, fuzz and Node), kept
// once there. Each call returns a fresh copy, so a test may change what it gets. Also the few facts
// about Aliyun's requests that several Node test files check.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const fixtureUrl = (name) => new URL(`../fixtures/${name}`, import.meta.url);

/** The absolute path of a fixture file, for scripts that run in another directory. */
export const fixturePath = (name) => fileURLToPath(fixtureUrl(name));

const parsed = new Map();
/** A fixture's parsed JSON, as a fresh deep copy. */
export function readFixture(name) {
  if (!parsed.has(name)) parsed.set(name, JSON.parse(readFileSync(fixtureUrl(name), 'utf8')));
  return structuredClone(parsed.get(name));
}

/** The canonical four-template config (placeholder credentials, no endpoint or timeout). */
export const fixtureConfig = () => readFixture('config.json');

/** The published signature vectors: `{ v1: [...], v3: [...] }` (see tests/fixtures/README.md). */
export const signatureVectors = () => readFixture('signature-vectors.json');

/**
 * Every parameter of a SendSms request signed with V1, sorted: exactly what a send puts in its
 * form. All are required but `TemplateParam`.
 */
export const SEND_SMS_V1_PARAMETERS = Object.freeze([
  'AccessKeyId',
  'Action',
  'Format',
  'PhoneNumbers',
  'RegionId',
  'SignName',
  'Signature',
  'SignatureMethod',
  'SignatureNonce',
  'SignatureVersion',
  'TemplateCode',
  'TemplateParam',
  'Timestamp',
  'Version',
]);
