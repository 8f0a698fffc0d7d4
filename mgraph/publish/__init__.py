"""Publishing the graph: the release (``mgraph build``), its statistics, description, version,
diff and documentation, and the push to a triple store (``mgraph push``)."""
