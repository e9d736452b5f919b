#!/bin/sh
# Maven builds the modules written for Node (the console, the fixture actions) with the machine's
# Node: it never downloads one. Say so plainly when it is missing or too old, instead of a bare
# "Cannot run program npm". $1 names the module that needs it.
needs=${1:-this module}
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "$needs needs Node.js 20 or newer and npm on PATH (Debian 12 packages Node 18, too old: take Node 20 from backports or nodejs.org)" >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "$needs needs Node.js 20 or newer; found $(node --version) at $(command -v node)" >&2
  exit 1
fi
