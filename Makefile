# shortstack: the two commands a newcomer needs are `make run` and `make test`.
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 20

.PHONY: all deps build run test test-release test-asan fuzz drills bench clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) --target shortstack

# Stage 1 on 127.0.0.1:8080 (admin on 127.0.0.1:9090), data under ./var.
run: build
	./$(BUILD)/shortstack serve --listen 127.0.0.1:8080 --data-dir ./var

# Every test: release build, the same tests under ASan+UBSan, then a bounded run of each fuzzer.
test: deps
	@scripts/run-tests.sh

test-release: deps
	@scripts/run-tests.sh release

test-asan: deps
	@scripts/run-tests.sh asan

fuzz: deps
	@scripts/run-tests.sh fuzz

# Every failure drill, the slow ones included (make test runs the fast subset).
drills: deps
	@FULL_DRILLS=1 STAGE=5 scripts/run-tests.sh drills
	@FULL_DRILLS=1 STAGE=4 scripts/run-tests.sh drills

bench: build
	@scripts/install-deps.sh --bench
	@cmake --build $(BUILD) --target loadgen micro_bench
	@bench/run.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
