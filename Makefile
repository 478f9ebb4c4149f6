# The Lambda bundle for template.yaml. `sam build` runs `make build-<FunctionLogicalId>` with
# ARTIFACTS_DIR set; every function shares the one package, so all targets build the same.
# `make bundle BUNDLE=dir ARCH=x86_64` builds the same bundle for an x86_64 host (the tests).
PYTHON ?= python3
PIP := $(PYTHON) -m pip --disable-pip-version-check
ARCH ?= aarch64
PLATFORM := --platform manylinux2014_$(ARCH) --python-version 3.13 --implementation cp --only-binary=:all:

.PHONY: build-GenerateFunction build-EnhanceFunction build-ApiFunction build-WorkerFunction bundle lock

build-GenerateFunction build-EnhanceFunction build-ApiFunction build-WorkerFunction:
	$(MAKE) --no-print-directory bundle BUNDLE="$(ARTIFACTS_DIR)"

# A clean folder each time: `pip install --target` into an existing one keeps what is there.
bundle:
	test -n "$(BUNDLE)"
	rm -rf "$(BUNDLE)" && mkdir -p "$(BUNDLE)"
	$(PIP) install --quiet --no-compile --no-deps $(PLATFORM) --target "$(BUNDLE)" -r requirements-lambda.txt
	$(PIP) install --quiet --no-compile --no-deps --target "$(BUNDLE)" .
	rm -rf "$(BUNDLE)/bin"
	find "$(BUNDLE)" -depth -type d \( -name __pycache__ -o -name tests \) -exec rm -rf {} +
	du -sh "$(BUNDLE)"

lock:
	$(PYTHON) scripts/lambda_lock.py
