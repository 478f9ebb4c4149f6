# The Lambda bundle for template.yaml. `sam build` runs `make build-<FunctionLogicalId>` with
# ARTIFACTS_DIR set; every function shares the one package, so all targets build the same.
# `make bundle BUNDLE=dir ARCH=x86_64` builds the same bundle for an x86_64 host (the tests).
PYTHON ?= python3
PIP := $(PYTHON) -m pip --disable-pip-version-check
ARCH ?= aarch64
PLATFORM := --platform manylinux2014_$(ARCH) --python-version 3.13 --implementation cp --only-binary=:all:
# The runtime's own Python compiles the bundle's bytecode (a .pyc holds one version's format):
# python3.13 on PATH, else pyenv's, else PYTHON313=/path/to/python3.13.
PYTHON313 ?= $(firstword $(foreach candidate,python3.13 $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13),\
	$(shell $(candidate) -c 'import sys; print(sys.version_info[:2] == (3, 13))' 2>/dev/null | grep -q True && echo $(candidate))))
NO_PYTHON313 := no Python 3.13 found to compile the bundle with (Lambda runs python3.13). Install it \
	with pyenv install 3.13, uv python install 3.13 or the python3.13 package of your distribution, \
	then run again, or pass PYTHON313=/path/to/python3.13

.PHONY: build-GenerateFunction build-EnhanceFunction build-ApiFunction build-WorkerFunction bundle lock python313

build-GenerateFunction build-EnhanceFunction build-ApiFunction build-WorkerFunction:
	$(MAKE) --no-print-directory bundle BUNDLE="$(ARTIFACTS_DIR)"

# A clean folder each time: `pip install --target` into an existing one keeps what is there.
# scripts/slim_bundle.py then leaves out what no handler loads and compiles the rest; to run
# each handler's init once (it records the dataclasses to precompile), a bundle for another
# architecture than this machine's gets this machine's pydantic-core beside it (NATIVE).
HOST_ARCH := $(shell uname -m)
NATIVE = $(BUNDLE).native
bundle:
	test -n "$(BUNDLE)"
	@test -n "$(PYTHON313)" || { echo '$(NO_PYTHON313)' >&2; exit 1; }
	rm -rf "$(BUNDLE)" && mkdir -p "$(BUNDLE)"
	$(PIP) install --quiet --no-compile --no-deps $(PLATFORM) --target "$(BUNDLE)" -r requirements-lambda.txt
	$(PIP) install --quiet --no-compile --no-deps --target "$(BUNDLE)" .
	rm -rf "$(BUNDLE)/bin" "$(NATIVE)"
	test "$(ARCH)" = "$(HOST_ARCH)" || $(PIP) install --quiet --no-deps --platform manylinux2014_$(HOST_ARCH) \
		--python-version 3.13 --implementation cp --only-binary=:all: --target "$(NATIVE)" \
		$$(grep -i '^pydantic.core==' requirements-lambda.txt) || true
	find "$(BUNDLE)" -depth -type d \( -name __pycache__ -o -name tests \) -exec rm -rf {} +
	$(PYTHON313) scripts/slim_bundle.py "$(BUNDLE)" "$(NATIVE)"
	rm -rf "$(NATIVE)"
	du -sh "$(BUNDLE)"

lock:
	$(PYTHON) scripts/lambda_lock.py

# The interpreter the bundle is compiled with (bench/cold_start.py runs the bundle with it).
python313:
	@test -n "$(PYTHON313)" || { echo '$(NO_PYTHON313)' >&2; exit 1; }
	@echo "$(PYTHON313)"
