#!/usr/bin/env node
// `dg` command: the bundled CLI (built by `npm run build`, which `npm install` runs).
require('../out/cli.js');
