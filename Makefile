# LarkOS top-level build. Each folder builds itself (its own Makefile); this file orders them
# and provides the user-facing commands. See README.md.
TOP   := $(CURDIR)
BUILD := $(TOP)/build
export TOP BUILD

# Folders that build something, in dependency order. Missing folders are skipped.
PARTS := libsel4 lib kernel tools/mkimage tools/compose roottask-demo ml rootserver components system tests/unit tests/kernel tests/system bench
PRESENT := $(foreach p,$(PARTS),$(if $(wildcard $(p)/Makefile),$(p)))

# The image `make run` boots: the composed system once it exists, else the kernel demo.
RUN_IMAGE ?= $(if $(wildcard system/Makefile),$(BUILD)/images/system.img,$(BUILD)/images/demo.img)

.PHONY: all deps run test bench bench-ml fuzz-ml fuzz-kernel graph clean $(PRESENT)

all: deps
	@for p in $(PRESENT); do $(MAKE) --no-print-directory -C $$p all || exit 1; done

deps:
	@bash scripts/install-deps.sh

run: all
	bash scripts/qemu-run.sh $(RUN_IMAGE)

test: all
	@bash scripts/run-tests.sh

bench: all
	@for p in bench ml; do if [ -f $$p/Makefile ]; then $(MAKE) --no-print-directory -C $$p bench || exit 1; fi; done

bench-ml: deps
	$(MAKE) -C ml bench-ml

fuzz-ml: deps
	$(MAKE) -C ml fuzz-ml SECONDS=$(or $(SECONDS),60)

# The kernel syscall fuzzer (tests/fuzz/kernel/README.md): one seed, CALLS random calls.
fuzz-kernel: all
	$(MAKE) --no-print-directory -C tests/fuzz/kernel run SEED=$(or $(SEED),1) CALLS=$(or $(CALLS),20000)

graph: all
	$(MAKE) -C system graph

clean:
	rm -rf $(BUILD)
