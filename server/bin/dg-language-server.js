#!/usr/bin/env node
// `dg-language-server --stdio`: the bundled language server.
require('../out/server.js');
