#!/usr/bin/env python3
"""Writes the unsigned links and the layout TOML of bench/verify.sh's chain.

Standard library only. Usage:

    gen-chain.py chain DIR N     # DIR/{clone,build,package}.unsigned-link, DIR/layout.toml
    gen-chain.py link FILE N     # one 'build' link with N materials and N+1 products

The chain (N artifacts per step, every digest the SHA-256 of the path, so
the output is the same every time):

    clone    (alice)         products  src/<p>/<m>/file<i>.c          N
    build    (bob and carl,  materials src/...                        N
              threshold 2)   products  build/<p>/<m>/file<i>.o, build/BUILD-INFO   N+1
    package  (dave)          materials build/...                      N+1
                             products  dist/app.tar.gz                1

Artifacts need not exist on disk: the layout has no inspections.
The links are Metablocks without signatures; bench/verify.sh signs them.
"""

import hashlib
import json
import sys


def digest(path):
    return {"sha256": hashlib.sha256(path.encode()).hexdigest()}


def names(prefix, ext, n):
    return [f"{prefix}/pkg{i % 97}/mod{(i // 97) % 89}/file{i}.{ext}" for i in range(n)]


def link(name, materials, products, command):
    return {
        "signatures": [],
        "signed": {
            "_type": "link",
            "name": name,
            "materials": {p: digest(p) for p in materials},
            "products": {p: digest(p) for p in products},
            "byproducts": {"return-value": 0, "stderr": "", "stdout": ""},
            "command": command,
            "environment": {},
        },
    }


def write(path, doc):
    with open(path, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)


LAYOUT = """\
# bench/verify.sh: a three-step chain without inspections.
expires = "1 year"

[functionaries]
alice = "alice.pub"
bob = "bob.pub"
carl = "carl.pub"
dave = "dave.pub"

[[steps]]
name = "clone"
functionaries = ["alice"]
expected_command = "git clone https://example.com/app.git"
products = ["CREATE src/*", "DISALLOW *"]

[[steps]]
name = "build"
functionaries = ["bob", "carl"]
threshold = 2
expected_command = "make"
materials = ["MATCH src/* WITH PRODUCTS FROM clone", "DISALLOW *"]
products = ["CREATE build/*.o", "ALLOW build/BUILD-INFO", "DISALLOW *"]

[[steps]]
name = "package"
functionaries = ["dave"]
expected_command = "tar czf dist/app.tar.gz build"
materials = ["MATCH build/* WITH PRODUCTS FROM build", "DISALLOW *"]
products = ["CREATE dist/app.tar.gz", "DISALLOW *"]
"""


def main():
    what, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    src = names("src", "c", n)
    objs = names("build", "o", n) + ["build/BUILD-INFO"]
    if what == "link":
        write(out, link("build", src, objs, ["make"]))
        return
    write(f"{out}/clone.unsigned-link",
          link("clone", [], src, ["git", "clone", "https://example.com/app.git"]))
    write(f"{out}/build.unsigned-link", link("build", src, objs, ["make"]))
    write(f"{out}/package.unsigned-link",
          link("package", objs, ["dist/app.tar.gz"], ["tar", "czf", "dist/app.tar.gz", "build"]))
    with open(f"{out}/layout.toml", "w") as f:
        f.write(LAYOUT)


if __name__ == "__main__":
    main()
