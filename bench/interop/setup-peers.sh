#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds /tmp/peers (or $PEERS) from git clones of the peers' public sources, as the interop
# benches use them (none is installable from a registry here). Usage:
#   bench/interop/setup-peers.sh GITDIR_SNNTORCH GITDIR_NORSE GITDIR_NIRTORCH GITDIR_NIR GITDIR_LAVA GITDIR_LAVA_DL
# each argument a repository's .git directory (or a bare mirror). Nothing is written to this repository.
set -eu
P=${PEERS:-/tmp/peers}
mkdir -p "$P/snntorch" "$P/norse" "$P/NIRTorch" "$P/NIR" "$P/lava" "$P/meta"
git --git-dir="$1" archive HEAD snntorch | tar -x -C "$P/snntorch"
git --git-dir="$2" archive HEAD norse | tar -x -C "$P/norse"
git --git-dir="$3" archive HEAD nirtorch | tar -x -C "$P/NIRTorch"
git --git-dir="$4" archive HEAD nir | tar -x -C "$P/NIR"
git --git-dir="$5" archive HEAD src/lava | tar -x -C "$P/lava"
mkdir -p "$P/lava-dl" && git --git-dir="$6" archive HEAD src/lava/lib/dl | tar -x -C "$P/lava-dl"
# nir reads its version from install metadata (nir.version); give the copy some.
mkdir -p "$P/meta/nir-1.0.8.dev0.dist-info"
printf 'Metadata-Version: 2.1\nName: nir\nVersion: 1.0.8.dev0\n' > "$P/meta/nir-1.0.8.dev0.dist-info/METADATA"
# lava-dl lives in lava's namespace: copy lava/lib/dl into the lava tree.
mkdir -p "$P/lava/src/lava/lib" && touch "$P/lava/src/lava/lib/__init__.py"
rm -rf "$P/lava/src/lava/lib/dl" && cp -r "$P/lava-dl/src/lava/lib/dl" "$P/lava/src/lava/lib/"
# Python 3.11: Lava's ByteEncoder dataclass must be hashable (copy only).
python3 - "$P/lava/src/lava/magma/compiler/var_model.py" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
open(p, "w").write(s.replace("@dataclass\nclass ByteEncoder:", "@dataclass(unsafe_hash=True)\nclass ByteEncoder:"))
PY
# slayer's object_detection imports cv2, which netx never uses (copy only).
sed -i 's|^from . import object_detection as obd|obd = None  # needs cv2; not used by netx|' "$P/lava/src/lava/lib/dl/slayer/__init__.py"
echo "export PYTHONPATH=$P/NIR:$P/NIRTorch:$P/snntorch:$P/norse:$P/meta:$P/lava/src"
