"""The core: the data format, records, triples and the engines that hold them (a strict stack of
layers; see docs/architecture.md)."""
