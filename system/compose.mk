# Composing the system described in larkos.xml. Not named Makefile on purpose: the top-level
# Makefile takes system/Makefile to mean "the composed system boots" (see README.md).
#   make -f system/compose.mk glue    # build/compose/glue/<component>/{lark_glue.h,lark_glue.c,glue.mk}
#   make -f system/compose.mk spec    # build/compose/larkos.spec (needs every component ELF)
#   make -f system/compose.mk graph   # build/compose/larkos.{json,dot,png}
SYSTEM_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
TOP        ?= $(abspath $(SYSTEM_DIR)/..)
BUILD      ?= $(TOP)/build
COMPOSE    := $(BUILD)/host/lark-compose
SYSTEM_XML := $(SYSTEM_DIR)/larkos.xml
OUT        := $(BUILD)/compose

.PHONY: compose-tool glue spec graph check
compose-tool:
	$(MAKE) --no-print-directory -C $(TOP)/tools/compose all

check: compose-tool
	$(COMPOSE) $(SYSTEM_XML)

glue: compose-tool
	@mkdir -p $(OUT)
	$(COMPOSE) $(SYSTEM_XML) --glue $(OUT)/glue

# Program paths in larkos.xml are relative to $(BUILD).
spec: compose-tool
	@mkdir -p $(OUT)
	$(COMPOSE) $(SYSTEM_XML) --elfs $(BUILD) --spec $(OUT)/larkos.spec
	$(COMPOSE) --dump-spec $(OUT)/larkos.spec | head -3

graph: compose-tool
	@mkdir -p $(OUT)
	$(COMPOSE) $(SYSTEM_XML) --json $(OUT)/larkos.json --dot $(OUT)/larkos.dot
	dot -Tpng $(OUT)/larkos.dot -o $(OUT)/larkos.png
	@echo "authority graph: $(OUT)/larkos.png"
