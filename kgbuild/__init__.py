"""kgbuild: case reports to an evidence-backed knowledge graph."""
__version__ = "0.1.0"
