// Running the package's CLI (pkg/bin/cli.js) as a child process, for the doctor and status tests.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = path.join(root, 'pkg', 'bin', 'cli.js');

/** Runs a Node script asynchronously (a server in the test process must keep answering). */
export function run(script, args, { env = process.env, timeout = 20_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, output: stdout + stderr });
    });
  });
}

/** Runs the package's CLI. */
export const cli = (args, options) => run(CLI, args, options);

/** Writes `config` (an object or raw text) into `dir`; returns the file's path. */
export function writeConfig(dir, config) {
  const file = path.join(dir, `${randomUUID()}.json`);
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
  return file;
}

/** Splits a POSIX shell command line of plain, single-quoted and backslash-escaped words. */
export function shellWords(line) {
  const words = [];
  let word;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i];
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) throw new Error(`Unclosed quote in ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '\\') {
      i += 1;
      word = (word ?? '') + line[i];
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}
