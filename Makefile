# miningrisk: build, test, bench, install, demo.
# Every program links build/libminingrisk.a (ext/). Sources are found by wildcard so that a new
# file needs no Makefile edit. BUILD lets several people build one tree side by side.

BUILD    ?= build
PREFIX   ?= /usr
DESTDIR  ?=
CXX      ?= g++
CXXFLAGS ?= -O2 -g
CXXFLAGS += -std=c++17 -Wall -Wextra -Wno-unused-parameter -Iext $(shell pkg-config --cflags libxml-2.0)
LDLIBS   += -lfmt $(shell pkg-config --libs libxml-2.0 libcurl) -lpthread

XYMON_CLIENT_EXT ?= /usr/lib/xymon/client/ext
XYMON_SERVER_EXT ?= /usr/lib/xymon/server/ext
XYMON_ETC        ?= /etc/xymon
XYMON_WWW        ?= /var/lib/xymon/www
MR_SHARE         ?= $(PREFIX)/share/miningrisk

EXT_SRC    := $(sort $(wildcard ext/*/*.cpp))
EXT_OBJ    := $(EXT_SRC:%.cpp=$(BUILD)/%.o)
LIB        := $(BUILD)/libminingrisk.a

# Programs: one .cpp with a main() each.
CLIENT_SRC := $(sort $(wildcard client-tests/*.cpp))
SERVER_SRC := $(sort $(wildcard server-plugins/*.cpp))
SIM_SRC    := $(sort $(wildcard tests/sim/*.cpp))
BENCH_SRC  := $(sort $(wildcard tests/bench/*.cpp))
FUZZ_SRC   := $(sort $(wildcard tests/fuzz/*.cpp))
PROGRAMS   := $(CLIENT_SRC:%.cpp=$(BUILD)/%) $(SERVER_SRC:%.cpp=$(BUILD)/%) \
              $(SIM_SRC:%.cpp=$(BUILD)/%) $(BENCH_SRC:%.cpp=$(BUILD)/%) $(FUZZ_SRC:%.cpp=$(BUILD)/%)

UNIT_SRC   := $(sort $(wildcard tests/unit/*.cpp))
UNIT_OBJ   := $(UNIT_SRC:%.cpp=$(BUILD)/%.o)
UNIT_BIN   := $(BUILD)/tests/unit/unit-tests

.SECONDARY:
.PHONY: all deps test unit e2e bench install uninstall demo clean
all: $(LIB) $(PROGRAMS) $(UNIT_BIN)

$(BUILD)/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(EXT_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/%: $(BUILD)/%.o $(LIB)
	$(CXX) $(LDFLAGS) $< $(LIB) $(LDLIBS) -o $@

$(UNIT_BIN): $(UNIT_OBJ) $(LIB)
	$(CXX) $(LDFLAGS) $(UNIT_OBJ) $(LIB) $(LDLIBS) -o $@

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# Build and test dependencies from Debian's packages; idempotent (skips apt when all are there).
deps:
	@sh tests/lib/install-deps.sh

unit: $(UNIT_BIN)
	$(UNIT_BIN)

# The whole suite: unit tests then end-to-end suites against a real Xymon; prints one
# "N passed, N failed" line over all of them.
test: deps
	$(MAKE) all
	BUILD=$(BUILD) bash tests/run-all.sh

bench: deps
	$(MAKE) all
	BUILD=$(BUILD) bash tests/bench/run-bench.sh

# Into Debian's Xymon layout; only drop-in files, never an edit to a stock file.
install: all
	install -d $(DESTDIR)$(XYMON_CLIENT_EXT) $(DESTDIR)$(XYMON_ETC)/clientlaunch.d $(DESTDIR)$(MR_SHARE)
	install -m 0755 $(CLIENT_SRC:%.cpp=$(BUILD)/%) $(DESTDIR)$(XYMON_CLIENT_EXT)/
	install -m 0644 client-tests/clientlaunch.d/miningrisk.cfg $(DESTDIR)$(XYMON_ETC)/clientlaunch.d/
	cp -r client-tests/share/. $(DESTDIR)$(MR_SHARE)/ 2>/dev/null || true
	if [ -d server-plugins/install ]; then sh server-plugins/install/install-server.sh "$(BUILD)" "$(DESTDIR)"; fi
	if [ -z "$(DESTDIR)" ] && command -v setcap >/dev/null; then \
	  setcap cap_sys_ptrace,cap_dac_read_search+ep $(XYMON_CLIENT_EXT)/miningrisk-client; fi

demo: deps
	$(MAKE) all
	BUILD=$(BUILD) bash tests/lib/demo.sh

clean:
	rm -rf $(BUILD)
