#!/bin/sh
# Install the Spoke hub into its own virtual environment, from the project's lock only.
#
#   sh installers/hub/install.sh /opt/spoke-hub        (run from the repository's root)
#
# Used by installers/hub/Containerfile (build stage) and for a systemd host
# (docs/guide/admin.md); tests/integration/test_hub_packaging.py runs it into a temporary
# folder and starts the hub it installed. Needs Python 3.11 or newer as python3 (PYTHON=...
# to name another) and the package index (or PIP_INDEX_URL / a wheelhouse via PIP_FIND_LINKS).
#
# 1. the hub's share of requirements/lock.txt (installers/hub/hub_requirements.py: the
#    exact versions and hashes the tests ran against, without the desktop's Qt or the
#    development tools);
# 2. pip install --require-hashes: a file whose hash is not in the lock is refused, and
#    nothing is resolved afresh;
# 3. the project itself with --no-deps --no-build-isolation (its build backend came from the
#    lock in step 2, so nothing unhashed is fetched).
set -eu
prefix=${1:?usage: sh installers/hub/install.sh PREFIX}
python=${PYTHON:-python3}
"$python" -m venv "$prefix"
"$python" installers/hub/hub_requirements.py --output "$prefix/hub-lock.txt"
"$prefix/bin/python" -m pip install --quiet --disable-pip-version-check --no-cache-dir \
    --require-hashes -r "$prefix/hub-lock.txt"
"$prefix/bin/python" -m pip install --quiet --disable-pip-version-check --no-cache-dir \
    --no-deps --no-build-isolation .
"$prefix/bin/spoke-hub" --help >/dev/null
echo "Spoke hub installed in $prefix (run $prefix/bin/spoke-hub)."
