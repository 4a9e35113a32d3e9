#!/bin/sh
# Compiles src/, migrations/ and the test helpers to dist/ unless dist/ is up to date
# (ADR 0008). `tsc -b` decides that from its build info in well under a second: a changed or
# deleted source, a new file, a changed tsconfig or another TypeScript version rebuilds.
# It does not look at package.json ("type" decides the module format) or at the installed
# dependencies' typings, so a newer package.json or install forces a full rebuild.
# Extra arguments go to tsc (`npm start` passes --noCheck: it compiles, tests type-check).
set -e
info=dist/.tsbuildinfo.build
force=
if [ -e "$info" ] && [ -n "$(find package.json node_modules/.package-lock.json -newer "$info" 2>/dev/null)" ]; then
  force=--force
fi
before=$(find "$info" -printf '%T@' 2>/dev/null || true)
tsc -b tsconfig.build.json $force "$@"
# tsc never deletes the output of a deleted source; after a build, drop every compiled file
# whose source is gone so that nothing can load it by path.
if [ "$(find "$info" -printf '%T@')" != "$before" ]; then
  find dist/src dist/migrations dist/test -name '*.js' 2>/dev/null | while read -r out; do
    source=${out#dist/}
    [ -e "${source%.js}.ts" ] || rm -f "$out" "$out.map"
  done
fi
