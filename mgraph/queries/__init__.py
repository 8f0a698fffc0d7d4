"""The SPARQL query library and its running (``mgraph query``)."""
