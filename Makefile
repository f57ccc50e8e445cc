# The README's two commands: `make repl` and `make test`. Both install missing Debian packages,
# configure and build first. Everything else here is a convenience around CMake.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps configure build test repl clean sanitize-% bench bench-smoke

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/CMakeCache.txt: | deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null

configure: deps $(BUILD)/CMakeCache.txt

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

test: build
	@ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

repl: build
	@if [ -x $(BUILD)/examples/toylang/toylang ]; then \
	  exec $(BUILD)/examples/toylang/toylang; \
	else \
	  echo "toylang is not built yet; running the runtime demo instead"; \
	  exec $(BUILD)/runtime/mosaic_demo; \
	fi

# Sanitizer builds live in their own build trees: make sanitize-address, sanitize-thread, ...
sanitize-%: deps
	@cmake -S . -B build-$* -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMOSAIC_SANITIZE=$* \
	  -DMOSAIC_BUILD_BENCH=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build build-$* -j $(JOBS)
	@ctest --test-dir build-$* --output-on-failure -j $(JOBS) $(CTEST_FLAGS)

# The benchmark suite (bench/README.md). `make bench` measures for real (about 40 minutes on 2
# cores, in its own Release tree) and rewrites docs/performance.md's generated sections,
# docs/roots-report.md, docs/img/ and bench/data/. `make bench-smoke` runs every part on tiny
# inputs in seconds, into a temporary directory (the committed documents stay as they are),
# using the same build tree as `make test`: CI runs it after the tests.
BENCH_BUILD ?= build-bench
bench:
	@scripts/install-deps.sh --bench
	@bench/bench.sh --build-dir $(BENCH_BUILD) --jobs $(JOBS)

bench-smoke: configure
	@scripts/install-deps.sh --bench-smoke
	@bench/bench.sh --smoke --build-dir $(BUILD) --jobs $(JOBS)

clean:
	rm -rf $(BUILD) build-address build-undefined build-thread
