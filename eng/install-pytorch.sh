#!/usr/bin/env bash
# Installs Debian's PyTorch (python3-torch: torch 1.13, CPU) for /usr/bin/python3 where it cannot import torch yet:
# the PyTorch target's tests run the generated modules and effnet_train.py in it. Needs root or sudo.
set -euo pipefail
if /usr/bin/python3 -c "import torch" 2>/dev/null; then
  exit 0
fi
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends python3-torch >/dev/null
/usr/bin/python3 -c "import torch; print('PyTorch', torch.__version__, 'for /usr/bin/python3')"
