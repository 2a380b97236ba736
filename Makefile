# Two commands do all the set-up on a fresh machine (Python 3.11 with venv):
#   make demo   – install into .venv, build the graph from corpus/ and print the alemtuzumab path
#   make test   – install into .venv and run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test install pdfs benchmark clean

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

test: $(STAMP)
	$(BIN)/python -m pytest -q

benchmark: $(STAMP)
	$(BIN)/python benchmarks/corpus_scores.py

clean:
	rm -rf outputs/store outputs/graph.ttl
