#!/usr/bin/env node
// The `cairn` command. The sources are TypeScript run through tsx, so there is no
// build step between `git pull` and `npm start`.
import { register } from 'tsx/esm/api';

register();
await import('./cli.ts');
