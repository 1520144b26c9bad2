#!/usr/bin/env node
// Blossom is TypeScript run directly by Node 24. npm installs Node 24 into the package as a
// dev dependency, so a `blossom` started by an older system Node hands over to that one.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);

if (major >= 24) {
  await import('../src/cli/main.ts');
} else {
  const node = fileURLToPath(new URL(`../node_modules/.bin/${process.platform === 'win32' ? 'node.cmd' : 'node'}`, import.meta.url));
  if (!existsSync(node)) {
    const root = fileURLToPath(new URL('..', import.meta.url));
    process.stderr.write(`Blossom needs Node.js 24 or newer (this is ${process.version}). Run "npm install" in ${root} to fetch it.\n`);
    process.exit(1);
  }
  const child = spawn(node, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  // The server stops gracefully on these, so pass them on rather than dying first.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (err) => {
    process.stderr.write(`Cannot start ${node}: ${err.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}
