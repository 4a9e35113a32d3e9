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
# Under --noCheck, tsc -b records neither a syntax error nor a type error found earlier, so a
# second start after a failed build would run on its broken output. After any failure, build
# with the check until a build succeeds.
failed=dist/.build-failed
if [ -e "$failed" ]; then
  for arg; do
    shift
    [ "$arg" = --noCheck ] || set -- "$@" "$arg"
  done
fi
# `npm start`'s fast path: when no file or folder of the checkout (outside the generated ones)
# nor the install is newer than the build info, there is nothing for tsc to decide, and not
# loading it saves half a CPU second. Anything newer, even a README or a folder whose entries
# changed, leaves the decision to tsc -b.
case " $* " in
  *" --noCheck "*)
    if [ -e "$info" ] && [ -z "$(find . node_modules/.package-lock.json \( -path ./node_modules \
      -o -path ./dist -o -path ./.git -o -path ./.data -o -path ./coverage \) -prune \
      -o -newer "$info" -print -quit 2>/dev/null)" ]; then
      exit 0
    fi
    ;;
esac
before=$(find "$info" -printf '%T@' 2>/dev/null || true)
if ! tsc -b tsconfig.build.json $force "$@"; then
  mkdir -p dist && : >"$failed"
  exit 1
fi
rm -f "$failed"
# tsc never deletes the output of a deleted source; after a build, drop every compiled file
# whose source is gone so that nothing can load it by path.
if [ "$(find "$info" -printf '%T@')" != "$before" ]; then
  find dist/src dist/migrations dist/test -name '*.js' 2>/dev/null | while read -r out; do
    source=${out#dist/}
    [ -e "${source%.js}.ts" ] || rm -f "$out" "$out.map"
  done
fi
