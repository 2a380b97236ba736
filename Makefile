# Two commands do all the set-up on a fresh machine (Python 3.11 with venv):
#   make demo   – install into .venv, build the graph from corpus/ and print the alemtuzumab path
#   make test   – install into .venv and run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test install browser pdfs benchmark clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

pdfs: $(STAMP)
	$(BIN)/python corpus/render_pdfs.py --cases corpus/cases.json --out corpus/pdf

demo: $(STAMP)
	$(BIN)/kgbuild build corpus/pdf --store outputs/store
	$(BIN)/kgbuild stats --store outputs/store
	$(BIN)/kgbuild paths alemtuzumab D-dimer --store outputs/store --limit 3
	$(BIN)/kgbuild export --store outputs/store --format ttl -o outputs/graph.ttl

# The browser tests (tests/test_review.py) drive Debian's chromium through Playwright, which never
# downloads a browser of its own. As root with apt-get it is installed when missing; elsewhere
# those tests skip, saying why.
browser:
	@test -x /usr/bin/chromium || [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

benchmark: $(STAMP)
	$(BIN)/python benchmarks/corpus_scores.py

clean:
	rm -rf outputs/store outputs/graph.ttl
