# attnlab — the two set-up commands are `make run` and `make test` (README.md).
SWIFT ?= swift
RELEASE := -c release
TESTING := -Xswiftc -enable-testing
BIN := .build/release/attnlab
SCALE ?= quick

.PHONY: all build run test test-fast lint format bench deps clean

all: build

deps:
	@scripts/ensure-deps.sh build

build: deps
	$(SWIFT) build $(RELEASE) --product attnlab

# The main job: every claim at quick scale, then the report.
run: build
	$(BIN) claims check --all --scale $(SCALE)

# Unit and end-to-end tests, in release (numeric code is 10–100× slower in debug); they include
# 2-rank Open MPI jobs on loopback (DistributedTrainingTests: mpirun --oversubscribe -np 2). The
# build fails on a compiler warning in Sources/ or Tests/ (scripts/build-tests.sh).
test:
	@scripts/ensure-deps.sh test
	SWIFT=$(SWIFT) scripts/build-tests.sh
	$(SWIFT) test $(RELEASE) $(TESTING) --skip-build

# The tests not tagged `.slow` (no runs of the binary, no mpirun jobs, nothing over about 2 s):
# the quick check while editing; `make test` runs these and the slow ones. Swift 6.3's swift test
# cannot skip by tag, so a slow test also carries `.skippedInFastRuns`, which ATTNLAB_FAST_TESTS
# turns on.
test-fast:
	@scripts/ensure-deps.sh test
	SWIFT=$(SWIFT) scripts/build-tests.sh
	ATTNLAB_FAST_TESTS=1 $(SWIFT) test $(RELEASE) $(TESTING) --skip-build

# swift-format's lint with .swift-format, findings as errors (CI runs it before the tests);
# `make format` rewrites the files in place.
lint:
	SWIFT=$(SWIFT) scripts/lint.sh

format:
	SWIFT=$(SWIFT) scripts/lint.sh --fix

# Benchmarks, each beside its reference measured in the same run (docs/BENCHMARKS.md):
# GEMM throughput per backend and BLAS kernel, attnlab's sgemm against OpenBLAS called directly
# from C (three interleaved rounds), then training tokens/s of every architecture on configs A
# and B beside the PyTorch references, in two interleaved rounds (each row its faster round).
# benchmarks/pytorch/setup.sh makes .venv-bench with torch (once); when it cannot, the table
# still holds attnlab's own figures. About 11 minutes on an idle 2-core machine, build included.
bench: build
	$(BIN) bench gemm
	benchmarks/gemm/compare.sh 3 1024,2048 2
	@mkdir -p bench-results
	@py=$$(benchmarks/pytorch/setup.sh) || { echo "PyTorch references skipped (reason above); printing attnlab's own figures." >&2; py=""; }; \
	$(BIN) bench compare --python "$$py" --python-note "benchmarks/pytorch/setup.sh could not provide torch (see its message above)" \
		--rounds 2 --output bench-results/train.json

clean:
	rm -rf .build
