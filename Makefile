# fremdrift: build, run and test.
#   make run    install what is missing, build, start a local PostgreSQL, migrate, serve
#   make test   the same set-up on a throwaway cluster, then every test under ASan/UBSan
#   make bench  wrk against the running service next to pgbench running the same SQL
#   make cluster  Patroni + etcd + HAProxy + three services on loopback (make cluster-stop)
#   make test-ha  the fault test of that set-up: failover, a lost instance, the rejoin
# Targets that need packages first run scripts/deps.sh, then re-enter make so that
# pkg-config sees the freshly installed libraries.

SHELL := /bin/bash
.DEFAULT_GOAL := build
.SUFFIXES:

PKGS := libulfius libmicrohttpd jansson libjwt libpq libcrypto libcurl
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS)) -lpthread -lm
# The tests' HTTP client sends its requests through libcurl.
TEST_LIBS = $(shell pkg-config --libs libcurl) -lcriterion

CFLAGS_COMMON = -std=gnu11 -Wall -Wextra -Werror -g -D_GNU_SOURCE -MMD -MP -Iservice $(PKG_CFLAGS)
CFLAGS_RELEASE = $(CFLAGS_COMMON) -O2
SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
CFLAGS_ASAN = $(CFLAGS_COMMON) -O1 $(SANITIZE)

# service/ is in wings (README, "Layout"): main.c and devtoken.c are the programs, every
# other source file is in libfremdrift.a.
SERVICE_SRC := $(filter-out service/main.c service/devtoken.c,$(shell find service -name '*.c' | sort))
UNIT_SRC := $(shell find tests/unit -name '*.c' | sort) $(wildcard tests/support/http_*.c tests/support/selftest_*.c)
ITEST_SRC := $(wildcard tests/integration/*.c) $(filter-out tests/support/selftest_%.c,$(wildcard tests/support/*.c))

# BUILD lets several builds of one checkout live side by side (make BUILD=build-x test).
BUILD ?= build
export BUILD
REL := $(BUILD)/release
ASAN := $(BUILD)/asan
# The citizen's portal and the API docs page, built from openapi.yaml, are embedded in the
# binary through a table scripts/embed.sh generates.
DOCS := $(BUILD)/docs
STATIC_C := $(BUILD)/gen/static_files.c

.PHONY: build build-asan deps run test test-ha bench cluster cluster-stop cluster-status token db-stop db-destroy migrate lint layers spec clean

deps:
	@scripts/deps.sh

build: $(REL)/fremdrift $(REL)/fremdrift-token

build-asan: $(ASAN)/fremdrift $(ASAN)/fremdrift-token $(ASAN)/unit-tests $(ASAN)/integration-tests

run:
	@scripts/deps.sh
	@$(MAKE) --no-print-directory build
	@scripts/run.sh

test:
	@scripts/deps.sh --lint --idp --browser --cluster
	@$(MAKE) --no-print-directory build-asan
	@scripts/test.sh

test-ha:
	@scripts/deps.sh --lint --cluster
	@$(MAKE) --no-print-directory build
	@tests/ha/run.sh

cluster:
	@scripts/deps.sh --cluster
	@$(MAKE) --no-print-directory build
	@CLUSTER_KEYS=$(CURDIR)/var/dev scripts/cluster.sh start cluster

cluster-stop:
	@scripts/cluster.sh stop cluster

cluster-status:
	@CLUSTER_KEYS=$(CURDIR)/var/dev scripts/cluster.sh status cluster

bench:
	@scripts/deps.sh --bench
	@$(MAKE) --no-print-directory build
	@scripts/bench.sh

token: $(REL)/fremdrift-token
	@scripts/token.sh "$(ROLE)" "$(SUB)" "$(MUNICIPALITY)" "$(CPR)"

migrate: $(REL)/fremdrift
	@scripts/run.sh migrate

db-stop:
	@scripts/pg.sh stop dev

# Every cluster of this checkout and its data, also what lives in /var/tmp as root.
db-destroy:
	@scripts/pg.sh destroy-all

lint:
	@scripts/lint.sh

layers:
	@scripts/layers.sh

spec:
	@scripts/spec.sh

clean:
	rm -rf $(BUILD)

# Objects: one tree per build flavour.
$(REL)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_RELEASE) -c $< -o $@

$(ASAN)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ASAN) -c $< -o $@

# The contract is embedded in the binary (service/http/openapi_blob.S).
$(REL)/service/http/openapi_blob.o $(ASAN)/service/http/openapi_blob.o: service/http/openapi_blob.S openapi.yaml
	@mkdir -p $(dir $@)
	$(CC) -c $< -o $@

$(DOCS)/index.html: openapi.yaml scripts/docs.sh $(wildcard api-spec/docs/*) api-spec/package-lock.json
	@scripts/docs.sh $(DOCS)

$(STATIC_C): portal $(wildcard portal/*) $(DOCS)/index.html scripts/embed.sh
	@scripts/embed.sh $@ /portal/=portal /docs/=$(DOCS)

# Rebuilt from scratch: `ar rcs` never drops a member, so an object whose source moved or
# went away would stay in the archive and could still be linked in place of the new one.
$(REL)/libfremdrift.a: $(SERVICE_SRC:%.c=$(REL)/%.o) $(REL)/service/http/openapi_blob.o $(REL)/$(STATIC_C:.c=.o)
	@rm -f $@
	$(AR) rcs $@ $^

$(ASAN)/libfremdrift.a: $(SERVICE_SRC:%.c=$(ASAN)/%.o) $(ASAN)/service/http/openapi_blob.o $(ASAN)/$(STATIC_C:.c=.o)
	@rm -f $@
	$(AR) rcs $@ $^

$(REL)/fremdrift: $(REL)/service/main.o $(REL)/libfremdrift.a
	$(CC) $^ -o $@ $(PKG_LIBS)

$(REL)/fremdrift-token: $(REL)/service/devtoken.o $(REL)/libfremdrift.a
	$(CC) $^ -o $@ $(PKG_LIBS)

$(ASAN)/fremdrift: $(ASAN)/service/main.o $(ASAN)/libfremdrift.a
	$(CC) $(SANITIZE) $^ -o $@ $(PKG_LIBS)

$(ASAN)/fremdrift-token: $(ASAN)/service/devtoken.o $(ASAN)/libfremdrift.a
	$(CC) $(SANITIZE) $^ -o $@ $(PKG_LIBS)

$(ASAN)/unit-tests: $(UNIT_SRC:%.c=$(ASAN)/%.o) $(ASAN)/libfremdrift.a
	$(CC) $(SANITIZE) $^ -o $@ $(PKG_LIBS) $(TEST_LIBS)

$(ASAN)/integration-tests: $(ITEST_SRC:%.c=$(ASAN)/%.o) $(ASAN)/libfremdrift.a
	$(CC) $(SANITIZE) $^ -o $@ $(PKG_LIBS) $(TEST_LIBS)

$(ASAN)/tests/%.o: CFLAGS_ASAN += -Itests/support

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
