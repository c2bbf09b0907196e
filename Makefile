# miningrisk: build, test, bench, install, demo.
# Every program links build/libminingrisk.a (ext/). Sources are found by wildcard so that a new
# file needs no Makefile edit. BUILD lets several people build one tree side by side.

BUILD    ?= build
NPROC    ?= $(shell nproc 2>/dev/null || echo 2)
PREFIX   ?= /usr
DESTDIR  ?=
CXX      ?= g++
CXXFLAGS ?= -O2 -g
# CPPFLAGS and LDFLAGS come from the environment too (dpkg-buildflags: Debian's hardening flags).
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

# The four programs a user runs (what make install and the packages ship).
SHIPPED    := $(CLIENT_SRC:%.cpp=$(BUILD)/%) $(SERVER_SRC:%.cpp=$(BUILD)/%)

# The one version: ext/util/version.h (debian/changelog must agree; tests/lint/cli-man.sh).
VERSION    := $(shell sed -n 's/.*kMiningriskVersion = "\(.*\)";.*/\1/p' ext/util/version.h)

# Man pages: programs by help2man from their own --help/--version plus {client-tests,server-plugins}/man/NAME.h2m, so an
# option cannot be missing; the file formats from */man/*.5 (see server-plugins/man/README).
MAN_DIR    := $(BUILD)/man
MAN_PAGES  := $(MAN_DIR)/miningrisk-client.1 $(MAN_DIR)/xymond_miningrisk.8 $(MAN_DIR)/miningrisk-pages.8 \
              $(MAN_DIR)/miningrisk-feed.8 $(MAN_DIR)/miningrisk-order.8 $(patsubst %,$(MAN_DIR)/%,$(notdir $(wildcard client-tests/man/*.5 server-plugins/man/*.5)))
MAN_DATE   := $(shell date -u -d @$${SOURCE_DATE_EPOCH:-$$(date +%s)} +%Y-%m-%d)

UNIT_SRC   := $(sort $(wildcard tests/unit/*.cpp))
UNIT_OBJ   := $(UNIT_SRC:%.cpp=$(BUILD)/%.o)
UNIT_BIN   := $(BUILD)/tests/unit/unit-tests

.SECONDARY:
.PHONY: all programs man deps test unit e2e bench install uninstall demo deb clean
all: $(LIB) $(PROGRAMS) $(UNIT_BIN) man
programs: $(SHIPPED)
man: $(MAN_PAGES)

$(MAN_DIR)/%.1: $(BUILD)/client-tests/% client-tests/man/%.h2m
	@mkdir -p $(dir $@)
	help2man -N -s 1 -i client-tests/man/$*.h2m -o $@ $<
$(MAN_DIR)/%.8: $(BUILD)/server-plugins/% server-plugins/man/%.h2m
	@mkdir -p $(dir $@)
	help2man -N -s 8 -i server-plugins/man/$*.h2m -o $@ $<
$(MAN_DIR)/%.5: client-tests/man/%.5 ext/util/version.h
	@mkdir -p $(dir $@)
	sed -e 's/@VERSION@/$(VERSION)/' -e 's/@DATE@/$(MAN_DATE)/' $< >$@
$(MAN_DIR)/%.5: server-plugins/man/%.5 ext/util/version.h
	@mkdir -p $(dir $@)
	sed -e 's/@VERSION@/$(VERSION)/' -e 's/@DATE@/$(MAN_DATE)/' $< >$@

$(BUILD)/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -MMD -MP -c $< -o $@

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
	$(MAKE) -j$(NPROC) all
	BUILD=$(BUILD) bash tests/run-all.sh

bench: deps
	$(MAKE) -j$(NPROC) all
	BUILD=$(BUILD) bash tests/bench/run-bench.sh

# Into Debian's Xymon layout; only drop-in files, never an edit to a stock file.
install: programs man
	install -d $(DESTDIR)$(XYMON_CLIENT_EXT) $(DESTDIR)$(XYMON_ETC)/clientlaunch.d $(DESTDIR)$(MR_SHARE)
	install -m 0755 $(CLIENT_SRC:%.cpp=$(BUILD)/%) $(DESTDIR)$(XYMON_CLIENT_EXT)/
	install -m 0644 client-tests/clientlaunch.d/miningrisk.cfg $(DESTDIR)$(XYMON_ETC)/clientlaunch.d/
	cp -r client-tests/share/. $(DESTDIR)$(MR_SHARE)/ 2>/dev/null || true
	for m in $(MAN_PAGES); do s=$${m##*.}; install -D -m 0644 $$m $(DESTDIR)$(PREFIX)/share/man/man$$s/$${m##*/}; done
	if [ -d server-plugins/install ]; then sh server-plugins/install/install-server.sh "$(BUILD)" "$(DESTDIR)"; fi
	# the evidence snapshot's root helper (issue 11): a sudoers drop-in checked by visudo, and
	# the evidence directory only root reads
	install -d -m 0700 $(DESTDIR)/var/lib/xymon/miningrisk/evidence
	[ -n "$(DESTDIR)" ] || chown -R root:root /var/lib/xymon/miningrisk/evidence   # the server's chown -R gives the rest to xymon
	sed 's|@CLIENT_EXT@|$(XYMON_CLIENT_EXT)|g' client-tests/sudoers.d/miningrisk >$(BUILD)/sudoers-miningrisk
	if command -v visudo >/dev/null && ! visudo -c -q -f $(BUILD)/sudoers-miningrisk; then \
	  echo "sudoers drop-in refused by visudo: not installed" >&2; exit 1; fi
	{ [ -d $(DESTDIR)/etc/sudoers.d ] || install -d -m 0755 $(DESTDIR)/etc/sudoers.d; }
	install -m 0440 $(BUILD)/sudoers-miningrisk $(DESTDIR)/etc/sudoers.d/miningrisk
	if [ -z "$(DESTDIR)" ] && command -v setcap >/dev/null; then \
	  setcap cap_sys_ptrace,cap_dac_read_search+ep $(XYMON_CLIENT_EXT)/miningrisk-client; fi

# Removes what make install put in place, the admin's files (policy, feed list) and the state
# included; before installing the packages over a make install.
uninstall:
	rm -f $(DESTDIR)$(XYMON_CLIENT_EXT)/*miningrisk* $(DESTDIR)$(XYMON_SERVER_EXT)/*miningrisk* \
	      $(DESTDIR)$(XYMON_ETC)/*.d/*miningrisk* $(DESTDIR)$(XYMON_ETC)/*miningrisk* $(DESTDIR)$(XYMON_ETC)/web/miningrisk* \
	      $(DESTDIR)/etc/logrotate.d/miningrisk $(DESTDIR)/usr/lib/xymon/cgi-secure/miningrisk-order \
	      $(DESTDIR)/etc/apache2/conf-available/miningrisk-server.conf
	rm -f $(foreach m,$(MAN_PAGES),$(DESTDIR)$(PREFIX)/share/man/man$(subst .,,$(suffix $(m)))/$(notdir $(m)))
	rm -rf $(DESTDIR)$(MR_SHARE) $(DESTDIR)$(XYMON_WWW)/miningrisk $(DESTDIR)/var/lib/xymon/tmp/miningrisk*
	rm -f $(DESTDIR)/etc/sudoers.d/miningrisk   # the evidence itself is kept
	find $(DESTDIR)/var/lib/xymon/miningrisk -mindepth 1 -maxdepth 1 ! -name evidence -exec rm -rf {} + 2>/dev/null || true
	rmdir $(DESTDIR)/var/lib/xymon/miningrisk 2>/dev/null || true

# The Debian packages (debian/): a source package and miningrisk-client, miningrisk-server, built
# from a copy of the tree in DEB_OUT (never inside the repository), then checked by lintian.
DEB_OUT ?= /tmp/miningrisk-deb
DEB_SRC := $(DEB_OUT)/miningrisk-$(VERSION)
deb: deps
	rm -rf $(DEB_SRC) && mkdir -p $(DEB_SRC)
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
	  git ls-files -z -co --exclude-standard | xargs -0 cp --parents -t $(DEB_SRC); \
	else tar -c --exclude='./build*' --exclude=./tests/artifacts --exclude=./.git . | tar -x -C $(DEB_SRC); fi
	rm -f $(DEB_OUT)/miningrisk*_*
	cd $(DEB_SRC) && DEB_BUILD_OPTIONS="parallel=2 noddebs $(DEB_BUILD_OPTIONS)" dpkg-buildpackage -us -uc >$(DEB_OUT)/build.log 2>&1 || \
	  { tail -40 $(DEB_OUT)/build.log; exit 1; }
	lintian --fail-on error,warning $(DEB_OUT)/miningrisk_*.changes
	@ls $(DEB_OUT)/*.deb

demo: deps
	$(MAKE) -j$(NPROC) all
	BUILD=$(BUILD) bash tests/lib/demo.sh

clean:
	rm -rf $(BUILD)
