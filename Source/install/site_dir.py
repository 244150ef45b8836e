"""Prints the folder under PREFIX from which this interpreter imports modules without PYTHONPATH.

Debian's python3 reads /usr/lib/python3/dist-packages and /usr/local/lib/python3.X/dist-packages (not
site-packages); a venv reads its own site-packages; anything else gets the standard posix_prefix layout.
"""

import os
import sys
import sysconfig

prefix = os.path.abspath(sys.argv[1])
version = "python%d.%d" % sys.version_info[:2]
on_path = {os.path.abspath(p) for p in sys.path if p}
for candidate in ("lib/python3/dist-packages", f"lib/{version}/dist-packages", f"lib/{version}/site-packages"):
    folder = os.path.join(prefix, candidate)
    if folder in on_path:
        print(folder)
        break
else:
    print(sysconfig.get_path("platlib", "posix_prefix", vars={"base": prefix, "platbase": prefix}))
