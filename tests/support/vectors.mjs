// Published signature test vectors shared by the package tests and the server's own tests. The
// data lives once, in tests/fixtures/signature-vectors.json, read by every test layer.
import { signatureVectors } from './fixtures.mjs';

const { v1, v3 } = signatureVectors();

const deepFreeze = (value) => {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
};

/** Every published V1 (HMAC-SHA1) vector: `{ name, source, method, accessKeySecret, parameters, stringToSign, signature }`. */
export const V1_VECTORS = deepFreeze(v1);
/** Every published V3 (ACS3-HMAC-SHA256) vector: inputs, canonical request, signature, Authorization. */
export const V3_VECTORS = deepFreeze(v3);

const ts = V1_VECTORS.find((vector) => vector.name === 'typescript-connector-single-send-mail');
if (!ts) throw new Error('tests/fixtures/signature-vectors.json has no typescript-connector-single-send-mail vector');

/**
 * The TypeScript connector's own test vector (its SingleSendMail mock): signed with secret
 * `testsecret` and method POST it gives `TS_CONNECTOR_SIGNATURE`.
 */
export const TS_CONNECTOR_VECTOR = Object.freeze({ ...ts.parameters });
export const TS_CONNECTOR_SIGNATURE = ts.signature;
