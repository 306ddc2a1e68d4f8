#!/usr/bin/env bash
# Runs every test of the project: unit, conformance, differential and integration tests.
set -euo pipefail
cd "$(dirname "$0")"
exec mvn -B -ntp verify "$@"
