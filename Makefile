# Thin entry points; the work is done by CMake and the scripts under scripts/.
# Quick start on a fresh Debian 12 machine, as root:  make demo   and   make test

BUILD_DIR ?= build
JOBS ?= $(shell nproc)
PHOTOS ?=

.PHONY: all deps build test demo package local-up local-down bench fuzz clean

all: build

deps:
	scripts/install-deps.sh all

build:
	scripts/install-deps.sh build
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: deps
	scripts/run-tests.sh

demo: deps build
	scripts/demo.sh $(PHOTOS)

package: build
	scripts/package-lambda.sh

local-up: deps build
	scripts/local-stack.sh up

local-down:
	scripts/local-stack.sh down

bench: deps build
	scripts/run-bench.sh

fuzz:
	scripts/run-fuzz.sh 60

clean:
	rm -rf $(BUILD_DIR) build-asan build-fuzz dist
