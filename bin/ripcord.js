#!/usr/bin/env node
// Runs the compiled CLI when it exists (the installed package, or a checkout after `npm run build`),
// otherwise the TypeScript sources through tsx (a fresh checkout with its development
// dependencies), so `ripcord` and `./bin/ripcord.js` work either way. tsx is a devDependency: the
// installed package never needs it, and a checkout without it is told how to get one or the other.
import { existsSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist', 'main.js');
const sources = join(root, 'src', 'main.ts');

async function tsxLoader() {
  try {
    return await import('tsx/esm/api');
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    return null;
  }
}

if (existsSync(compiled)) {
  await import(pathToFileURL(compiled).href);
} else {
  const tsx = existsSync(sources) ? await tsxLoader() : null;
  if (tsx) {
    tsx.register();
    await import(pathToFileURL(sources).href);
  } else {
    const how = existsSync(sources)
      ? `run \`npm ci && npm run build\` in ${root} (or \`npm ci\` alone to run the sources through tsx)`
      : 'reinstall the package (`npm install -g ripcord-VERSION.tgz`, built by `npm pack` in a checkout)';
    process.stderr.write(`ripcord: cannot start — there is no compiled ${compiled} and no tsx to run the sources — ${how}\n`);
    process.exitCode = 1;
  }
}
