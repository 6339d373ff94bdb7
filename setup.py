"""Build the compiled hot paths: every `_*.pyx` module in the pipeline's packages becomes a C extension.

Each compiled module has a pure-Python twin that is the reference (the tests check both give the same results); the
extensions are optional at build time, so a machine without a C compiler still installs and runs, only slower.
"""
from pathlib import Path

from Cython.Build import cythonize
from setuptools import Extension, setup

PACKAGES = ("extract", "normalise", "metrics", "reports", "flows", "spotlight")
ROOT = Path(__file__).resolve().parent

extensions = [
    Extension(
        ".".join(path.relative_to(ROOT).with_suffix("").parts),
        [path.relative_to(ROOT).as_posix()],
        # the Cython include files of the package (`include "_x.pxi"`): a change to one rebuilds its modules
        depends=[p.relative_to(ROOT).as_posix() for p in sorted((ROOT / package).glob("_*.pxi"))],
        extra_compile_args=["-O3"],
        optional=True,
    )
    for package in PACKAGES
    for path in sorted((ROOT / package).glob("_*.pyx"))
]

setup(
    ext_modules=cythonize(
        extensions,
        compiler_directives={"language_level": "3", "boundscheck": False, "wraparound": False, "cdivision": True},
        quiet=True,
    )
)
