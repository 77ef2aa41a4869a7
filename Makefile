# One static library (lib/) and one binary per folder of cmd/.
PREFIX ?= /usr/local
MANPREFIX ?= $(PREFIX)/share/man
CC ?= cc
CFLAGS ?= -O2 -g
override CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Ilib
LDFLAGS ?=

TOOLS := $(notdir $(wildcard cmd/*))
BINS := $(TOOLS:%=bin/%)
LIBSRC := $(wildcard lib/*.c)
LIBOBJ := $(LIBSRC:.c=.o)
LIBA := lib/libetl.a

# external libraries per tool
LIBS_ev2tsv :=
LIBS_chload := -lcurl -lz
LIBS_kprod := -lrdkafka
LIBS_kcat-split := -lrdkafka
LIBS_hive2tsv := -lodbc
LIBS_contact-merge :=

all: $(BINS)

$(LIBA): $(LIBOBJ)
	$(AR) rcs $@ $^

lib/%.o: lib/%.c $(wildcard lib/*.h)
	$(CC) $(CFLAGS) -c -o $@ $<

.SECONDEXPANSION:
bin/%: $$(wildcard cmd/%/*.c) $$(wildcard cmd/%/*.h) $(LIBA) $(wildcard lib/*.h)
	@mkdir -p bin
	$(CC) $(CFLAGS) -Icmd/$* $(LDFLAGS) -o $@ $(filter %.c,$^) $(LIBA) $(LIBS_$*) -lm

deps:
	sh scripts/deps build

install: all
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANPREFIX)/man1
	for t in $(TOOLS); do install -m 755 bin/$$t $(DESTDIR)$(PREFIX)/bin/; done
	for m in man/*.1; do install -m 644 $$m $(DESTDIR)$(MANPREFIX)/man1/; done

clean:
	rm -rf bin lib/*.o $(LIBA) tests/bin run

.PHONY: all deps install clean
include $(sort $(wildcard mk/*.mk))
