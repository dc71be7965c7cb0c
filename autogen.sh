#!/bin/sh
# Generate configure and the Makefile.in files from configure.ac and Makefile.am.
# Needs autoconf and automake (Debian: apt-get install autoconf automake).
set -eu
cd "$(dirname "$0")"
autoreconf --force --install --verbose
