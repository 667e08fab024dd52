// Native binding for the native `tree-sitter` package (used by the grammar's own tests).
const root = require('path').join(__dirname, '..', '..');

module.exports = require('node-gyp-build')(root);

try {
  module.exports.nodeTypeInfo = require('../../src/node-types.json');
} catch (_) {}
