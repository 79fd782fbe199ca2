// Parent-side helpers for bench/run.mjs: statistics, child processes, the throwaway certificate
// and the loopback server.
import { execFileSync, fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoDir = path.resolve(benchDir, '..');

export const median = (values) => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Median absolute deviation as a fraction of the median (a robust spread figure). */
export const spread = (values) => {
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m))) / m;
};

/**
 * A self-signed certificate for dysmsapi.aliyuncs.com and 127.0.0.1 (P-256, one day, its own
 * trust anchor), made with the openssl CLI; node:crypto can make keys but not certificates.
 * Returns null when openssl is missing.
 */
export function makeCertificate() {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
  } catch {
    return null;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aliyun-sms-bench-tls-'));
  const certPath = path.join(dir, 'cert.pem');
  const keyPath = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=dysmsapi.aliyuncs.com',
      '-addext', 'subjectAltName=DNS:dysmsapi.aliyuncs.com,IP:127.0.0.1',
      '-addext', 'basicConstraints=critical,CA:TRUE',
    ],
    { stdio: 'pipe' }
  );
  return { dir, certPath, keyPath, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Forks bench/server.mjs; resolves { ...ports, stats(), reset(), close() }. */
export async function startServer(cert) {
  const child = fork(path.join(benchDir, 'server.mjs'), [cert.certPath, cert.keyPath], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench server exited early (${code})`)));
    child.once('message', resolve);
  });
  const ask = (type) =>
    new Promise((resolve) => {
      const onMessage = (message) => {
        if (message.type === type) {
          child.off('message', onMessage);
          resolve(message.stats ?? message);
        }
      };
      child.on('message', onMessage);
      child.send({ type });
    });
  return {
    ...ready,
    pid: child.pid,
    stats: () => ask('stats'),
    reset: () => ask('reset'),
    close: () =>
      new Promise((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', resolve);
        child.send({ type: 'close' });
        setTimeout(() => child.kill(), 2000).unref();
      }),
  };
}

/**
 * Runs `node <args>` to completion. Resolves { code, stdout, stderr, wallMs, json } where `json`
 * is the last stdout line parsed (or null), and wallMs is spawn to exit as seen by the parent.
 */
export function runNode(args, { env = {}, cwd = repoDir } = {}) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const wallMs = performance.now() - start;
      const last = stdout.trim().split('\n').pop();
      let json = null;
      try {
        json = JSON.parse(last);
      } catch {}
      if (code !== 0) {
        reject(new Error(`node ${args.join(' ')} failed (${code ?? signal}):\n${stderr || stdout}`));
        return;
      }
      resolve({ code, stdout, stderr, wallMs, json });
    });
  });
}

/** Order for round `i`: rotates so no implementation always runs first. */
export const rotate = (items, i) => items.map((_, k) => items[(k + i) % items.length]);
