#!/usr/bin/env bash
# Regenerates the raw glibc bindings with jextract 22+ on Linux, into target/jextract/libc, to diff against the
# hand-written io.github.panamashm.internal.linux.LibC and LinuxStructs (see README.md here). Run it on each
# architecture whose layouts you want to compare (x86_64, aarch64): jextract sees the host's headers only.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../target/jextract/libc-$(uname -m)"
if ! command -v jextract >/dev/null; then
  echo "jextract-linux.sh: jextract is not on the PATH; get jextract 22 or newer from https://jdk.java.net/jextract/" >&2
  exit 2
fi
rm -rf "$out"
mkdir -p "$out"
jextract --output "$out" @"$here/libc/libc.args" "$here/libc/libc.h"
echo "jextract-linux.sh: generated $out; now: diff its LibC.java against src/main/java/io/github/panamashm/internal/linux/LibC.java"
