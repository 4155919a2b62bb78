#!/bin/sh
# Airlock in any CI (GitLab, Jenkins, Buildkite, a plain runner): Node >= 20.19 and git needed.
#   AIRLOCK_CLI  path or URL of airlock-cli-<version>.tgz (built by `npm run package`)
#   BASE         the commit the change is compared with (e.g. origin/main, or the MR's target sha)
# Exit 1 when AI-written lines in BASE..HEAD are unreviewed or forbidden; writes airlock.sarif
# (what the policy would stop from leaving) either way.
set -eu
: "${AIRLOCK_CLI:=./tools/airlock-cli-0.1.0.tgz}"
: "${BASE:?set BASE to the commit the change is compared with, e.g. origin/main}"
npm install --global --no-audit --no-fund "$AIRLOCK_CLI"
status=0
airlock check --range "$BASE..HEAD" || status=$?
# scan exit 1 = "would be blocked": a report, not a failure; 2 and 3 are real errors.
airlock scan . --format sarif > airlock.sarif || { code=$?; [ "$code" -eq 1 ] || exit "$code"; }
exit "$status"
